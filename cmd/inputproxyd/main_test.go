package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
)

// TestMain runs inputproxyd's main when a test re-executes the test binary
// with mainEnv set, and otherwise the tests (checking for leaked fds).
func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) != "" {
		os.Args = append([]string{"inputproxyd"}, strings.Fields(os.Getenv(mainEnv))...)
		main()
		os.Exit(0)
	}
	testutil.Main(m)
}

const mainEnv = "INPUTPROXYD_TEST_MAIN"

// A stray argument ended flag parsing, so the flags after it were ignored
// without a word (`inputproxyd stray --chord ""` kept the default chord).
// inputproxyd must refuse it with exit status 2 and serve nothing.
func TestStrayArgumentIsRefused(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	sock := filepath.Join(dir, "in.sock")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang guard
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), mainEnv+"=--api-socket "+sock+" --droidplexd= --clones record --input-dir "+
		filepath.Join(dir, "input")+" stray --chord=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		select {
		case err := <-exited:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "stray") {
				t.Fatalf("inputproxyd with a stray argument: %v, stderr:\n%s", err, stderr.String())
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
		if _, err := os.Stat(sock); err == nil {
			cancel()
			<-exited
			t.Fatalf("inputproxyd served despite a stray argument; stderr:\n%s", stderr.String())
		}
	}
}
