package main

import (
	"bytes"
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
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	cfg := rilproxy.RunConfig{
		Mux:    rilproxy.Config{Policy: policy.Config{Containers: []string{"personal", "work"}}},
		RunDir: dir, Modem: rilproxy.ModemMock,
		Socket: rilproxy.SocketOptions{Mode: 0o600, UID: -1, GID: -1},
	}
	go func() { done <- rilproxy.Run(rctx, cfg, testutil.Logger(t)) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	for {
		cmd := newRILCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs([]string{"status", "--socket", filepath.Join(dir, "rilproxyd.sock")})
		err := cmd.ExecuteContext(ctx)
		if err == nil && strings.Contains(out.String(), "modem connected") {
			if !strings.Contains(out.String(), "0 request(s) in flight") {
				t.Fatalf("status:\n%s", out.String())
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no status: %v\n%s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}
