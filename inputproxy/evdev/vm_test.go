package evdev_test

import (
	"context"
	"errors"
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
	r := inputproxy.NewRouter(&evdev.Backend{}, inputproxy.RouterConfig{Chord: []uint16{125, 88}}, testutil.Logger(t))
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
	// The real devices are grabbed: nobody else can grab them.
	for _, d := range []*evdev.Clone{ts, kbd} {
		if _, _, err := evdev.Open(d.Node().Path, func(*route.Caps) bool { return true }); !errors.Is(err, syscall.EBUSY) {
			t.Errorf("second grab of %s: %v, want EBUSY", d.Node().Path, err)
		}
	}
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
	// Unplugged with the key down: released in the container, clones gone.
	hot.Close()
	expect(t, hw.frame(), "KEY_VOLUMEUP 0")
	waitStatus(t, r, "unplugged device dropped", func(st inputproxy.Status) bool {
		return cloneOf(st, "vm hotplug keys", "work") == ""
	})

	// The chord (KEY_LEFTMETA+KEY_F12) switches back to personal and is
	// never delivered: personal's next keyboard frame is KEY_C.
	send(t, kbd, "KEY_LEFTMETA 1, SYN_REPORT 0\nKEY_F12 1, SYN_REPORT 0\nKEY_F12 0, KEY_LEFTMETA 0, SYN_REPORT 0")
	waitStatus(t, r, "chord switched to personal", func(st inputproxy.Status) bool { return st.Foreground == "personal" })
	expect(t, wkbd.frame(), "KEY_B 0") // work's held KEY_B is released
	send(t, kbd, "KEY_C 1, SYN_REPORT 0")
	expect(t, pkbd.frame(), "KEY_C 1")

	// Injection writes to the named container's clone, even in the
	// background.
	if err := r.Tap(ctx, "work", 5, 6); err != nil {
		t.Fatal(err)
	}
	expect(t, wts.frame(), "ABS_MT_TRACKING_ID -1") // work's contact released by the chord switch
	expect(t, wts.frame(), "ABS_MT_SLOT 9, ABS_MT_TRACKING_ID 16384, ABS_MT_POSITION_X 5, ABS_MT_POSITION_Y 6, ABS_X 5, ABS_Y 6, BTN_TOUCH 1, BTN_TOOL_FINGER 1")
}

func expect(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("frame %q, want %q", got, want)
	}
}
