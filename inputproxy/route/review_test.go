package route

import "testing"

// Regression tests for bugs found in review; each failed before its fix.

// A key held through a foreground switch was released in the old clone,
// and its autorepeats (value 2) then went to the new clone. The kernel
// passes a repeat on without checking that the key is down, and Android
// reads it as a press; the real release that follows is dropped by the
// kernel (the clone never had the key down), so the key stayed down in
// the new container, repeating. A repeat of a key the clone was not sent
// down is not forwarded; a key pressed after the switch repeats normally.
func TestRepeatOfKeyHeldThroughSwitchIsNotForwarded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chord  []uint16
		script string
		want   string
	}{{
		name: "plain key",
		script: `KEY_A 1, SYN_REPORT 0
			!release
			KEY_A 2, SYN_REPORT 0
			MSC_SCAN 4, KEY_A 2, SYN_REPORT 0
			KEY_A 0, SYN_REPORT 0
			KEY_B 1, SYN_REPORT 0
			KEY_B 2, SYN_REPORT 0
			KEY_B 0, SYN_REPORT 0`,
		want: `fwd: KEY_A 1, SYN_REPORT 0
release: KEY_A 0, SYN_REPORT 0
fwd: MSC_SCAN 4, SYN_REPORT 0
fwd: KEY_A 0, SYN_REPORT 0
fwd: KEY_B 1, SYN_REPORT 0
fwd: KEY_B 2, SYN_REPORT 0
fwd: KEY_B 0, SYN_REPORT 0
`,
	}, {
		name:  "chord key delivered before the switch",
		chord: []uint16{125, 59}, // KEY_LEFTMETA + KEY_F1
		script: `KEY_LEFTMETA 1, SYN_REPORT 0
			KEY_A 1, SYN_REPORT 0
			!release
			KEY_LEFTMETA 2, SYN_REPORT 0
			KEY_LEFTMETA 0, SYN_REPORT 0`,
		want: `fwd: KEY_LEFTMETA 1, KEY_A 1, SYN_REPORT 0
release: KEY_A 0, KEY_LEFTMETA 0, SYN_REPORT 0
fwd: KEY_LEFTMETA 0, SYN_REPORT 0
`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(t, NewDevice(false, NewChord(tc.chord)), tc.script); got != tc.want {
				t.Errorf("got:\n%swant:\n%s", got, tc.want)
			}
		})
	}
}

// A new foreground clone (its container restarted) has been sent nothing
// and is on slot 0: a key held before is not down on it, and the next
// frame first puts it on the device's slot.
func TestNewTargetStartsClean(t *testing.T) {
	d := NewDevice(true, nil)
	run(t, d, "ABS_MT_SLOT 3, ABS_MT_TRACKING_ID 7, BTN_TOUCH 1, KEY_A 1, SYN_REPORT 0")
	d.NewTarget()
	got := run(t, d, "KEY_A 2, SYN_REPORT 0\nABS_MT_POSITION_X 5, SYN_REPORT 0\n!release")
	want := "fwd: ABS_MT_SLOT 3, SYN_REPORT 0\nfwd: ABS_MT_POSITION_X 5, SYN_REPORT 0\n"
	if got != want {
		t.Errorf("got:\n%swant:\n%s", got, want)
	}
}
