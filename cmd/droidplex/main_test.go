package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"droidplex/internal/testutil"
)

// TestMain checks for leaked descriptors.
func TestMain(m *testing.M) { testutil.Main(m) }

// daemon runs a daemon's Run in-process until the test ends; an error from
// it fails the test.
func daemon(t *testing.T, ctx context.Context, run func(ctx context.Context) error) {
	t.Helper()
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(rctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

// cli returns a function that runs the command newCmd builds with args and
// --socket sock, and returns what it printed.
func cli(ctx context.Context, newCmd func() *cobra.Command, sock string) func(args ...string) (string, error) {
	return func(args ...string) (string, error) {
		cmd := newCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(append(args, "--socket", sock))
		err := cmd.ExecuteContext(ctx)
		return out.String(), err
	}
}

// waitUntil polls ok until it holds, failing the test if ctx ends first.
func waitUntil(t *testing.T, ctx context.Context, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s never happened", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
