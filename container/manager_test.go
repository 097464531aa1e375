package container_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"droidplex/container"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/events"
	"droidplex/container/spec"
	"droidplex/container/wire"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

const twoContainers = `state_dir = "/state"
run_dir = "/run/dpx"
[[container]]
name = "work"
rootfs = "/img/rootfs"
data = "/data/work"
autostart = true
[[container]]
name = "personal"
rootfs = "/img/rootfs"
system = "/img/system"
data = "/data/personal"
autostart = true
foreground = true
input = ["/dev/input/event20"]
`

type rig struct {
	tr  *containertest.Transcript
	rt  *containertest.Runtime
	h   *containertest.Host
	hub *events.Hub
	sub *events.Subscription
	m   *container.Manager
}

func newRig(t *testing.T, text string) *rig {
	t.Helper()
	f, err := config.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{tr: &containertest.Transcript{}, hub: events.NewHub()}
	r.rt = containertest.NewRuntime(r.tr)
	r.h = containertest.NewHost(r.tr)
	r.h.Nodes["/dev/input/event20"] = spec.Device{Host: "/dev/input/event20", Path: "/dev/input/event20", Type: 'c', Major: 13, Minor: 84}
	r.sub = r.hub.Subscribe(1000)
	r.m = r.manager(t, f)
	return r
}

func (r *rig) manager(t *testing.T, f *config.File) *container.Manager {
	m := container.New(container.Config{File: f, Runtime: r.rt, Host: r.h, Events: r.hub, Log: testutil.Logger(t),
		Backoff: container.Backoff{Min: time.Millisecond, Max: 4 * time.Millisecond, Stable: time.Hour}})
	t.Cleanup(func() {
		_ = m.StopAll(context.Background())
		m.Close()
		m.Wait()
	})
	return m
}

// states reads container-state events until it has n of them.
func (r *rig) states(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for len(out) < n {
		select {
		case ev, ok := <-r.sub.C:
			if !ok {
				t.Fatal("subscription closed")
			}
			if cs := ev.ContainerState; cs != nil {
				s := cs.Container + " " + cs.State
				if cs.Reason != "" {
					s += " (" + cs.Reason + ")"
				}
				out = append(out, s)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("got only %q", out)
		}
	}
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestEnsureTwiceCreatesOnce(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	for _, name := range []string{"personal", "work"} {
		res, err := r.m.Ensure(ctx, name)
		if err != nil || !res.Created || res.State != wire.StateRunning {
			t.Fatalf("first boot %s: %+v, %v", name, res, err)
		}
	}
	equal(t, "first boot", r.tr.Lines(), []string{
		"runtime create personal",
		"runtime start personal devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse,/dev/input/event20",
		"runtime create work",
		"runtime start work devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse",
	})
	equal(t, "events", r.states(t, 4), []string{"personal starting", "personal running", "work starting", "work running"})

	// Reboot: everything stops, a new droidplexd runs autostart again.
	if err := r.m.StopAll(ctx); err != nil {
		t.Fatal(err)
	}
	r.tr.Lines()
	r.m = r.manager(t, mustParse(t, twoContainers))
	for _, name := range []string{"personal", "work"} {
		res, err := r.m.Ensure(ctx, name)
		if err != nil || res.Created || res.State != wire.StateRunning {
			t.Fatalf("second boot %s: %+v, %v", name, res, err)
		}
	}
	for _, l := range r.tr.Lines() {
		if strings.Contains(l, "create") {
			t.Fatalf("second boot created: %q", l)
		}
	}
}

func mustParse(t *testing.T, s string) *config.File {
	f, err := config.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestKilledInitIsRestarted(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	if _, err := r.m.Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	r.states(t, 2)
	// Two consecutive failures: the first restart attempt fails, the second works.
	fails := 1
	r.rt.StartErr = func(string) error {
		if fails > 0 {
			fails--
			return errors.New("no memory")
		}
		return nil
	}
	r.rt.Running("work").Kill()
	equal(t, "events", r.states(t, 5), []string{
		"work failed (init exited: signal: killed)",
		"work starting (restart)",
		"work failed (start work: no memory)",
		"work starting (restart)",
		"work running",
	})
	st, err := r.m.Status("work")
	if err != nil || st.State != wire.StateRunning || st.Restarts != 2 || st.Pid == 0 {
		t.Fatalf("status = %+v, %v", st, err)
	}
}

func TestStopDuringBackoffCancelsRestart(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	if _, err := r.m.Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	r.states(t, 2)
	r.rt.StartErr = func(string) error { return errors.New("broken image") }
	r.rt.Running("work").Kill()
	r.states(t, 3) // failed, starting, failed: it keeps retrying
	if err := r.m.Stop(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	st, _ := r.m.Status("work")
	if st.State != wire.StateStopped {
		t.Fatalf("state after stop = %+v", st)
	}
	r.m.Close()
	r.m.Wait() // the restart loop has returned
	if r.rt.Running("work") != nil {
		t.Fatal("work runs after stop")
	}
}

func TestAdoptsRunningContainerAfterDaemonRestart(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	if _, err := r.m.Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	pid := r.rt.Running("work").Pid()
	r.m.Close() // droidplexd exits; the container keeps running
	r.tr.Lines()
	m2 := r.manager(t, mustParse(t, twoContainers))
	res, err := m2.Ensure(ctx, "work")
	if err != nil || res.Created || res.State != wire.StateRunning {
		t.Fatalf("ensure = %+v, %v", res, err)
	}
	equal(t, "transcript", r.tr.Lines(), []string{"runtime start work: already running", "runtime attach work"})
	if st, _ := m2.Status("work"); st.Pid != pid {
		t.Fatalf("pid = %d, want %d", st.Pid, pid)
	}
}

// TestAdoptAtStartup: droidplexd's start-up supervises what already runs.
func TestAdoptAtStartup(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	if _, err := r.m.Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	r.m.Close()
	r.tr.Lines()
	m2 := r.manager(t, mustParse(t, twoContainers))
	if got := m2.Adopt(); len(got) != 1 || got[0] != "work" {
		t.Fatalf("adopted %q", got)
	}
	st, _ := m2.Status("work")
	if st.State != wire.StateRunning {
		t.Fatalf("status %+v", st)
	}
	// Supervision resumed: a crash is restarted by the new manager.
	r.rt.Running("work").Kill()
	for deadline := time.Now().Add(10 * time.Second); r.rt.Running("work") == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not restarted")
		}
	}
}

func TestUnknownAndNotCreated(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	if _, err := r.m.Ensure(ctx, "nope"); !errors.Is(err, container.ErrUnknown) {
		t.Fatalf("ensure nope: %v", err)
	}
	if err := r.m.Start(ctx, "work"); !errors.Is(err, container.ErrNotCreated) {
		t.Fatalf("start uncreated: %v", err)
	}
	if err := r.m.Stop(ctx, "work"); err != nil {
		t.Fatalf("stop stopped: %v", err)
	}
	if r.m.Exists("nope") || !r.m.Exists("work") {
		t.Fatal("Exists is wrong")
	}
}

func TestRestartAndList(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	if _, err := r.m.Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	r.tr.Lines()
	if err := r.m.Restart(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	equal(t, "transcript", r.tr.Lines()[:2], []string{"instance stop work",
		"runtime start work devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse"})
	var got []string
	for _, c := range r.m.List() {
		got = append(got, fmt.Sprintf("%s %s fg=%v", c.Name, c.State, c.Foreground))
	}
	equal(t, "list", got, []string{"work running fg=false", "personal stopped fg=true"})
}

func TestBackoffDelay(t *testing.T) {
	b := container.Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	for n, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		if got := b.Delay(n); got != want*time.Millisecond {
			t.Errorf("Delay(%d) = %v, want %v", n, got, want*time.Millisecond)
		}
	}
	if got := b.Delay(1000); got != time.Second {
		t.Errorf("Delay(1000) = %v", got)
	}
}

// TestConcurrentEnsure: two masters (or a master and an operator) asking at
// once create and start the container once.
func TestConcurrentEnsure(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := r.m.Ensure(ctx, "work")
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	equal(t, "transcript", r.tr.Lines(), []string{"runtime create work",
		"runtime start work devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse"})
}
