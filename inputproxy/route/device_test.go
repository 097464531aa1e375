package route

import (
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// run feeds a script to d and returns what came out. Script lines are
// either events ("KEY_A 1, SYN_REPORT 0") fed to the device, or "!release"
// (the foreground switches). Output lines: "fwd: <frame>", "switch",
// "sync", "release: <frame>".
func run(t *testing.T, d *Device, script string) string {
	t.Helper()
	var out strings.Builder
	emit := func(prefix string, evs []Event) {
		for _, line := range strings.Split(strings.TrimSuffix(Transcript(evs), "\n"), "\n") {
			if line != "" {
				out.WriteString(prefix + line + "\n")
			}
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		line = strings.TrimSpace(line)
		if line == "!release" {
			emit("release: ", d.Release())
			continue
		}
		evs, err := ParseTranscript(line)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			r := d.Feed(e)
			if r&Forward != 0 {
				emit("fwd: ", d.Out())
			}
			if r&Switch != 0 {
				out.WriteString("switch\n")
			}
			if r&NeedSync != 0 {
				out.WriteString("sync\n")
			}
		}
	}
	return out.String()
}

func TestDeviceTranscripts(t *testing.T) {
	chord := []uint16{125, 59} // KEY_LEFTMETA + KEY_F1
	tests := []struct {
		name   string
		mt     bool
		chord  []uint16
		script string
		want   string
	}{{
		name:   "frames pass whole and in order",
		script: "KEY_A 1, SYN_REPORT 0\nKEY_A 0, SYN_REPORT 0",
		want:   "fwd: KEY_A 1, SYN_REPORT 0\nfwd: KEY_A 0, SYN_REPORT 0\n",
	}, {
		name:   "nothing is sent before SYN_REPORT",
		script: "KEY_A 1, KEY_B 1",
		want:   "",
	}, {
		name: "switch mid touch releases the contact and the touch button",
		mt:   true,
		script: `ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 7, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, BTN_TOUCH 1, SYN_REPORT 0
			!release
			ABS_MT_POSITION_X 11, SYN_REPORT 0`,
		want: `fwd: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 7, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, BTN_TOUCH 1, SYN_REPORT 0
release: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID -1, BTN_TOUCH 0, SYN_REPORT 0
fwd: ABS_MT_SLOT 0, ABS_MT_POSITION_X 11, SYN_REPORT 0
`,
	}, {
		name: "two fingers and a key all released, slot restored",
		mt:   true,
		script: `ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1, BTN_TOUCH 1, SYN_REPORT 0
			ABS_MT_SLOT 1, ABS_MT_TRACKING_ID 2, SYN_REPORT 0
			KEY_VOLUMEDOWN 1, SYN_REPORT 0
			ABS_MT_SLOT 0, ABS_MT_POSITION_X 5, SYN_REPORT 0
			!release`,
		want: `fwd: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1, BTN_TOUCH 1, SYN_REPORT 0
fwd: ABS_MT_SLOT 1, ABS_MT_TRACKING_ID 2, SYN_REPORT 0
fwd: KEY_VOLUMEDOWN 1, SYN_REPORT 0
fwd: ABS_MT_SLOT 0, ABS_MT_POSITION_X 5, SYN_REPORT 0
release: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID -1, ABS_MT_SLOT 1, ABS_MT_TRACKING_ID -1, ABS_MT_SLOT 0, KEY_VOLUMEDOWN 0, BTN_TOUCH 0, SYN_REPORT 0
`,
	}, {
		name:   "release with nothing down sends nothing",
		script: "KEY_A 1, SYN_REPORT 0\nKEY_A 0, SYN_REPORT 0\n!release",
		want:   "fwd: KEY_A 1, SYN_REPORT 0\nfwd: KEY_A 0, SYN_REPORT 0\n",
	}, {
		name:   "a second release sends nothing",
		script: "KEY_A 1, SYN_REPORT 0\n!release\n!release",
		want:   "fwd: KEY_A 1, SYN_REPORT 0\nrelease: KEY_A 0, SYN_REPORT 0\n",
	}, {
		name:   "SYN_DROPPED discards until SYN_REPORT then asks for a sync",
		script: "KEY_A 1, SYN_DROPPED 0, KEY_B 1, SYN_REPORT 0\nKEY_C 1, SYN_REPORT 0",
		want:   "sync\nfwd: KEY_C 1, SYN_REPORT 0\n",
	}, {
		name:   "chord is swallowed and switches",
		chord:  chord,
		script: "KEY_LEFTMETA 1, SYN_REPORT 0\nKEY_F1 1, SYN_REPORT 0\nKEY_F1 0, SYN_REPORT 0\nKEY_LEFTMETA 0, SYN_REPORT 0\nKEY_A 1, SYN_REPORT 0",
		want:   "switch\nfwd: KEY_A 1, SYN_REPORT 0\n",
	}, {
		name:   "chord keys pressed in one frame",
		chord:  chord,
		script: "KEY_F1 1, KEY_LEFTMETA 1, MSC_SCAN 5, SYN_REPORT 0\nKEY_F1 2, SYN_REPORT 0\nKEY_F1 0, KEY_LEFTMETA 0, SYN_REPORT 0",
		want:   "fwd: MSC_SCAN 5, SYN_REPORT 0\nswitch\n",
	}, {
		name:   "a lone chord key is delivered late, press then release",
		chord:  chord,
		script: "KEY_LEFTMETA 1, SYN_REPORT 0\nKEY_LEFTMETA 2, SYN_REPORT 0\nKEY_LEFTMETA 0, SYN_REPORT 0",
		want:   "fwd: KEY_LEFTMETA 1, SYN_REPORT 0\nfwd: KEY_LEFTMETA 0, SYN_REPORT 0\n",
	}, {
		name:   "a chord key used as a modifier is flushed before the other key",
		chord:  chord,
		script: "KEY_LEFTMETA 1, SYN_REPORT 0\nKEY_A 1, SYN_REPORT 0\nKEY_LEFTMETA 2, SYN_REPORT 0\nKEY_A 0, SYN_REPORT 0\nKEY_LEFTMETA 0, SYN_REPORT 0",
		want:   "fwd: KEY_LEFTMETA 1, KEY_A 1, SYN_REPORT 0\nfwd: KEY_LEFTMETA 2, SYN_REPORT 0\nfwd: KEY_A 0, SYN_REPORT 0\nfwd: KEY_LEFTMETA 0, SYN_REPORT 0\n",
	}, {
		name:  "fresh clone is told the current slot first",
		mt:    true,
		chord: nil,
		script: `ABS_MT_SLOT 3, ABS_MT_TRACKING_ID 9, SYN_REPORT 0
			!release
			ABS_MT_POSITION_Y 4, SYN_REPORT 0
			ABS_MT_POSITION_Y 5, SYN_REPORT 0`,
		want: `fwd: ABS_MT_SLOT 3, ABS_MT_TRACKING_ID 9, SYN_REPORT 0
release: ABS_MT_SLOT 3, ABS_MT_TRACKING_ID -1, SYN_REPORT 0
fwd: ABS_MT_SLOT 3, ABS_MT_POSITION_Y 4, SYN_REPORT 0
fwd: ABS_MT_POSITION_Y 5, SYN_REPORT 0
`,
	}, {
		name:   "out-of-range slot and key codes are ignored by the tracker",
		mt:     true,
		script: "ABS_MT_SLOT 99, ABS_MT_TRACKING_ID 1, type1/code900 1, SYN_REPORT 0\n!release",
		want:   "fwd: ABS_MT_SLOT 99, ABS_MT_TRACKING_ID 1, type1/code900 1, SYN_REPORT 0\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, NewDevice(tt.mt, NewChord(tt.chord)), tt.script)
			if got != tt.want {
				t.Errorf("transcript:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestOversizedFrameIsDropped(t *testing.T) {
	d := NewDevice(false, nil)
	for range MaxFrame + 1 {
		if r := d.Feed(Event{EvMsc, 4, 1}); r != 0 {
			t.Fatalf("result %v before SYN_REPORT", r)
		}
	}
	if r := d.Feed(Syn); r != NeedSync {
		t.Fatalf("after oversized frame: result %v, want NeedSync", r)
	}
}

func TestSyncAfterDrop(t *testing.T) {
	d := NewDevice(true, NewChord([]uint16{125, 59}))
	run(t, d, `KEY_A 1, ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1, ABS_MT_POSITION_X 3, SYN_REPORT 0
		KEY_LEFTMETA 1, SYN_REPORT 0`)
	now := NewState()
	now.SetKey(48, true)  // KEY_B went down while events were lost
	now.SetKey(125, true) // the withheld chord key stays hidden
	now.SetSlot(1)
	now.SetSlotValue(1, AbsMTTrackingID, 2)
	now.SetSlotValue(1, AbsMTPositionX, 8)
	now.SetAbs(AbsX, 8)
	got := Transcript(d.Sync(now))
	want := "KEY_A 0, KEY_B 1, ABS_X 8, ABS_MT_SLOT 0, ABS_MT_TRACKING_ID -1, ABS_MT_SLOT 1, ABS_MT_POSITION_X 8, ABS_MT_TRACKING_ID 2, SYN_REPORT 0\n"
	if got != want {
		t.Errorf("sync:\n%s\nwant:\n%s", got, want)
	}
	if got := d.Sync(now); len(got) != 0 {
		t.Errorf("second sync sent %v, want nothing", got)
	}
	if !d.Real().KeyDown(125) {
		t.Error("real state lost the held chord key")
	}
}

func TestInject(t *testing.T) {
	d := NewDevice(true, nil)
	run(t, d, "ABS_MT_SLOT 2, ABS_MT_TRACKING_ID 5, SYN_REPORT 0")
	tap := Touch{Slot: 9, ToolFinger: true}.Tap(100, 200)
	var got strings.Builder
	for _, f := range tap {
		got.WriteString(Transcript(d.Inject(f, true)))
	}
	want := `ABS_MT_SLOT 9, ABS_MT_TRACKING_ID 16384, ABS_MT_POSITION_X 100, ABS_MT_POSITION_Y 200, BTN_TOUCH 1, BTN_TOOL_FINGER 1, ABS_MT_SLOT 2, SYN_REPORT 0
ABS_MT_SLOT 9, ABS_MT_TRACKING_ID -1, BTN_TOUCH 0, BTN_TOOL_FINGER 0, ABS_MT_SLOT 2, SYN_REPORT 0
`
	if got.String() != want {
		t.Errorf("inject:\n%s\nwant:\n%s", got.String(), want)
	}
	// Only the real finger (slot 2) remains to release; BTN_TOUCH was
	// released by the injected lift.
	if got := Transcript(d.Release()); got != "ABS_MT_SLOT 2, ABS_MT_TRACKING_ID -1, SYN_REPORT 0\n" {
		t.Errorf("release after inject: %q", got)
	}
}

func TestFeedDoesNotAllocate(t *testing.T) {
	d := NewDevice(true, NewChord([]uint16{125, 59}))
	frame := []Event{{EvAbs, AbsMTSlot, 1}, {EvAbs, AbsMTTrackingID, 4}, {EvAbs, AbsMTPositionX, 1}, {EvKey, BtnTouch, 1}, {EvKey, 125, 1}, {EvKey, 125, 0}, Syn}
	allocs := testing.AllocsPerRun(1000, func() {
		for _, e := range frame {
			d.Feed(e)
		}
		d.Release()
		d.Feed(Event{EvSyn, SynDropped, 0})
		d.Feed(Syn)
		d.Sync(d.Real())
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per frame, want 0", allocs)
	}
}

// The chord's keys may be on two devices: volume-down on one, power on the
// other, as on most phones.
func TestChordAcrossDevices(t *testing.T) {
	ch := NewChord([]uint16{114, 116}) // KEY_VOLUMEDOWN + KEY_POWER
	vol, pwr := NewDevice(false, ch), NewDevice(false, ch)
	steps := []struct {
		d      *Device
		script string
		want   string
	}{
		{vol, "KEY_VOLUMEDOWN 1, SYN_REPORT 0", ""},
		{pwr, "KEY_POWER 1, SYN_REPORT 0", "switch\n"},
		{vol, "KEY_VOLUMEDOWN 2, SYN_REPORT 0\nKEY_VOLUMEDOWN 0, SYN_REPORT 0", ""},
		{pwr, "KEY_POWER 0, SYN_REPORT 0", ""},
		// Afterwards each key works on its own again.
		{vol, "KEY_VOLUMEDOWN 1, SYN_REPORT 0\nKEY_VOLUMEDOWN 0, SYN_REPORT 0", "fwd: KEY_VOLUMEDOWN 1, SYN_REPORT 0\nfwd: KEY_VOLUMEDOWN 0, SYN_REPORT 0\n"},
	}
	for i, s := range steps {
		if got := run(t, s.d, s.script); got != s.want {
			t.Errorf("step %d: got %q, want %q", i, got, s.want)
		}
	}
}

// BenchmarkFrame routes a ten-finger frame (41 events + SYN_REPORT) with a
// chord configured.
func BenchmarkFrame(b *testing.B) {
	d := NewDevice(true, NewChord([]uint16{125, 88}))
	var frame []Event
	for s := int32(0); s < 10; s++ {
		frame = append(frame, Event{EvAbs, AbsMTSlot, s}, Event{EvAbs, AbsMTTrackingID, s + 1},
			Event{EvAbs, AbsMTPositionX, 10 * s}, Event{EvAbs, AbsMTPositionY, 20 * s})
	}
	frame = append(frame, Event{EvKey, BtnTouch, 1}, Syn)
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range frame {
			d.Feed(e)
		}
	}
}
