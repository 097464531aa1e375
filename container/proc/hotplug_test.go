package proc_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"

	"droidplex/container/events"
	"droidplex/container/wire"
)

// inContainer describes /dev/input/<name> as the running init pid sees it.
func inContainer(pid int, name string) string {
	st, err := os.Lstat(fmt.Sprintf("/proc/%d/root/dev/input/%s", pid, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "absent"
	}
	if err != nil {
		return err.Error()
	}
	rdev := st.Sys().(*syscall.Stat_t).Rdev
	return fmt.Sprintf("%s %d:%d", st.Mode(), rdev>>8&0xfff, rdev&0xff|(rdev>>12)&0xfff00)
}

// A clone hot-plugged while the container runs appears in its /dev/input
// (and only in its), and goes away when the device is unplugged. The
// "clone" is /dev/null's number, so no uinput is needed.
func TestHotPluggedNodeAppearsAndGoes(t *testing.T) {
	e := newEnv(t)
	m := e.manager(t, events.NewHub())
	ctx := context.Background()
	for _, n := range []string{"a", "b"} {
		if _, err := m.Ensure(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := m.Status("a")
	b, _ := m.Status("b")
	e.seen(t, "a", a.Pid)
	e.seen(t, "b", b.Pid)
	clone := wire.InputNode{Path: "/dev/input/event99", Major: 1, Minor: 3}
	if err := m.ChangeInputs("a", wire.InputChange{Add: []wire.InputNode{clone}}); err != nil {
		t.Fatal(err)
	}
	if got, want := inContainer(a.Pid, "event99"), "Dcrw-rw-rw- 1:3"; got != want {
		t.Fatalf("in a after plug: %s, want %s", got, want)
	}
	if got := inContainer(b.Pid, "event99"); got != "absent" {
		t.Fatalf("in b: %s", got)
	}
	if got := inContainer(a.Pid, "eventa"); got != "Dcrw-rw-rw- 13:200" {
		t.Fatalf("the node a started with: %s", got)
	}
	// Told twice (inputproxyd reports clones it hands out at start too).
	if err := m.ChangeInputs("a", wire.InputChange{Add: []wire.InputNode{clone}}); err != nil {
		t.Fatal(err)
	}
	// A node of another number already there is not replaced.
	other := wire.InputNode{Path: "/dev/input/eventa", Major: 1, Minor: 3}
	if err := m.ChangeInputs("a", wire.InputChange{Add: []wire.InputNode{other}}); err == nil {
		t.Fatal("a node of another device number was accepted over eventa")
	}
	if err := m.ChangeInputs("a", wire.InputChange{Remove: []wire.InputNode{other}}); err != nil {
		t.Fatal(err)
	}
	if got := inContainer(a.Pid, "eventa"); got != "Dcrw-rw-rw- 13:200" {
		t.Fatalf("removing another number touched eventa: %s", got)
	}
	if err := m.ChangeInputs("a", wire.InputChange{Remove: []wire.InputNode{clone}}); err != nil {
		t.Fatal(err)
	}
	if got := inContainer(a.Pid, "event99"); got != "absent" {
		t.Fatalf("in a after unplug: %s", got)
	}
	if err := m.ChangeInputs("a", wire.InputChange{Remove: []wire.InputNode{clone}}); err != nil {
		t.Fatalf("removing twice: %v", err)
	}
}

// A container started without any input node gets /dev/input made.
func TestHotPlugMakesDevInput(t *testing.T) {
	e := newEnv(t)
	e.f.Containers[0].Input = nil
	m := e.manager(t, events.NewHub())
	if _, err := m.Ensure(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	a, _ := m.Status("a")
	e.seen(t, "a", a.Pid) // the init is up (and traps SIGTERM)
	if got := inContainer(a.Pid, "eventa"); got != "absent" {
		t.Fatalf("eventa: %s", got)
	}
	clone := wire.InputNode{Path: "/dev/input/event5", Major: 1, Minor: 3}
	if err := m.ChangeInputs("a", wire.InputChange{Add: []wire.InputNode{clone}}); err != nil {
		t.Fatal(err)
	}
	if got := inContainer(a.Pid, "event5"); got != "Dcrw-rw-rw- 1:3" {
		t.Fatalf("event5: %s", got)
	}
}
