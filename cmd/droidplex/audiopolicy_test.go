package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/audioproxy"
	"droidplex/internal/testutil"
)

// TestAudioPolicyCommands runs audioproxyd's Run in-process and drives its
// policy with `droidplex audio policy|accessories|route`.
func TestAudioPolicyCommands(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	cfg := audioproxy.DefaultConfig()
	cfg.RuntimeDir = dir
	cfg.APISocket = filepath.Join(dir, "audioproxyd.sock")
	cfg.Droidplexd = "none"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	daemon(t, ctx, func(ctx context.Context) error { return audioproxy.Run(ctx, cfg, testutil.Logger(t)) })
	run := cli(ctx, newAudioCmd, cfg.APISocket)
	var out string
	var err error
	waitUntil(t, ctx, "audioproxyd answering", func() bool { out, err = run("policy"); return err == nil })
	if !strings.HasPrefix(out, "mode normal, route speaker;") {
		t.Fatalf("policy:\n%s", out)
	}
	if out, err = run("route", "work", "earpiece"); err != nil || !strings.Contains(out, "work asks for earpiece") {
		t.Fatalf("route: %v\n%s", err, out)
	}
	if out, err = run("accessories", "--headset"); err != nil || !strings.Contains(out, "route headset;") {
		t.Fatalf("accessories: %v\n%s", err, out)
	}
	if out, err = run("route", "work", "none"); err != nil || strings.Contains(out, "asks for") {
		t.Fatalf("route none: %v\n%s", err, out)
	}
	if _, err = run("route", "work", "loud"); err == nil {
		t.Fatal("a bad route was accepted")
	}
	if _, err = run("route", "nobody", "speaker"); err == nil {
		t.Fatal("an unknown container was accepted")
	}
}
