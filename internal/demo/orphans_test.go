package demo

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"droidplex/internal/linux"
)

// A process a child left behind, in its own session and deaf to SIGTERM,
// with a child of its own, is reparented to the demo and stopped: what a
// stand-in container droidplexd did not stop looks like.
func TestOrphansAreStopped(t *testing.T) {
	if err := linux.SetChildSubreaper(); err != nil {
		t.Fatal(err)
	}
	var before []int
	for _, c := range children(nil) {
		before = append(before, c.pid)
	}
	// sh starts setsid sh (which ignores TERM and starts sleep), prints
	// its pid and exits: the setsid sh is orphaned.
	out, err := exec.Command("sh", "-c", `setsid sh -c 'trap "" TERM; sleep 1000 & wait' </dev/null >/dev/null 2>&1 & echo $!`).Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range children(before) {
		found = found || c.pid == pid
	}
	if !found {
		syscall.Kill(-pid, syscall.SIGKILL)
		t.Fatalf("the orphan %d is not this process's child: %v", pid, children(before))
	}
	reapOrphans(before, 100*time.Millisecond)
	if left := children(before); len(left) > 0 {
		t.Fatalf("children left: %v", left)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		t.Fatalf("the orphan %d still exists", pid)
	}
}
