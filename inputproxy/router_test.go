package inputproxy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/route"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// setup starts a router with containers personal (foreground) and work,
// a touchscreen "ts" and a keyboard "kbd".
func setup(t *testing.T, cfg inputproxy.RouterConfig) (*inputproxy.Router, *inputproxytest.Backend, *inputproxytest.Device, *inputproxytest.Device) {
	t.Helper()
	b := inputproxytest.NewBackend()
	ts := b.Plug("/dev/input/event0", inputproxytest.Touchscreen("ts"))
	kbd := b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	r := inputproxy.NewRouter(b, cfg, testutil.Logger(t))
	for _, c := range []string{"personal", "work"} {
		if err := r.AddContainer(c); err != nil {
			t.Fatal(err)
		}
	}
	r.SetForeground("personal")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		b.Close()
	})
	b.WaitFor(t, `clone work: "kbd"`)
	b.WaitFor(t, `clone work: "ts"`)
	return r, b, ts, kbd
}

func frames(t *testing.T, s string) []route.Event {
	t.Helper()
	evs, err := route.ParseTranscript(s)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// routed returns the frames written to clones, without setup lines.
func routed(b *inputproxytest.Backend) string {
	var out []string
	for _, l := range strings.Split(b.Transcript(""), "\n") {
		if strings.HasPrefix(l, "personal/") || strings.HasPrefix(l, "work/") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestClonesCopyTheDevice(t *testing.T) {
	_, b, _, _ := setup(t, inputproxy.RouterConfig{})
	got := b.Transcript(`clone personal: "ts"`)
	want := `clone personal: "ts" bus=0x18 vendor=0x27c6 product=0xf21 version=0x100 ev0x1=2 ev0x3=6 props=[1] abs0x0=0..1079/0 abs0x1=0..2399/0 abs0x2f=0..9/0 abs0x35=0..1079/12 abs0x36=0..2399/0 abs0x39=0..65535/0` + "\n"
	if got != want {
		t.Errorf("clone transcript:\n%s\nwant:\n%s", got, want)
	}
}

func TestForegroundOnlyAndSwitchReleases(t *testing.T) {
	r, b, ts, kbd := setup(t, inputproxy.RouterConfig{})
	ts.Send(frames(t, "ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, BTN_TOUCH 1, SYN_REPORT 0")...)
	kbd.Send(frames(t, "KEY_A 1, SYN_REPORT 0")...)
	b.WaitFor(t, "personal/ts: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1")
	b.WaitFor(t, "personal/kbd: KEY_A 1")
	r.SetForeground("work")
	ts.Send(frames(t, "ABS_MT_POSITION_X 11, SYN_REPORT 0\nABS_MT_TRACKING_ID -1, BTN_TOUCH 0, SYN_REPORT 0")...)
	kbd.Send(frames(t, "KEY_A 0, SYN_REPORT 0")...)
	b.WaitFor(t, "work/ts: ABS_MT_TRACKING_ID -1")
	b.WaitFor(t, "work/kbd: KEY_A 0")
	got := routed(b)
	for _, want := range []string{
		"personal/ts: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, BTN_TOUCH 1, SYN_REPORT 0",
		"personal/ts: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID -1, BTN_TOUCH 0, SYN_REPORT 0",
		"personal/kbd: KEY_A 0, SYN_REPORT 0",
		"work/ts: ABS_MT_SLOT 0, ABS_MT_POSITION_X 11, SYN_REPORT 0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Count(got, "personal/") != 4 || strings.Count(got, "work/") != 3 {
		t.Errorf("unexpected frames:\n%s", got)
	}
}

func TestChordSwitchesAndIsSwallowed(t *testing.T) {
	switched := make(chan string, 4)
	_, b, _, kbd := setup(t, inputproxy.RouterConfig{Chord: []uint16{125, 59}, OnChord: func(c string) { switched <- c }})
	kbd.Send(frames(t, "KEY_LEFTMETA 1, SYN_REPORT 0\nKEY_F1 1, SYN_REPORT 0\nKEY_F1 0, SYN_REPORT 0\nKEY_LEFTMETA 0, SYN_REPORT 0")...)
	if c := <-switched; c != "work" {
		t.Fatalf("chord switched to %q, want work", c)
	}
	kbd.Send(frames(t, "KEY_B 1, SYN_REPORT 0")...)
	b.WaitFor(t, "work/kbd: KEY_B 1")
	if got := routed(b); got != "work/kbd: KEY_B 1, SYN_REPORT 0" {
		t.Errorf("chord leaked into a container:\n%s", got)
	}
}

func TestSynDroppedResyncs(t *testing.T) {
	_, b, _, kbd := setup(t, inputproxy.RouterConfig{})
	kbd.Send(frames(t, "KEY_A 1, SYN_REPORT 0")...)
	b.WaitFor(t, "personal/kbd: KEY_A 1")
	// The kernel lost events: KEY_A went up, KEY_B went down.
	kbd.Send(frames(t, "KEY_A 0, KEY_B 1")...)
	kbd.Send(frames(t, "SYN_DROPPED 0, KEY_C 1, SYN_REPORT 0")...)
	b.WaitFor(t, "personal/kbd: KEY_A 0, KEY_C 1, KEY_B 1, SYN_REPORT 0")
}

func TestHotplugAndNotRouted(t *testing.T) {
	_, b, _, _ := setup(t, inputproxy.RouterConfig{})
	mouse := route.Caps{Name: "mouse", Codes: map[uint16][]uint16{route.EvKey: {0x110, 0x111}, route.EvRel: {0, 1}}}
	b.Plug("/dev/input/event2", mouse)
	clone := inputproxytest.Keyboard("kbd")
	clone.Phys = inputproxy.ClonePhys + "work"
	b.Plug("/dev/input/event3", clone)
	pwr := b.Plug("/dev/input/event4", route.Caps{Name: "pwrkey", Codes: map[uint16][]uint16{route.EvKey: {116}}})
	b.WaitFor(t, `clone work: "pwrkey"`)
	pwr.Send(frames(t, "KEY_POWER 1, SYN_REPORT 0")...)
	b.WaitFor(t, "personal/pwrkey: KEY_POWER 1")
	pwr.Unplug()
	b.WaitFor(t, "destroy work/pwrkey")
	if got := b.Transcript("grab"); strings.Contains(got, "event2") || strings.Contains(got, "event3") {
		t.Errorf("grabbed a mouse or a clone:\n%s", got)
	}
}

func TestInject(t *testing.T) {
	r, b, _, _ := setup(t, inputproxy.RouterConfig{})
	ctx := context.Background()
	if err := r.Tap(ctx, "work", 100, 200); err != nil {
		t.Fatal(err)
	}
	if err := r.Text(ctx, "work", "A"); err != nil {
		t.Fatal(err)
	}
	want := `work/ts: ABS_MT_SLOT 9, ABS_MT_TRACKING_ID 16384, ABS_MT_POSITION_X 100, ABS_MT_POSITION_Y 200, ABS_X 100, ABS_Y 200, BTN_TOUCH 1, BTN_TOOL_FINGER 1, ABS_MT_SLOT 0, SYN_REPORT 0
work/ts: ABS_MT_SLOT 9, ABS_MT_TRACKING_ID -1, BTN_TOUCH 0, BTN_TOOL_FINGER 0, ABS_MT_SLOT 0, SYN_REPORT 0
work/kbd: KEY_LEFTSHIFT 1, SYN_REPORT 0
work/kbd: KEY_A 1, SYN_REPORT 0
work/kbd: KEY_A 0, SYN_REPORT 0
work/kbd: KEY_LEFTSHIFT 0, SYN_REPORT 0`
	if got := routed(b); got != want {
		t.Errorf("injected:\n%s\nwant:\n%s", got, want)
	}
	for _, tt := range []struct {
		err  error
		call func() error
	}{
		{inputproxy.ErrUnknownContainer, func() error { return r.Tap(ctx, "nobody", 1, 1) }},
		{inputproxy.ErrOutOfRange, func() error { return r.Tap(ctx, "work", 5000, 1) }},
		{inputproxy.ErrNoDevice, func() error { return r.Key(ctx, "work", 0x2fe) }},
	} {
		if err := tt.call(); !errors.Is(err, tt.err) {
			t.Errorf("got %v, want %v", err, tt.err)
		}
	}
}

func TestVirtualDevicesWhenNoneIsReal(t *testing.T) {
	b := inputproxytest.NewBackend()
	defer b.Close()
	r := inputproxy.NewRouter(b, inputproxy.RouterConfig{Virtual: true, VirtualWidth: 720, VirtualHeight: 1280}, testutil.Logger(t))
	if err := r.AddContainer("farm1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	b.WaitFor(t, `clone farm1: "droidplex virtual keyboard"`)
	if err := r.Swipe(ctx, "farm1", 0, 0, 719, 1279, 20*time.Millisecond); err != nil {
		t.Error(err)
	}
	if err := r.Key(ctx, "farm1", 102); err != nil {
		t.Error(err)
	}
	st := r.Status()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(st.Devices) != 2 || !st.Devices[0].Virtual || st.Devices[0].Clones["farm1"].Major != 13 {
		t.Errorf("status: %+v", st)
	}
	got := b.Transcript("farm1/")
	if !strings.Contains(got, "farm1/droidplex virtual touchscreen: ABS_MT_SLOT 9, ABS_MT_POSITION_X 719, ABS_MT_POSITION_Y 1279") ||
		!strings.Contains(got, "farm1/droidplex virtual keyboard: KEY_HOME 0, SYN_REPORT 0") ||
		!strings.Contains(got, "destroy farm1/droidplex virtual keyboard") {
		t.Errorf("transcript:\n%s", got)
	}
}

func TestAddContainerUndoesOnFailure(t *testing.T) {
	r, b, _, _ := setup(t, inputproxy.RouterConfig{})
	b.FailClone = "broken"
	if err := r.AddContainer("broken"); err == nil {
		t.Fatal("AddContainer succeeded with a failing clone")
	}
	if got := r.Status().Containers; len(got) != 2 {
		t.Errorf("containers after failure: %v", got)
	}
	r.RemoveContainer("work")
	b.WaitFor(t, "destroy work/ts")
	b.WaitFor(t, "destroy work/kbd")
}

// A client that goes away mid-swipe still leaves the finger lifted.
func TestSwipeCancelledLiftsTheFinger(t *testing.T) {
	r, b, _, _ := setup(t, inputproxy.RouterConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Cancel once the finger is down (polling: no t calls off the test goroutine).
		// It also stops when the test has ended early, so it never outlives it.
		for ctx.Err() == nil && !strings.Contains(b.Transcript("work/ts:"), "ABS_MT_TRACKING_ID 16384") {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	err := r.Swipe(ctx, "work", 0, 0, 1000, 1000, 10*time.Second)
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("swipe: %v, want context.Canceled", err)
	}
	lines := strings.Split(strings.TrimSpace(b.Transcript("work/ts:")), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "ABS_MT_TRACKING_ID -1, BTN_TOUCH 0") {
		t.Errorf("last frame %q does not lift the finger", last)
	}
}

// A device unplugged while a key is down releases it in the container
// before its clones go; records split across reads are reassembled.
func TestUnplugMidPressAndSplitRecords(t *testing.T) {
	_, b, _, kbd := setup(t, inputproxy.RouterConfig{})
	raw := route.AppendEncode(nil, route.Event{Type: route.EvKey, Code: 116, Value: 1}, route.Syn)
	kbd.SendRaw(raw[:10])
	kbd.SendRaw(raw[10:30])
	kbd.SendRaw(raw[30:])
	b.WaitFor(t, "personal/kbd: KEY_POWER 1, SYN_REPORT 0")
	kbd.Unplug()
	b.WaitFor(t, "destroy personal/kbd")
	got := b.Transcript("personal/kbd")
	want := "personal/kbd: KEY_POWER 1, SYN_REPORT 0\npersonal/kbd: KEY_POWER 0, SYN_REPORT 0\ndestroy personal/kbd\n"
	if got != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, want)
	}
}

// Only the configured devices are routed; a configured path may be a link.
func TestConfiguredDevicesOnly(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "by-id-kbd")
	b := inputproxytest.NewBackend()
	defer b.Close()
	real := filepath.Join(dir, "event1")
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	b.Plug(filepath.Join(dir, "event0"), inputproxytest.Touchscreen("ts"))
	b.Plug(real, inputproxytest.Keyboard("kbd"))
	r := inputproxy.NewRouter(b, inputproxy.RouterConfig{Devices: []string{link}}, testutil.Logger(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	b.WaitFor(t, `grab `+real)
	until(t, "kbd routed", func() bool { return len(r.Status().Devices) == 1 })
	st := r.Status()
	cancel()
	<-done
	if len(st.Devices) != 1 || st.Devices[0].Caps.Name != "kbd" {
		t.Errorf("routed %+v, want only kbd", st.Devices)
	}
}
