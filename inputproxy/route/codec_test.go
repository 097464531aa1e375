package route

import (
	"bytes"
	"fmt"
	"testing"
)

func TestEncodeDecode(t *testing.T) {
	tests := []struct {
		ev   Event
		text string
	}{
		{Event{EvKey, 30, 1}, "KEY_A 1"},
		{Event{EvAbs, AbsMTTrackingID, -1}, "ABS_MT_TRACKING_ID -1"},
		{Syn, "SYN_REPORT 0"},
		{Event{EvKey, BtnTouch, 0}, "BTN_TOUCH 0"},
		{Event{0x1f, 7, -5}, "type31/code7 -5"},
	}
	for _, tt := range tests {
		b := AppendEncode(nil, tt.ev)
		if len(b) != EventSize {
			t.Fatalf("%v: encoded %d bytes", tt.ev, len(b))
		}
		got, ok := Decode(b)
		if !ok || got != tt.ev {
			t.Errorf("decode(encode(%v)) = %v, %v", tt.ev, got, ok)
		}
		if s := tt.ev.String(); s != tt.text {
			t.Errorf("String() = %q, want %q", s, tt.text)
		}
		if p, err := ParseEvent(tt.text); err != nil || p != tt.ev {
			t.Errorf("ParseEvent(%q) = %v, %v", tt.text, p, err)
		}
	}
}

func TestDecodeShort(t *testing.T) {
	if _, ok := Decode(make([]byte, EventSize-1)); ok {
		t.Fatal("decoded a short record")
	}
}

func TestParseEventErrors(t *testing.T) {
	for _, s := range []string{"", "KEY_A", "KEY_A x", "NOT_A_CODE 1"} {
		if _, err := ParseEvent(s); err == nil {
			t.Errorf("ParseEvent(%q): no error", s)
		}
	}
}

func TestGestures(t *testing.T) {
	tests := []struct {
		name   string
		frames [][]Event
		want   string
	}{{
		name:   "swipe in two steps",
		frames: Touch{Slot: 1, SingleTouch: true}.Swipe(0, 0, 10, 20, 2),
		want: `ABS_MT_SLOT 1, ABS_MT_TRACKING_ID 16384, ABS_MT_POSITION_X 0, ABS_MT_POSITION_Y 0, ABS_X 0, ABS_Y 0, BTN_TOUCH 1, SYN_REPORT 0
ABS_MT_SLOT 1, ABS_MT_POSITION_X 5, ABS_MT_POSITION_Y 10, ABS_X 5, ABS_Y 10, SYN_REPORT 0
ABS_MT_SLOT 1, ABS_MT_POSITION_X 10, ABS_MT_POSITION_Y 20, ABS_X 10, ABS_Y 20, SYN_REPORT 0
ABS_MT_SLOT 1, ABS_MT_TRACKING_ID -1, BTN_TOUCH 0, SYN_REPORT 0
`,
	}, {
		name:   "key",
		frames: KeyPress(102),
		want:   "KEY_HOME 1, SYN_REPORT 0\nKEY_HOME 0, SYN_REPORT 0\n",
	}, {
		name:   "text with shift",
		frames: mustText(t, "aB!"),
		want: `KEY_A 1, SYN_REPORT 0
KEY_A 0, SYN_REPORT 0
KEY_LEFTSHIFT 1, SYN_REPORT 0
KEY_B 1, SYN_REPORT 0
KEY_B 0, SYN_REPORT 0
KEY_LEFTSHIFT 0, SYN_REPORT 0
KEY_LEFTSHIFT 1, SYN_REPORT 0
KEY_1 1, SYN_REPORT 0
KEY_1 0, SYN_REPORT 0
KEY_LEFTSHIFT 0, SYN_REPORT 0
`,
	}}
	for _, tt := range tests {
		var b bytes.Buffer
		for _, f := range tt.frames {
			b.WriteString(Transcript(f))
		}
		if b.String() != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, b.String(), tt.want)
		}
	}
	if _, err := Text("é"); err == nil {
		t.Error("Text accepted a character with no key")
	}
}

func mustText(t *testing.T, s string) [][]Event {
	f, err := Text(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// FuzzDevice feeds arbitrary bytes as input_event records (as a lying or
// broken device would send them) and switches and syncs in between. The
// device must never panic, and every output must be whole frames.
func FuzzDevice(f *testing.F) {
	f.Add(AppendEncode(nil, Event{EvKey, 30, 1}, Syn, Event{EvSyn, SynDropped, 0}, Syn), []byte{1, 2})
	f.Add(AppendEncode(nil, Event{EvAbs, AbsMTSlot, -7}, Event{EvAbs, AbsMTTrackingID, 3}, Syn), []byte{0})
	f.Fuzz(func(t *testing.T, raw []byte, ops []byte) {
		d := NewDevice(len(ops)%2 == 0, NewChord([]uint16{125, 59}))
		for i := 0; ; i++ {
			e, ok := Decode(raw[i*EventSize:][:min(EventSize, len(raw)-i*EventSize)])
			if !ok {
				break
			}
			r := d.Feed(e)
			if r&Forward != 0 {
				checkFrames(t, d.Out())
			}
			if r&NeedSync != 0 {
				checkFrames(t, d.Sync(d.Real()))
			}
			if i < len(ops) && ops[i]&1 == 1 {
				checkFrames(t, d.Release())
			}
		}
	})
}

func checkFrames(t *testing.T, evs []Event) {
	if len(evs) > 0 && evs[len(evs)-1] != Syn {
		t.Fatalf("output does not end a frame: %v", evs)
	}
}

func ExampleDevice() {
	d := NewDevice(true, nil)
	frame := []Event{{EvAbs, AbsMTSlot, 0}, {EvAbs, AbsMTTrackingID, 1}, {EvKey, BtnTouch, 1}, Syn}
	for _, e := range frame {
		if d.Feed(e)&Forward != 0 {
			fmt.Print("to foreground: ", Transcript(d.Out()))
		}
	}
	// The foreground changes while the finger is down.
	fmt.Print("to old clone:  ", Transcript(d.Release()))
	// Output:
	// to foreground: ABS_MT_SLOT 0, ABS_MT_TRACKING_ID 1, BTN_TOUCH 1, SYN_REPORT 0
	// to old clone:  ABS_MT_SLOT 0, ABS_MT_TRACKING_ID -1, BTN_TOUCH 0, SYN_REPORT 0
}

func TestParseKeyAndChord(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint16
		ok   bool
	}{
		{"KEY_HOME", 102, true}, {"home", 102, true}, {"BTN_0", 0x100, true}, {"30", 30, true},
		{"0", 0, false}, {"768", 0, false}, {"nokey", 0, false}, {"", 0, false},
	} {
		got, err := ParseKey(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseKey(%q) = %d, %v", tt.in, got, err)
		}
	}
	if c, err := ParseChord("KEY_LEFTMETA+f1"); err != nil || len(c) != 2 || c[0] != 125 || c[1] != 59 {
		t.Errorf("ParseChord = %v, %v", c, err)
	}
	for _, bad := range []string{"a+a", "a+b+c+d+e", "a+"} {
		if _, err := ParseChord(bad); err == nil {
			t.Errorf("ParseChord(%q): no error", bad)
		}
	}
}

// FuzzInjectionInput: what API clients send (key names, text) is parsed
// without panicking, and accepted text becomes whole frames.
func FuzzInjectionInput(f *testing.F) {
	f.Add("KEY_HOME", "Hello, world!\n")
	f.Add("300", "é")
	f.Fuzz(func(t *testing.T, key, text string) {
		_, _ = ParseKey(key)
		_, _ = ParseChord(key)
		frames, err := Text(text)
		if err != nil {
			return
		}
		for _, fr := range frames {
			checkFrames(t, fr)
		}
	})
}

func TestCapsClassification(t *testing.T) {
	st := Caps{Codes: map[uint16][]uint16{EvKey: {BtnTouch}, EvAbs: {AbsX, AbsY}}, Props: []uint16{PropDirect},
		Abs: map[uint16]AbsInfo{AbsX: {Maximum: 4095}, AbsY: {Maximum: 2047}}}
	touchpad := Caps{Codes: map[uint16][]uint16{EvKey: {0x110, BtnToolFinger, BtnTouch}, EvAbs: {AbsX, AbsY, AbsMTSlot, AbsMTPositionX}}}
	mouse := Caps{Codes: map[uint16][]uint16{EvKey: {0x110, 0x111}, EvRel: {0, 1}}}
	power := Caps{Codes: map[uint16][]uint16{EvKey: {116}}}
	ts := VirtualTouchscreen(100, 200)
	for _, tt := range []struct {
		name        string
		c           Caps
		touch, keys bool
	}{
		{"single-touch screen", st, true, false},
		{"multitouch screen", ts, true, false},
		{"touchpad", touchpad, false, false},
		{"mouse", mouse, false, false},
		{"power button", power, false, true},
		{"keyboard", VirtualKeyboard(), false, true},
	} {
		if tt.c.Touchscreen() != tt.touch || tt.c.Keys() != tt.keys {
			t.Errorf("%s: touchscreen %v keys %v", tt.name, tt.c.Touchscreen(), tt.c.Keys())
		}
	}
	if x, y := st.TouchRange(); x.Maximum != 4095 || y.Maximum != 2047 {
		t.Errorf("single-touch range %v %v", x, y)
	}
	if x, y := ts.TouchRange(); x.Maximum != 99 || y.Maximum != 199 {
		t.Errorf("multitouch range %v %v", x, y)
	}
}
