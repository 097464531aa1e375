package route

import "fmt"

// Touch describes the touchscreen a gesture is injected into.
type Touch struct {
	// Slot is the multitouch slot the gesture uses; the highest slot of
	// the device keeps it clear of real fingers.
	Slot int32
	// SingleTouch: the device also reports ABS_X/ABS_Y.
	SingleTouch bool
	// ToolFinger: the device reports BTN_TOOL_FINGER.
	ToolFinger bool
}

// injectedID is the first tracking id of injected contacts; real
// touchscreens count up from 0, so these do not collide in practice.
const injectedID = 0x4000

func (t Touch) down(x, y int32) []Event {
	f := []Event{{EvAbs, AbsMTSlot, t.Slot}, {EvAbs, AbsMTTrackingID, injectedID},
		{EvAbs, AbsMTPositionX, x}, {EvAbs, AbsMTPositionY, y}}
	if t.SingleTouch {
		f = append(f, Event{EvAbs, AbsX, x}, Event{EvAbs, AbsY, y})
	}
	f = append(f, Event{EvKey, BtnTouch, 1})
	if t.ToolFinger {
		f = append(f, Event{EvKey, BtnToolFinger, 1})
	}
	return append(f, Syn)
}

func (t Touch) move(x, y int32) []Event {
	f := []Event{{EvAbs, AbsMTSlot, t.Slot}, {EvAbs, AbsMTPositionX, x}, {EvAbs, AbsMTPositionY, y}}
	if t.SingleTouch {
		f = append(f, Event{EvAbs, AbsX, x}, Event{EvAbs, AbsY, y})
	}
	return append(f, Syn)
}

func (t Touch) up() []Event {
	f := []Event{{EvAbs, AbsMTSlot, t.Slot}, {EvAbs, AbsMTTrackingID, -1}, {EvKey, BtnTouch, 0}}
	if t.ToolFinger {
		f = append(f, Event{EvKey, BtnToolFinger, 0})
	}
	return append(f, Syn)
}

// Tap returns the frames of a tap at (x, y): finger down, finger up.
func (t Touch) Tap(x, y int32) [][]Event {
	return [][]Event{t.down(x, y), t.up()}
}

// Swipe returns the frames of a swipe from (x1, y1) to (x2, y2) in steps
// moves (at least 1): finger down, the moves, finger up. The caller paces
// the frames.
func (t Touch) Swipe(x1, y1, x2, y2 int32, steps int) [][]Event {
	steps = max(steps, 1)
	frames := [][]Event{t.down(x1, y1)}
	for i := 1; i <= steps; i++ {
		x := x1 + int32(int64(x2-x1)*int64(i)/int64(steps))
		y := y1 + int32(int64(y2-y1)*int64(i)/int64(steps))
		frames = append(frames, t.move(x, y))
	}
	return append(frames, t.up())
}

// KeyPress returns the frames of one press and release of key code.
func KeyPress(code uint16) [][]Event {
	return [][]Event{{{EvKey, code, 1}, Syn}, {{EvKey, code, 0}, Syn}}
}

// MaxText is the longest text (in bytes) Text types: up to four frames a
// character are built at once.
const MaxText = 4096

// Text returns the key frames that type s on a US keyboard layout. It
// accepts printable ASCII, newline and tab, at most MaxText bytes.
func Text(s string) ([][]Event, error) {
	if len(s) > MaxText {
		return nil, fmt.Errorf("text: %d bytes, more than %d", len(s), MaxText)
	}
	var frames [][]Event
	for i, r := range s {
		k, ok := usLayout(r)
		if !ok {
			return nil, fmt.Errorf("text: character %q at byte %d has no key on a US layout", r, i)
		}
		if k.shift {
			frames = append(frames, []Event{{EvKey, KeyLeftShift, 1}, Syn})
		}
		frames = append(frames, KeyPress(k.code)...)
		if k.shift {
			frames = append(frames, []Event{{EvKey, KeyLeftShift, 0}, Syn})
		}
	}
	return frames, nil
}

type usKey struct {
	code  uint16
	shift bool
}

// US layout rows: each string lists the characters of consecutive key
// codes, unshifted then shifted.
var usRows = []struct {
	first        uint16
	plain, shift string
}{
	{2, "1234567890-=", "!@#$%^&*()_+"},   // KEY_1 ... KEY_EQUAL
	{16, "qwertyuiop[]", "QWERTYUIOP{}"},  // KEY_Q ... KEY_RIGHTBRACE
	{30, "asdfghjkl;'`", "ASDFGHJKL:\"~"}, // KEY_A ... KEY_GRAVE
	{43, "\\zxcvbnm,./", "|ZXCVBNM<>?"},   // KEY_BACKSLASH ... KEY_SLASH
}

func usLayout(r rune) (usKey, bool) {
	switch r {
	case ' ':
		return usKey{57, false}, true // KEY_SPACE
	case '\n':
		return usKey{28, false}, true // KEY_ENTER
	case '\t':
		return usKey{15, false}, true // KEY_TAB
	}
	for _, row := range usRows {
		for i, c := range row.plain {
			if c == r {
				return usKey{row.first + uint16(i), false}, true
			}
		}
		for i, c := range row.shift {
			if c == r {
				return usKey{row.first + uint16(i), true}, true
			}
		}
	}
	return usKey{}, false
}
