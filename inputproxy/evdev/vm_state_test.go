package evdev_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"droidplex/inputproxy/evdev"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/route"
)

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

// TestCloneRefusedCleansUp: caps uinput refuses (an axis whose minimum is
// above its maximum) give an error and leave no device and no descriptor
// (testutil.Main checks descriptors).
func TestCloneRefusedCleansUp(t *testing.T) {
	requireUinput(t)
	bad := inputproxytest.Touchscreen("vm bad ts")
	bad.Abs[route.AbsMTPositionX] = route.AbsInfo{Minimum: 100, Maximum: 0}
	before, _ := (&evdev.Backend{}).List()
	if c, err := evdev.NewClone("/dev/uinput", "/sys", "vmtest/bad", bad); err == nil {
		c.Close()
		t.Fatal("uinput accepted an axis with min > max")
	}
	if after, _ := (&evdev.Backend{}).List(); len(after) != len(before) {
		t.Errorf("devices before %v, after %v", before, after)
	}
}
