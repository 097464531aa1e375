package container_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"droidplex/container"
	"droidplex/container/spec"
	"droidplex/container/wire"
)

func node(path string, minor uint32) wire.InputNode {
	return wire.InputNode{Path: path, Major: 13, Minor: minor}
}

func TestChangeInputsOfRunningContainer(t *testing.T) {
	r := newRig(t, twoContainers)
	if _, err := r.m.Ensure(context.Background(), "work"); err != nil {
		t.Fatal(err)
	}
	r.tr.Lines()
	// Plugged in: a clone appears.
	if err := r.m.ChangeInputs("work", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event7", 71)}}); err != nil {
		t.Fatal(err)
	}
	// Unplugged, and another plugged in, in one change: removals first.
	ch := wire.InputChange{Add: []wire.InputNode{node("/dev/input/event8", 72)}, Remove: []wire.InputNode{node("/dev/input/event7", 71)}}
	if err := r.m.ChangeInputs("work", ch); err != nil {
		t.Fatal(err)
	}
	equal(t, "transcript", r.tr.Lines(), []string{
		"instance add-device work /dev/input/event7 c 13:71",
		"instance remove-device work /dev/input/event7 c 13:71",
		"instance add-device work /dev/input/event8 c 13:72",
	})
}

func TestChangeInputsOfStoppedContainerWaitsForItsStart(t *testing.T) {
	r := newRig(t, twoContainers)
	if err := r.m.ChangeInputs("work", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event7", 71)}}); err != nil {
		t.Fatal(err)
	}
	equal(t, "transcript", r.tr.Lines(), nil)
	if err := r.m.ChangeInputs("nope", wire.InputChange{}); !errors.Is(err, container.ErrUnknown) {
		t.Fatalf("unknown container: %v", err)
	}
}

func TestChangeInputsUndoesAdditionsOnFailure(t *testing.T) {
	r := newRig(t, twoContainers)
	if _, err := r.m.Ensure(context.Background(), "work"); err != nil {
		t.Fatal(err)
	}
	r.rt.AddDeviceErr = func(_ string, d spec.Device) error {
		if d.Minor == 73 {
			return errors.New("mknod: no space left on device")
		}
		return nil
	}
	r.tr.Lines()
	ch := wire.InputChange{Add: []wire.InputNode{node("/dev/input/event7", 71), node("/dev/input/event8", 72), node("/dev/input/event9", 73)}}
	if err := r.m.ChangeInputs("work", ch); err == nil {
		t.Fatal("a failed addition was not reported")
	}
	equal(t, "transcript", r.tr.Lines(), []string{
		"instance add-device work /dev/input/event7 c 13:71",
		"instance add-device work /dev/input/event8 c 13:72",
		"instance add-device work /dev/input/event9 c 13:73: mknod: no space left on device",
		"instance remove-device work /dev/input/event8 c 13:72",
		"instance remove-device work /dev/input/event7 c 13:71",
	})
}

func TestChangeInputsRefusesBadNodes(t *testing.T) {
	r := newRig(t, twoContainers)
	if _, err := r.m.Ensure(context.Background(), "work"); err != nil {
		t.Fatal(err)
	}
	r.tr.Lines()
	for _, n := range []wire.InputNode{
		{Path: "dev/input/event7", Major: 13, Minor: 1},     // relative
		{Path: "/dev/input/../event7", Major: 13, Minor: 1}, // not clean
		{Path: "/dev/input/event7", Major: 0, Minor: 1},     // no major
		{Path: "/", Major: 13, Minor: 1},                    // no name
		{Path: "/dev/input/event 7", Major: 13, Minor: 1},   // breaks the LXC config
	} {
		err := r.m.ChangeInputs("work", wire.InputChange{Add: []wire.InputNode{n}})
		if !errors.Is(err, container.ErrBadNode) {
			t.Errorf("%+v: %v", n, err)
		}
		err = r.m.ChangeInputs("work", wire.InputChange{Remove: []wire.InputNode{n}})
		if !errors.Is(err, container.ErrBadNode) {
			t.Errorf("remove %+v: %v", n, err)
		}
	}
	equal(t, "transcript", r.tr.Lines(), nil)
}

func FuzzInputDevice(f *testing.F) {
	f.Add("/dev/input/event7", uint32(13), uint32(71))
	f.Add("/../..", uint32(1), uint32(3))
	f.Fuzz(func(t *testing.T, p string, major, minor uint32) {
		d, err := container.InputDevice(p, major, minor)
		if err != nil {
			return
		}
		name, ok := strings.CutPrefix(d.Path, "/dev/input/")
		if !ok || name == "" || name == "." || name == ".." || strings.Contains(name, "/") || d.Major == 0 || d.Type != 'c' {
			t.Fatalf("%q → %+v", p, d)
		}
		if s := &(spec.Spec{Name: "a", RootFS: "/", Init: []string{"/init"}, Data: "/d", RunDir: "/r", SocketDir: "/s", Devices: []spec.Device{d}}); s.Validate() != nil {
			t.Fatalf("%q → %+v: %v", p, d, s.Validate())
		}
	})
}

// A device number belongs to one clone at a time. When inputproxyd hands a
// number out again (its old clone is gone, e.g. inputproxyd restarted), a
// node still carrying it in another container is taken out first: that
// container must not read the new owner's input.
func TestReusedDeviceNumberLeavesTheOldContainer(t *testing.T) {
	r := newRig(t, twoContainers)
	for _, n := range []string{"work", "personal"} {
		if _, err := r.m.Ensure(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.m.ChangeInputs("work", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event7", 71)}}); err != nil {
		t.Fatal(err)
	}
	r.tr.Lines()
	if err := r.m.ChangeInputs("personal", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event9", 71)}}); err != nil {
		t.Fatal(err)
	}
	// Given again to the same container under another name: the old name goes.
	if err := r.m.ChangeInputs("personal", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event3", 71)}}); err != nil {
		t.Fatal(err)
	}
	// The same node again: nothing to take out.
	if err := r.m.ChangeInputs("personal", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event3", 71)}}); err != nil {
		t.Fatal(err)
	}
	equal(t, "transcript", r.tr.Lines(), []string{
		"instance remove-device work /dev/input/event7 c 13:71",
		"instance add-device personal /dev/input/event9 c 13:71",
		"instance remove-device personal /dev/input/event9 c 13:71",
		"instance add-device personal /dev/input/event3 c 13:71",
		"instance add-device personal /dev/input/event3 c 13:71",
	})
	// A restarted init starts with a clean slate: what the old one had is
	// not taken out of the new one.
	r.rt.Running("personal").Kill()
	r.states(t, 5) // both starting and running, then personal failed: its old init is gone
	r.tr.Lines()
	if err := r.m.ChangeInputs("work", wire.InputChange{Add: []wire.InputNode{node("/dev/input/event7", 71)}}); err != nil {
		t.Fatal(err)
	}
	equal(t, "after the restart", r.tr.Lines(), []string{"instance add-device work /dev/input/event7 c 13:71"})
}
