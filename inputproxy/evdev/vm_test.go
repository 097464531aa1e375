package evdev_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	goevdev "github.com/holoplot/go-evdev"

	"droidplex/inputproxy"
	"droidplex/inputproxy/evdev"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/route"
	"droidplex/internal/testutil"
)

// requireUinput skips on a kernel without uinput (covered by make vmtest);
// inside the test VM a missing uinput is a failure.
func requireUinput(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/dev/uinput"); err != nil {
		if os.Getenv("DROIDPLEX_IN_VM") == "1" {
			t.Fatalf("no /dev/uinput in the test VM: %v", err)
		}
		testutil.SkipCoveredElsewhere(t, "no /dev/uinput on this kernel", "make vmtest")
	}
	testutil.RequireRoot(t)
}

// standIn creates a uinput device that plays a real device.
func standIn(t *testing.T, caps route.Caps) *evdev.Clone {
	t.Helper()
	c, err := evdev.NewClone("/dev/uinput", "/sys", "vmtest/"+caps.Name, caps)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func send(t *testing.T, c *evdev.Clone, transcript string) {
	t.Helper()
	evs, err := route.ParseTranscript(transcript)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(route.AppendEncode(nil, evs...)); err != nil {
		t.Fatal(err)
	}
}

func TestCloneCopiesIdentity(t *testing.T) {
	requireUinput(t)
	ts := inputproxytest.Touchscreen("vmtest touchscreen")
	real := standIn(t, ts)
	src, caps, err := evdev.Open(real.Node().Path, func(*route.Caps) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b := &evdev.Backend{}
	sink, err := b.Clone("personal", caps)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	// Read the clone back with go-evdev, an independent implementation.
	d, err := goevdev.OpenWithFlags(sink.Node().Path, os.O_RDONLY)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	name, _ := d.Name()
	id, _ := d.InputID()
	phys, _ := d.PhysicalLocation()
	abs, err := d.AbsInfos()
	if err != nil {
		t.Fatal(err)
	}
	if name != ts.Name || id != (goevdev.InputID{BusType: ts.ID.Bus, Vendor: ts.ID.Vendor, Product: ts.ID.Product, Version: ts.ID.Version}) || phys != "droidplex/personal" {
		t.Errorf("clone identity: name %q id %+v phys %q", name, id, phys)
	}
	for code, want := range ts.Abs {
		got := abs[goevdev.EvCode(code)]
		if got.Minimum != want.Minimum || got.Maximum != want.Maximum || got.Resolution != want.Resolution {
			t.Errorf("axis %#x: got %+v, want %+v", code, got, want)
		}
	}
	if !slices.Contains(d.Properties(), goevdev.EvProp(route.PropDirect)) {
		t.Errorf("clone lost INPUT_PROP_DIRECT: %v", d.Properties())
	}
	var keys []uint16
	for _, k := range d.CapableEvents(goevdev.EV_KEY) {
		keys = append(keys, uint16(k))
	}
	if !slices.Equal(keys, ts.Codes[route.EvKey]) {
		t.Errorf("keys %v, want %v", keys, ts.Codes[route.EvKey])
	}
	if caps.Describe() != ts.Describe() {
		t.Errorf("caps read back:\n%s\nwant:\n%s", caps.Describe(), ts.Describe())
	}
}

// reader reads a clone the way a container's EventHub would.
type reader struct {
	t *testing.T
	f *os.File
}

func openReader(t *testing.T, path string) *reader {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &reader{t, f}
}

// frame returns the next frame as a transcript line (without SYN_REPORT).
// It fails the test after 10 s without one (a hang guard).
func (r *reader) frame() string {
	r.t.Helper()
	_ = r.f.SetReadDeadline(time.Now().Add(10 * time.Second))
	var parts []string
	buf := make([]byte, route.EventSize)
	for {
		if _, err := r.f.Read(buf); err != nil {
			r.t.Fatalf("read %s: %v (frame so far %v)", r.f.Name(), err, parts)
		}
		e, _ := route.Decode(buf)
		if e == route.Syn {
			return strings.Join(parts, ", ")
		}
		parts = append(parts, e.String())
	}
}

// waitStatus polls the router until cond holds (hang guard: 10 s).
func waitStatus(t *testing.T, r *inputproxy.Router, what string, cond func(inputproxy.Status) bool) inputproxy.Status {
	t.Helper()
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(20 * time.Millisecond) {
		if st := r.Status(); cond(st) {
			return st
		}
	}
	t.Fatalf("router never reached: %s; status %+v", what, r.Status())
	return inputproxy.Status{}
}

func cloneOf(st inputproxy.Status, name, container string) string {
	for _, d := range st.Devices {
		if d.Caps.Name == name {
			return d.Clones[container].Path
		}
	}
	return ""
}

func TestRouterOnRealKernel(t *testing.T) {
	requireUinput(t)
	ts := standIn(t, inputproxytest.Touchscreen("vm ts"))
	kbd := standIn(t, inputproxytest.Keyboard("vm kbd"))
	r := inputproxy.NewRouter(&evdev.Backend{}, inputproxy.RouterConfig{}, testutil.Logger(t))
	for _, c := range []string{"personal", "work"} {
		if err := r.AddContainer(c); err != nil {
			t.Fatal(err)
		}
	}
	r.SetForeground("personal")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	st := waitStatus(t, r, "both devices cloned", func(st inputproxy.Status) bool {
		return cloneOf(st, "vm ts", "work") != "" && cloneOf(st, "vm kbd", "work") != ""
	})
	pts, pkbd := openReader(t, cloneOf(st, "vm ts", "personal")), openReader(t, cloneOf(st, "vm kbd", "personal"))
	wts, wkbd := openReader(t, cloneOf(st, "vm ts", "work")), openReader(t, cloneOf(st, "vm kbd", "work"))

	// Events of the real devices reach the foreground clones only.
	send(t, ts, "ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, BTN_TOUCH 1, SYN_REPORT 0")
	send(t, kbd, "KEY_A 1, SYN_REPORT 0")
	expect(t, pts.frame(), "ABS_MT_TRACKING_ID 1, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, BTN_TOUCH 1")
	expect(t, pkbd.frame(), "KEY_A 1")

	// Switch in the middle of the touch and the key press: the old
	// container sees both released.
	r.SetForeground("work")
	expect(t, pts.frame(), "ABS_MT_TRACKING_ID -1, BTN_TOUCH 0")
	expect(t, pkbd.frame(), "KEY_A 0")

	// The rest goes to the new foreground; its first frames are these, so
	// nothing from before the switch leaked to it.
	send(t, ts, "ABS_MT_POSITION_X 11, SYN_REPORT 0")
	send(t, ts, "ABS_MT_TRACKING_ID 2, SYN_REPORT 0")
	send(t, kbd, "KEY_B 1, SYN_REPORT 0")
	expect(t, wts.frame(), "ABS_MT_POSITION_X 11")
	expect(t, wts.frame(), "ABS_MT_TRACKING_ID 2")
	expect(t, wkbd.frame(), "KEY_B 1")

	// A hot-plugged device is grabbed and cloned.
	hot := standIn(t, route.Caps{Name: "vm hotplug keys", ID: route.ID{Bus: 0x19}, Codes: map[uint16][]uint16{route.EvKey: {114, 115, 116}}})
	st = waitStatus(t, r, "hot-plugged device cloned", func(st inputproxy.Status) bool {
		return cloneOf(st, "vm hotplug keys", "work") != ""
	})
	hw := openReader(t, cloneOf(st, "vm hotplug keys", "work"))
	send(t, hot, "KEY_VOLUMEUP 1, SYN_REPORT 0")
	expect(t, hw.frame(), "KEY_VOLUMEUP 1")

	// Injection writes to the named container's clone, even in the
	// background.
	if err := r.Tap(ctx, "personal", 5, 6); err != nil {
		t.Fatal(err)
	}
	expect(t, pts.frame(), "ABS_MT_SLOT 9, ABS_MT_TRACKING_ID 16384, ABS_MT_POSITION_X 5, ABS_MT_POSITION_Y 6, ABS_X 5, ABS_Y 6, BTN_TOUCH 1, BTN_TOOL_FINGER 1")
}

func expect(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("frame %q, want %q", got, want)
	}
}

// TestSnapshotReadsKernelState: the state read after SYN_DROPPED (keys,
// current slot, every slot's axes) is the kernel's.
func TestSnapshotReadsKernelState(t *testing.T) {
	requireUinput(t)
	ts := standIn(t, inputproxytest.Touchscreen("vm snap ts"))
	send(t, ts, `ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 5, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, BTN_TOUCH 1, SYN_REPORT 0
		ABS_MT_SLOT 1, ABS_MT_TRACKING_ID 6, ABS_MT_POSITION_X 30, ABS_MT_POSITION_Y 40, SYN_REPORT 0`)
	src, _, err := evdev.Open(ts.Node().Path, func(*route.Caps) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	st := route.NewState()
	if err := src.Snapshot(st); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("slot %d; 0: id %d at %d,%d; 1: id %d at %d,%d; touch %v; slot 2 id %d",
		st.Slot(), st.SlotValue(0, route.AbsMTTrackingID), st.SlotValue(0, route.AbsMTPositionX), st.SlotValue(0, route.AbsMTPositionY),
		st.SlotValue(1, route.AbsMTTrackingID), st.SlotValue(1, route.AbsMTPositionX), st.SlotValue(1, route.AbsMTPositionY),
		st.KeyDown(route.BtnTouch), st.SlotValue(2, route.AbsMTTrackingID))
	if want := "slot 1; 0: id 5 at 10,20; 1: id 6 at 30,40; touch true; slot 2 id -1"; got != want {
		t.Errorf("snapshot: %s\nwant:     %s", got, want)
	}
}

// TestSynDroppedOnRealKernel overflows evdev's buffer of a grabbed device
// that nobody reads, then routes what was read: the kernel reports
// SYN_DROPPED, and after the resync the clone's state is the device's.
func TestSynDroppedOnRealKernel(t *testing.T) {
	requireUinput(t)
	kbd := standIn(t, inputproxytest.Keyboard("vm drop kbd"))
	src, _, err := evdev.Open(kbd.Node().Path, func(*route.Caps) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var script strings.Builder
	for range 200 {
		script.WriteString("KEY_A 1, SYN_REPORT 0\nKEY_A 0, SYN_REPORT 0\n")
	}
	script.WriteString("KEY_B 1, SYN_REPORT 0\nKEY_C 1, SYN_REPORT 0")
	send(t, kbd, script.String())

	d := route.NewDevice(false, nil)
	clone := route.NewState()
	dropped := false
	buf := make([]byte, 64*route.EventSize)
	for {
		// Everything was written before; the deadline only ends the drain.
		_ = src.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := src.Read(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for b := buf[:n]; len(b) >= route.EventSize; b = b[route.EventSize:] {
			e, _ := route.Decode(b)
			dropped = dropped || (e.Type == route.EvSyn && e.Code == route.SynDropped)
			res := d.Feed(e)
			if res&route.Forward != 0 {
				apply(clone, d.Out())
			}
			if res&route.NeedSync != 0 {
				now := route.NewState()
				if err := src.Snapshot(now); err != nil {
					t.Fatal(err)
				}
				apply(clone, d.Sync(now))
			}
		}
	}
	if !dropped {
		t.Fatal("the kernel never reported SYN_DROPPED; the test did not overflow its buffer")
	}
	if clone.KeyDown(30) || !clone.KeyDown(48) || !clone.KeyDown(46) {
		t.Errorf("clone after resync: KEY_A %v KEY_B %v KEY_C %v, want up, down, down", clone.KeyDown(30), clone.KeyDown(48), clone.KeyDown(46))
	}
}

func apply(s *route.State, evs []route.Event) {
	for _, e := range evs {
		s.Apply(e)
	}
}
