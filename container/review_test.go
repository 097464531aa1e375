package container_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/container"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/spec"
	"droidplex/container/wire"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"
)

// Regression tests for bugs found in review; each failed before its fix.

// A config whose paths held whitespace, '\' or '#' passed config.Load, so
// droidplexd started, and every create or start of that container then
// failed with "invalid container spec" (no line, no key): those characters
// cannot be written into an LXC config line. Load must refuse them, naming
// the line and the key, and whatever it accepts must render.
func TestConfigRefusesWhatCannotRender(t *testing.T) {
	const head = "[[container]]\nname = \"work\"\n"
	for _, tc := range []struct{ text, key string }{
		{head + "rootfs = \"/img/my rootfs\"\ndata = \"/d\"\n", "container[0].rootfs"},
		{head + "rootfs = \"/img\"\ndata = \"/d#1\"\n", "container[0].data"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\nsystem = \"/sys tem\"\n", "container[0].system"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\nsdcard = \"/sd\\tcard\"\n", "container[0].sdcard"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\ninit = [\"/init\", \"--mode=a b\"]\n", "container[0].init"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\ninit = [\"/init\", \"\"]\n", "container[0].init"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\nseccomp = \"/etc/my policy\"\n", "container[0].seccomp"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\ninput = [\"/dev/input/event 1\"]\n", "container[0].input"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\ndevices = [\"/dev/a\\\\b\"]\n", "container[0].devices"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\n[[container.mount]]\nsource = \"/my docs\"\ntarget = \"/docs\"\n", "container[0].mount[0].source"},
		{head + "rootfs = \"/img\"\ndata = \"/d\"\n[[container.mount]]\nsource = \"/docs\"\ntarget = \"/my docs\"\n", "container[0].mount[0].target"},
		{"state_dir = \"/var/lib/my state\"\n" + head + "rootfs = \"/img\"\ndata = \"/d\"\n", "state_dir"},
		{"run_dir = \"/run/#dpx\"\n" + head + "rootfs = \"/img\"\ndata = \"/d\"\n", "run_dir"},
	} {
		f, err := config.Parse([]byte(tc.text))
		if err == nil {
			serr := container.BuildSpec(f, f.Containers[0], nil).Validate()
			t.Errorf("config accepted (%s), spec: %v\n%s", tc.key, serr, tc.text)
			continue
		}
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Line == 0 || ce.Key != tc.key || !errors.Is(err, config.ErrInvalid) {
			t.Errorf("%s: error %v, want one at key %s with its line", tc.key, err, tc.key)
		}
	}
	f, err := config.Parse([]byte(head + "rootfs = \"/img\"\ndata = \"/d\"\ninit = [\"/init\", \"--mode=x\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := container.BuildSpec(f, f.Containers[0], nil).Validate(); err != nil {
		t.Fatal(err)
	}
}

// hookHost is the fake host whose binderfs undo (run by the supervisor
// after an init exits, before it decides what the exit means) calls a hook.
type hookHost struct {
	*containertest.Host
	onUndo *func()
}

func (h hookHost) Binder(dir string) ([]spec.Device, func(), error) {
	devs, undo, err := h.Host.Binder(dir)
	if err != nil {
		return nil, nil, err
	}
	return devs, func() {
		undo()
		if f := *h.onUndo; f != nil {
			f()
		}
	}, nil
}

// A stop that raced the init's own death (the user stops a container just
// as it crashes) ended with the container "failed", not "stopped": the
// supervisor had read "wanted" before the stop cleared it, and published
// "failed" after the stop's "stopped". Status and the last event (which
// inputproxyd follows to drop a stopped container's clones) must say
// stopped, and nothing restarts it.
func TestStopRacingInitDeathEndsStopped(t *testing.T) {
	r := newRig(t, twoContainers)
	r.h.HasBinderfs = true
	var hook func()
	m := container.New(container.Config{File: mustParse(t, twoContainers), Runtime: r.rt, Host: hookHost{r.h, &hook},
		Events: r.hub, Log: testutil.Logger(t),
		Backoff: container.Backoff{Min: time.Millisecond, Max: 4 * time.Millisecond, Stable: time.Hour}})
	ctx := context.Background()
	if _, err := m.Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	hook = func() { stopped <- m.Stop(ctx, "work") }
	r.rt.Running("work").Kill()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	hook = nil
	m.Close()
	m.Wait()
	if st, _ := m.Status("work"); st.State != wire.StateStopped || st.Pid != 0 {
		t.Errorf("status after the stop: %+v", st)
	}
	states := r.states(t, 4)
	if last := states[len(states)-1]; last != "work stopped" {
		t.Errorf("container-state events %q end in %q, want work stopped", states, last)
	}
	if r.rt.Running("work") != nil {
		t.Error("the stopped container was restarted")
	}
}

// After a droidplexd restart the adopted containers' input nodes were
// unknown to it, so a device number inputproxyd handed out again (its old
// clone gone while droidplexd was down, the removal undelivered) was given
// to another container while the adopted one kept its stale node: it could
// read the new owner's input. The number is taken out of an adopted
// container first.
func TestReusedDeviceNumberLeavesAnAdoptedContainer(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	for _, n := range []string{"work", "personal"} {
		if _, err := r.m.Ensure(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.m.ChangeInputs("work", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event7", 71)}}); err != nil {
		t.Fatal(err)
	}
	r.m.Close() // droidplexd exits; the containers keep running
	m2 := r.manager(t, mustParse(t, twoContainers))
	if got := m2.Adopt(); len(got) != 2 {
		t.Fatalf("adopted %q", got)
	}
	r.tr.Lines()
	if err := m2.ChangeInputs("personal", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event7", 71)}}); err != nil {
		t.Fatal(err)
	}
	equal(t, "transcript", r.tr.Lines(), []string{
		"instance remove-device work /dev/input/event7 c 13:71",
		"instance add-device personal /dev/input/event7 c 13:71",
	})
}

// Restart of a container never created started it anyway (the LXC runtime
// then wrote its config: a create), though start refuses it: a restart
// must be refused the same way, and leave the container alone.
func TestRestartOfUncreatedContainerIsRefused(t *testing.T) {
	r := newRig(t, twoContainers)
	if err := r.m.Restart(context.Background(), "work"); !errors.Is(err, container.ErrNotCreated) {
		t.Fatalf("restart uncreated: %v", err)
	}
	if r.rt.Running("work") != nil {
		t.Fatal("the uncreated container runs")
	}
	if st, _ := r.m.Status("work"); st.State != wire.StateStopped {
		t.Fatalf("status %+v", st)
	}
}

// stuckInputs is an input proxy that accepts the request and never answers.
type stuckInputs struct{}

func (stuckInputs) Clones(ctx context.Context, _ string) ([]spec.Device, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// An input proxy that accepted the request for a container's clones but
// never answered (stopped, wedged) held the start forever, and every stop
// or restart of that container behind it: the API's starts have no
// deadline. The container must start without clones once InputsTimeout
// has passed.
func TestStuckInputProxyDoesNotHoldAStart(t *testing.T) {
	tr := &containertest.Transcript{}
	rt := containertest.NewRuntime(tr)
	m := container.New(container.Config{File: mustParse(t, twoContainers), Runtime: rt, Host: containertest.NewHost(tr),
		Log: testutil.Logger(t), Inputs: stuckInputs{}, InputsTimeout: 50 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		_, err := m.Ensure(context.Background(), "work")
		done <- err
	}()
	select {
	case err := <-done:
		defer func() { _ = m.StopAll(context.Background()); m.Close(); m.Wait() }()
		if err != nil || rt.Running("work") == nil {
			t.Fatalf("ensure: %v, running %v", err, rt.Running("work") != nil)
		}
	case <-time.After(10 * time.Second): // a hang guard; the stuck start is left behind
		t.Fatal("the start still waits for the input proxy")
	}
}

// A container adopted after a droidplexd restart had no host setup to
// undo, so when its init exited the binderfs instance the earlier
// droidplexd mounted for it stayed mounted, and the restart mounted
// another on top: one more stacked binderfs per restart of droidplexd.
func TestAdoptedContainersBinderfsIsUnmountedAfterItsInit(t *testing.T) {
	r := newRig(t, twoContainers)
	r.h.HasBinderfs = true
	ctx := context.Background()
	f := mustParse(t, twoContainers)
	s := container.BuildSpec(f, f.Containers[0], nil) // started by an earlier droidplexd
	if err := r.rt.Create(s); err != nil {
		t.Fatal(err)
	}
	if _, err := r.rt.Start(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got := r.m.Adopt(); len(got) != 1 || got[0] != "work" {
		t.Fatalf("adopted %q", got)
	}
	r.states(t, 1) // running
	r.tr.Lines()
	r.rt.Running("work").Kill()
	r.states(t, 3) // failed, starting, running
	equal(t, "transcript", r.tr.Lines(), []string{
		"instance killed work",
		"host binderfs unmount /state/work/binderfs",
		"host binderfs mount /state/work/binderfs",
		"runtime start work devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse,/dev/binder,/dev/hwbinder,/dev/vndbinder",
	})
}

// OSHost.UnmountBinder leaves a mount that is not binderfs alone (that it
// unmounts a binderfs one, TestOSHostBinderfs checks in make vmtest).
func TestOSHostUnmountBinderLeavesOtherMounts(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	if err := linux.Mount("tmpfs", dir, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	defer linux.Unmount(dir, unix.MNT_DETACH)
	container.OSHost{}.UnmountBinder(dir)
	container.OSHost{}.UnmountBinder(filepath.Join(dir, "nonexistent"))
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), " "+dir+" ") {
		t.Fatal("a tmpfs was unmounted")
	}
}

// Two containers given the same data directory (two Androids writing one
// /data, corrupting each other) or the same input node (both reading one
// device, whatever the foreground) passed config.Load. Each is refused,
// naming the line and the other container.
func TestConfigRefusesSharedDataAndInput(t *testing.T) {
	const two = "[[container]]\nname = \"a\"\nrootfs = \"/img\"\ndata = \"/data/a\"\ninput = [\"/dev/input/event20\"]\n" +
		"[[container]]\nname = \"b\"\nrootfs = \"/img\"\n"
	for _, tc := range []struct{ text, key string }{
		{two + "data = \"/data/a\"\n", "container[1].data"},
		{two + "data = \"/data/b\"\ninput = [\"/dev/input/event20\"]\n", "container[1].input"},
	} {
		_, err := config.Parse([]byte(tc.text))
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Line == 0 || ce.Key != tc.key || !strings.Contains(ce.Msg, `"a"`) {
			t.Errorf("%s: error %v, want one at key %s naming container \"a\"", tc.key, err, tc.key)
		}
	}
	if _, err := config.Parse([]byte(two + "data = \"/data/b\"\ninput = [\"/dev/input/event21\"]\n")); err != nil {
		t.Fatal(err)
	}
}

// StopAll stopped the containers one after the other, so droidplexd's exit
// took the sum of their stops (StopTimeout each for an init that ignores
// SIGTERM, as a bare init does in its own pid namespace) and the demo,
// which gives it 5 s, killed it with containers still running. The stops
// now run at once: each init here finishes stopping only once both have
// been asked to.
func TestStopAllStopsAtOnce(t *testing.T) {
	r := newRig(t, twoContainers)
	ctx := context.Background()
	for _, name := range []string{"work", "personal"} {
		if _, err := r.m.Ensure(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	var asked sync.WaitGroup
	asked.Add(2)
	both := make(chan struct{})
	go func() { asked.Wait(); close(both) }()
	var late atomic.Bool
	r.rt.StopHook = func(string) {
		asked.Done()
		select {
		case <-both:
		case <-time.After(10 * time.Second): // a hang guard for the one-at-a-time case
			late.Store(true)
		}
	}
	if err := r.m.StopAll(ctx); err != nil {
		t.Fatal(err)
	}
	if late.Load() {
		t.Fatal("a container was stopped only after the other had stopped")
	}
	for _, name := range []string{"work", "personal"} {
		if r.rt.Running(name) != nil {
			t.Fatalf("%s still running", name)
		}
	}
}
