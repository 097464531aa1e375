package lxc

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeHelper stands in for the re-executed binary: it reads the name and
// reports it, like the real helper reports errors.
var fakeHelper = []string{"/bin/sh", "-c", `read n && echo "started $n"`}

func TestWarmHelperUsedOnceAndReplaced(t *testing.T) {
	r := &Runtime{Helper: fakeHelper}
	defer r.Close()
	ctx := context.Background()
	if out, err := r.runHelper(ctx, "a"); err != nil || out != "started a\n" {
		t.Fatalf("cold start: %q, %v", out, err)
	}
	r.Warm()
	r.mu.Lock()
	h := r.warm
	r.mu.Unlock()
	if h == nil {
		t.Fatal("no helper kept ready")
	}
	// The waiting helper dies; the next start notices and uses a fresh one.
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitZombie(t, h.cmd.Process.Pid)
	if out, err := r.runHelper(ctx, "b"); err != nil || out != "started b\n" {
		t.Fatalf("start after the ready helper died: %q, %v", out, err)
	}
}

func TestCloseDismissesWarmHelper(t *testing.T) {
	r := &Runtime{Helper: fakeHelper}
	r.refill()
	r.mu.Lock()
	h := r.warm
	r.mu.Unlock()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if h.cmd.ProcessState == nil || !h.cmd.ProcessState.Exited() {
		t.Fatalf("helper still running after Close: %v", h.cmd.ProcessState)
	}
	r.scheduleRefill()
	if r.warm != nil {
		t.Fatal("a closed runtime spawned a helper")
	}
}

func TestColdHelperKeepsNone(t *testing.T) {
	r := &Runtime{Helper: fakeHelper, ColdHelper: true}
	if out, err := r.runHelper(context.Background(), "c"); err != nil || out != "started c\n" {
		t.Fatalf("%q, %v", out, err)
	}
	if r.warm != nil {
		t.Fatal("cold runtime keeps a helper")
	}
}

func waitZombie(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(b), ") Z ") {
			return
		}
	}
	t.Fatalf("pid %d did not die", pid)
}
