package proc_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/container"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/events"
	"droidplex/container/proc"
	"droidplex/container/spec"
	"droidplex/container/wire"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) {
	proc.RunHelperIfRequested()
	testutil.Main(m)
}

// standIn is a stand-in init: it reports what it sees, then runs until
// SIGTERM like a long-running service.
const standIn = `#!/bin/sh
d=$DROIDPLEX_DATA
trap 'exit 0' TERM
{
echo "run: $(ls /dev/droidplex | tr '\n' ' ')"
echo "input: $(ls /dev/input 2>/dev/null | tr '\n' ' ')"
echo "runparent: $(ls "$(dirname "$(readlink -f /dev/droidplex/..)")" >/dev/null; ls $RUNPARENT | tr '\n' ' ')"
echo "rild: $(readlink /dev/socket/rild)"
echo "pid: $$"
} > $d/seen.tmp
mv $d/seen.tmp $d/seen.$$
while :; do sleep 1 & wait $!; done
`

type env struct {
	dir, runParent string
	f              *config.File
}

// newEnv writes a config for containers a and b, each with one fake input
// node, and the stand-in init.
func newEnv(t *testing.T) *env {
	testutil.RequireRoot(t)
	dir := testutil.RuntimeDir(t)
	e := &env{dir: dir, runParent: filepath.Join(dir, "run")}
	initPath := filepath.Join(dir, "init")
	if err := os.WriteFile(initPath, []byte(standIn), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RUNPARENT", e.runParent)
	var b strings.Builder
	fmt.Fprintf(&b, "state_dir = %q\nrun_dir = %q\n", dir+"/state", e.runParent)
	for i, n := range []string{"a", "b"} {
		node := filepath.Join(dir, "event"+n)
		if err := linux.Mknod(node, unix.S_IFCHR|0o600, int(linux.Mkdev(13, uint32(200+i)))); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "[[container]]\nname = %q\nrootfs = \"/\"\ninit = [%q]\ndata = %q\nautostart = true\ninput = [%q]\n",
			n, initPath, dir+"/data/"+n, node)
	}
	f, err := config.Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	e.f = f
	return e
}

func (e *env) manager(t *testing.T, hub *events.Hub) *container.Manager {
	m := container.New(container.Config{
		File: e.f, Runtime: &proc.Runtime{Root: e.dir + "/proc"}, Host: container.OSHost{}, Events: hub,
		Log: testutil.Logger(t), Backoff: container.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond, Stable: time.Hour},
		StopTimeout: 5 * time.Second,
	})
	t.Cleanup(func() {
		if err := m.StopAll(context.Background()); err != nil {
			t.Error(err)
		}
		m.Close()
		m.Wait()
	})
	return m
}

// seen waits for container name's init (pid on the host) to report.
func (e *env) seen(t *testing.T, name string, pid int) string {
	t.Helper()
	data := filepath.Join(e.dir, "data", name)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		// The init's own pid is 1 in its namespace.
		if b, err := os.ReadFile(filepath.Join(data, "seen.1")); err == nil {
			os.Remove(filepath.Join(data, "seen.1"))
			return string(b)
		}
	}
	t.Fatalf("container %s (pid %d) never reported", name, pid)
	return ""
}

func TestTwoContainersSeeOnlyTheirOwn(t *testing.T) {
	e := newEnv(t)
	m := e.manager(t, events.NewHub())
	ctx := context.Background()
	for _, n := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(e.runParent, n), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.runParent, n, "rild-of-"+n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"a", "b"} {
		if res, err := m.Ensure(ctx, n); err != nil || !res.Created {
			t.Fatalf("ensure %s: %+v %v", n, res, err)
		}
	}
	for _, n := range []string{"a", "b"} {
		st, _ := m.Status(n)
		got := e.seen(t, n, st.Pid)
		want := fmt.Sprintf("run: rild-of-%s \ninput: event%s \nrunparent: %s \nrild: /dev/droidplex/rild\npid: 1\n", n, n, n)
		if got != want {
			t.Errorf("container %s saw:\n%s\nwant:\n%s", n, got, want)
		}
	}
}

func TestKilledInitIsRestarted(t *testing.T) {
	e := newEnv(t)
	hub := events.NewHub()
	sub := hub.Subscribe(100)
	defer sub.Close()
	m := e.manager(t, hub)
	ctx := context.Background()
	if _, err := m.Ensure(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	st, _ := m.Status("a")
	e.seen(t, "a", st.Pid)
	if err := linux.Kill(st.Pid, unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	states := containertest.States(t, sub.C, 5, 10*time.Second)
	want := []string{wire.StateStarting, wire.StateRunning, wire.StateFailed, wire.StateStarting, wire.StateRunning}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Fatalf("states = %q, want %q", states, want)
	}
	st2, _ := m.Status("a")
	if st2.Pid == st.Pid || st2.Restarts != 1 {
		t.Fatalf("after restart: %+v (old pid %d)", st2, st.Pid)
	}
	e.seen(t, "a", st2.Pid) // the new init runs
}

func TestAttachAfterRestartOfDaemon(t *testing.T) {
	e := newEnv(t)
	rt := &proc.Runtime{Root: e.dir + "/proc"}
	s := container.BuildSpec(e.f, e.f.Containers[0], nil)
	for _, d := range []string{s.RunDir, s.SocketDir, s.Data} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.Create(s); err != nil {
		t.Fatal(err)
	}
	in, err := rt.Start(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Stop(0)
	e.seen(t, "a", in.Pid())
	again, err := (&proc.Runtime{Root: e.dir + "/proc"}).Attach("a")
	if err != nil || again.Pid() != in.Pid() {
		t.Fatalf("attach = %v, %v", again, err)
	}
	if err := again.Stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := in.Wait(); err != nil {
		t.Fatalf("init exit: %v (SIGTERM trap exits 0)", err)
	}
	if _, err := rt.Attach("a"); !errors.Is(err, container.ErrNotRunning) {
		t.Fatalf("attach to stopped: %v", err)
	}
}

// TestSetupFailureLeavesNothing: the helper fails midway (its runtime
// directory is missing); Start reports why, and no process or mount is left.
func TestSetupFailureLeavesNothing(t *testing.T) {
	e := newEnv(t)
	before, _ := os.ReadFile("/proc/self/mountinfo")
	rt := &proc.Runtime{Root: e.dir + "/proc"}
	s := container.BuildSpec(e.f, e.f.Containers[0], []spec.Device{{Host: "/dev/null", Path: "/dev/null", Type: 'c', Major: 1, Minor: 3}})
	if err := rt.Create(s); err != nil {
		t.Fatal(err)
	}
	_, err := rt.Start(context.Background(), s) // s.RunDir does not exist
	if err == nil || !strings.Contains(err.Error(), "container setup") || !strings.Contains(err.Error(), s.RunDir) {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile("/proc/self/mountinfo")
	if string(before) != string(after) {
		t.Fatalf("host mounts changed:\n%s", after)
	}
	if _, err := rt.Attach("a"); !errors.Is(err, container.ErrNotRunning) {
		t.Fatalf("a process was left: %v", err)
	}
}
