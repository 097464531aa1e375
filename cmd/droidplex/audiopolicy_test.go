package main

import (
	"bytes"
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
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- audioproxy.Run(rctx, cfg, testutil.Logger(t)) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	run := func(args ...string) (string, error) {
		cmd := newAudioCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(append(args, "--socket", cfg.APISocket))
		err := cmd.ExecuteContext(ctx)
		return out.String(), err
	}
	var out string
	var err error
	for out, err = run("policy"); err != nil; out, err = run("policy") {
		if ctx.Err() != nil {
			t.Fatalf("audioproxyd never answered: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
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
