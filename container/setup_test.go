package container_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"droidplex/container"
	"droidplex/container/containertest"
	"droidplex/container/spec"
	"droidplex/container/wire"
	"droidplex/internal/testutil"
)

// Host-side setup before a start: binderfs, device nodes, input clones.

func TestStartFailureUndoesBinderfs(t *testing.T) {
	r := newRig(t, twoContainers)
	r.h.HasBinderfs = true
	r.rt.StartErr = func(string) error { return errors.New("lxc start failed") }
	_, err := r.m.Ensure(context.Background(), "work")
	if err == nil || !strings.Contains(err.Error(), "lxc start failed") {
		t.Fatalf("err = %v", err)
	}
	equal(t, "transcript", r.tr.Lines(), []string{
		"runtime create work",
		"host binderfs mount /state/work/binderfs",
		"runtime start work: lxc start failed",
		"host binderfs unmount /state/work/binderfs",
	})
	if st, _ := r.m.Status("work"); st.State != wire.StateFailed {
		t.Fatalf("state = %+v", st)
	}
}

func TestBinderfsNodesGivenAndUnmountedAfterExit(t *testing.T) {
	r := newRig(t, twoContainers)
	r.h.HasBinderfs = true
	ctx := context.Background()
	if _, err := r.m.Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	if err := r.m.Stop(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	equal(t, "transcript", r.tr.Lines(), []string{
		"runtime create work",
		"host binderfs mount /state/work/binderfs",
		"runtime start work devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse,/dev/binder,/dev/hwbinder,/dev/vndbinder",
		"instance stop work",
		"host binderfs unmount /state/work/binderfs",
	})
}

func TestSetupFailsBeforeStart(t *testing.T) {
	for name, tc := range map[string]struct {
		mod  func(*rig)
		want string
	}{
		"missing input node": {func(r *rig) { delete(r.h.Nodes, "/dev/input/event20") }, "device /dev/input/event20"},
		"state dir":          {func(r *rig) { r.h.FailMkdir = "/state/personal" }, "mkdir /state/personal"},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, twoContainers)
			tc.mod(r)
			_, err := r.m.Ensure(context.Background(), "personal")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name %q", err, tc.want)
			}
			if r.rt.Running("personal") != nil {
				t.Fatal("started anyway")
			}
			if name == "missing input node" && !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("err %v does not match fs.ErrNotExist", err)
			}
		})
	}
}

type fakeInputs map[string][]spec.Device

func (f fakeInputs) Clones(_ context.Context, name string) ([]spec.Device, error) {
	if d, ok := f[name]; ok {
		return d, nil
	}
	return nil, errors.New("inputproxyd: connection refused")
}

func TestInputClonesGivenOnceRunning(t *testing.T) {
	f := mustParse(t, twoContainers)
	tr := &containertest.Transcript{}
	rt := containertest.NewRuntime(tr)
	h := containertest.NewHost(tr)
	h.Nodes["/dev/input/event20"] = spec.Device{Host: "/dev/input/event20", Type: 'c', Major: 13, Minor: 84}
	m := container.New(container.Config{File: f, Runtime: rt, Host: h, Log: testutil.Logger(t),
		Inputs: fakeInputs{"work": {{Host: "/dev/input/event7", Type: 'c', Major: 13, Minor: 71}}}})
	defer func() { _ = m.StopAll(context.Background()); m.Close(); m.Wait() }()
	ctx := context.Background()
	for _, n := range []string{"work", "personal"} {
		if _, err := m.Ensure(ctx, n); err != nil {
			t.Fatalf("%s: %v (a missing inputproxyd must not stop a start)", n, err)
		}
	}
	equal(t, "transcript", tr.Lines(), []string{
		"runtime create work",
		"runtime start work devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse",
		"instance add-device work /dev/input/event7 c 13:71",
		"runtime create personal",
		"runtime start personal devices=/dev/null,/dev/zero,/dev/full,/dev/random,/dev/urandom,/dev/tty,/dev/fuse,/dev/input/event20",
	})
}
