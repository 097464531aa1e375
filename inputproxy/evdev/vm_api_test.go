package evdev_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"droidplex/inputproxy"
	"droidplex/inputproxy/evdev"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"golang.org/x/sys/unix"
)

// TestDaemonReportsCloneNodes runs inputproxyd's Run on the real kernel:
// adding a container through the API returns its clones' device numbers,
// and they are the numbers of the nodes in /dev/input.
func TestDaemonReportsCloneNodes(t *testing.T) {
	requireUinput(t)
	standIn(t, inputproxytest.Keyboard("vm api kbd"))
	sock := filepath.Join(testutil.RuntimeDir(t), "in.sock")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- inputproxy.Run(ctx, inputproxy.Config{APISocket: sock, Backend: &evdev.Backend{}}, testutil.Logger(t))
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	c := ctlhttp.NewClient(sock)
	var st wire.Status
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		err := ctlhttp.Do(ctx, c, "GET", "/v1/status", nil, &st)
		if err == nil && len(st.Devices) > 0 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("inputproxyd never routed the stand-in: %v %+v", err, st)
		}
	}
	var ct wire.Container
	if err := ctlhttp.Do(ctx, c, "PUT", "/v1/containers/farm1", nil, &ct); err != nil {
		t.Fatal(err)
	}
	if len(ct.Nodes) == 0 {
		t.Fatalf("no clone nodes: %+v", ct)
	}
	for _, n := range ct.Nodes {
		fi, err := os.Stat(n.Path)
		if err != nil {
			t.Fatal(err)
		}
		s := fi.Sys().(*syscall.Stat_t)
		if s.Mode&syscall.S_IFMT != syscall.S_IFCHR || unix.Major(s.Rdev) != n.Major || unix.Minor(s.Rdev) != n.Minor || n.Major != 13 {
			t.Errorf("node %+v: %s is %d:%d (mode %o)", n, n.Path, unix.Major(s.Rdev), unix.Minor(s.Rdev), s.Mode)
		}
	}
}
