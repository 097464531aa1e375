package lxc_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/container/spec"
	"droidplex/container/wire"
	"droidplex/internal/testutil"
)

// devicesList is the devices cgroup allow list of container name (v1).
func devicesList(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/devices", "lxc.payload."+name, "devices.list"))
	if err != nil {
		t.Fatalf("devices cgroup of %s: %v", name, err)
	}
	return string(b)
}

// openInside opens path for reading inside container name, as its
// processes would (in its cgroups and namespaces).
func (e *env) openInside(name, path string) error {
	out, err := exec.Command("lxc-attach", "-P", e.f.LXCPath, "-n", name, "--", "/bin/sh", "-c", "true < "+path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// A clone hot-plugged into a running LXC container is allowed in its
// devices cgroup and appears in its /dev/input, where it opens; unplugged,
// it is denied and gone. /dev/net/tun's number stands in for a uinput
// clone: it is not among the devices a container is given.
func TestHotPluggedNodeInLXCContainer(t *testing.T) {
	e := newEnv(t, "")
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		testutil.Skip(t, "no /dev/net/tun (the stand-in for a clone's device number)")
	}
	m := e.manager(t)
	ctx := context.Background()
	for i, n := range e.names {
		if _, err := m.Ensure(ctx, n); err != nil {
			t.Fatal(err)
		}
		e.seen(t, i)
	}
	a, b := e.names[0], e.names[1]
	const rule = "c 10:200 rwm"
	if strings.Contains(devicesList(t, a), rule) {
		t.Fatalf("tun allowed before the plug:\n%s", devicesList(t, a))
	}
	clone := wire.InputNode{Path: "/dev/input/event99", Major: 10, Minor: 200}
	if err := m.ChangeInputs(a, wire.InputChange{Add: []wire.InputNode{clone}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(devicesList(t, a), rule) {
		t.Fatalf("not allowed after the plug:\n%s", devicesList(t, a))
	}
	if err := e.openInside(a, "/dev/input/event99"); err != nil {
		t.Fatalf("open inside %s: %v", a, err)
	}
	if strings.Contains(devicesList(t, b), rule) || e.openInside(b, "/dev/input/event99") == nil {
		t.Fatalf("the other container got it too")
	}
	if err := m.ChangeInputs(a, wire.InputChange{Remove: []wire.InputNode{clone}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(devicesList(t, a), rule) {
		t.Fatalf("still allowed after the unplug:\n%s", devicesList(t, a))
	}
	st, _ := m.Status(a)
	if _, err := os.Lstat(fmt.Sprintf("/proc/%d/root/dev/input/event99", st.Pid)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("node left after the unplug: %v", err)
	}

	// A container that made its /dev/input a link to a host path cannot
	// make droidplexd create the node on the host: the link is resolved
	// inside the container's root, where that path does not exist.
	escape := filepath.Join(e.dir, "escape")
	if err := os.Mkdir(escape, 0o755); err != nil {
		t.Fatal(err)
	}
	sb, _ := m.Status(b)
	dev := fmt.Sprintf("/proc/%d/root/dev", sb.Pid)
	if err := os.Rename(dev+"/input", dev+"/input.old"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(escape, dev+"/input"); err != nil {
		t.Fatal(err)
	}
	err := m.ChangeInputs(b, wire.InputChange{Add: []wire.InputNode{clone}})
	if err == nil {
		t.Fatal("a node was made through the container's link")
	}
	if ents, _ := os.ReadDir(escape); len(ents) != 0 {
		t.Fatalf("node created on the host: %v", ents)
	}
	if strings.Contains(devicesList(t, b), rule) {
		t.Fatalf("failed addition left the device allowed:\n%s", devicesList(t, b))
	}
}

// clones gives container name the clone nodes listed for it.
type clones map[string][]spec.Device

func (c clones) Clones(_ context.Context, name string) ([]spec.Device, error) { return c[name], nil }

// A clone handed out at start is given like a hot-plugged one, so when its
// device is unplugged it can be taken out of the running container again
// (a node bound in by LXC at start could not be removed from outside).
func TestStartTimeCloneCanBeUnplugged(t *testing.T) {
	e := newEnv(t, "")
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		testutil.Skip(t, "no /dev/net/tun (the stand-in for a clone's device number)")
	}
	a := e.names[0]
	clone := spec.Device{Host: "/dev/input/event98", Type: 'c', Major: 10, Minor: 200}
	e.inputs = clones{a: {clone}}
	m := e.manager(t)
	if _, err := m.Ensure(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	e.seen(t, 0)
	if !strings.Contains(devicesList(t, a), "c 10:200 rwm") {
		t.Fatalf("the start-time clone is not allowed:\n%s", devicesList(t, a))
	}
	if err := e.openInside(a, "/dev/input/event98"); err != nil {
		t.Fatalf("open inside: %v", err)
	}
	unplug := wire.InputChange{Remove: []wire.InputNode{{Path: clone.Host, Major: 10, Minor: 200}}}
	if err := m.ChangeInputs(a, unplug); err != nil {
		t.Fatal(err)
	}
	st, _ := m.Status(a)
	if _, err := os.Lstat(fmt.Sprintf("/proc/%d/root/dev/input/event98", st.Pid)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("node left after the unplug: %v", err)
	}
	if strings.Contains(devicesList(t, a), "c 10:200 rwm") {
		t.Fatalf("still allowed after the unplug:\n%s", devicesList(t, a))
	}
}
