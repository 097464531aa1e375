package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/rilproxy"
	"droidplex/rilproxy/policy"
)

// TestRILStatus runs the multiplexer with the mock modem in-process and
// reads its state with `droidplex ril status`.
func TestRILStatus(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := rilproxy.RunConfig{
		Mux:    rilproxy.Config{Policy: policy.Config{Containers: []string{"personal", "work"}}},
		RunDir: dir, Modem: rilproxy.ModemMock,
		Socket: rilproxy.SocketOptions{Mode: 0o600, UID: -1, GID: -1},
	}
	daemon(t, ctx, func(ctx context.Context) error { return rilproxy.Run(ctx, cfg, testutil.Logger(t)) })
	run := cli(ctx, newRILCmd, filepath.Join(dir, "rilproxyd.sock"))
	var out string
	waitUntil(t, ctx, "rilproxyd connected to the modem", func() bool {
		var err error
		out, err = run("status")
		return err == nil && strings.Contains(out, "modem connected")
	})
	if !strings.Contains(out, "0 request(s) in flight") {
		t.Fatalf("status:\n%s", out)
	}
}
