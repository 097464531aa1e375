package route

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/holoplot/go-evdev"
)

// Event types and codes the core interprets (linux/input-event-codes.h).
const (
	EvSyn = 0x00
	EvKey = 0x01
	EvRel = 0x02
	EvAbs = 0x03
	EvMsc = 0x04

	SynReport   = 0
	SynMTReport = 2
	SynDropped  = 3

	AbsX            = 0x00
	AbsY            = 0x01
	AbsMTSlot       = 0x2f
	AbsMTPositionX  = 0x35
	AbsMTPositionY  = 0x36
	AbsMTTrackingID = 0x39

	BtnTouch      = 0x14a
	BtnToolFinger = 0x145
	KeyLeftShift  = 0x2a

	// KeyCount is the number of key codes (KEY_CNT).
	KeyCount = 0x300
	// AbsCount is the number of absolute axes (ABS_CNT).
	AbsCount = 0x40
	// MTFirst and MTLast bound the per-slot multitouch axes.
	MTFirst = 0x30
	MTLast  = 0x3d
)

// EventSize is the size of struct input_event on 64-bit Linux: a 16-byte
// timeval, then type, code (u16) and value (s32), little-endian.
const EventSize = 24

// Event is one input event without its timestamp (the kernel stamps
// events written to uinput itself).
type Event struct {
	Type  uint16
	Code  uint16
	Value int32
}

// Syn is the SYN_REPORT event that ends a frame.
var Syn = Event{Type: EvSyn, Code: SynReport}

// Decode reads the event at the start of b. It reports false if b holds
// less than one whole record; it never panics.
func Decode(b []byte) (Event, bool) {
	if len(b) < EventSize {
		return Event{}, false
	}
	return Event{
		Type:  binary.LittleEndian.Uint16(b[16:]),
		Code:  binary.LittleEndian.Uint16(b[18:]),
		Value: int32(binary.LittleEndian.Uint32(b[20:])),
	}, true
}

// AppendEncode appends evs as input_event records with zero timestamps.
// With enough capacity in dst it does not allocate.
func AppendEncode(dst []byte, evs ...Event) []byte {
	for _, e := range evs {
		dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
		dst = binary.LittleEndian.AppendUint16(dst, e.Type)
		dst = binary.LittleEndian.AppendUint16(dst, e.Code)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(e.Value))
	}
	return dst
}

// String renders the event the way transcripts show it: "KEY_A 1".
func (e Event) String() string {
	name, ok := nameTables[evdev.EvType(e.Type)][evdev.EvCode(e.Code)]
	if !ok {
		return fmt.Sprintf("type%d/code%d %d", e.Type, e.Code, e.Value)
	}
	return fmt.Sprintf("%s %d", name, e.Value)
}

// Transcript renders events one frame per line, events separated by
// commas: "ABS_MT_SLOT 0, ABS_MT_TRACKING_ID -1, SYN_REPORT 0".
func Transcript(evs []Event) string {
	var b strings.Builder
	for i, e := range evs {
		b.WriteString(e.String())
		switch {
		case e.Type == EvSyn && e.Code == SynReport:
			b.WriteByte('\n')
		case i < len(evs)-1:
			b.WriteString(", ")
		default:
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ParseEvent parses the String form ("KEY_A 1", "ABS_MT_SLOT 0",
// "SYN_REPORT 0"). Tests and the injection API use it.
func ParseEvent(s string) (Event, error) {
	name, val, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Event{}, fmt.Errorf("event %q: want \"CODE VALUE\"", s)
	}
	var v int32
	if _, err := fmt.Sscanf(strings.TrimSpace(val), "%d", &v); err != nil {
		return Event{}, fmt.Errorf("event %q: bad value: %w", s, err)
	}
	var typ, code uint16
	if n, _ := fmt.Sscanf(name, "type%d/code%d", &typ, &code); n == 2 {
		return Event{Type: typ, Code: code, Value: v}, nil
	}
	for typ, codes := range codeTables {
		if c, ok := codes[name]; ok {
			return Event{Type: uint16(typ), Code: uint16(c), Value: v}, nil
		}
	}
	return Event{}, fmt.Errorf("event %q: unknown code %q", s, name)
}

var nameTables = map[evdev.EvType]map[evdev.EvCode]string{
	evdev.EV_SYN: evdev.SYNToString,
	evdev.EV_KEY: evdev.KEYToString,
	evdev.EV_REL: evdev.RELToString,
	evdev.EV_ABS: evdev.ABSToString,
	evdev.EV_MSC: evdev.MSCToString,
	evdev.EV_SW:  evdev.SWToString,
}

var codeTables = map[evdev.EvType]map[string]evdev.EvCode{
	evdev.EV_SYN: evdev.SYNFromString,
	evdev.EV_KEY: evdev.KEYFromString,
	evdev.EV_REL: evdev.RELFromString,
	evdev.EV_ABS: evdev.ABSFromString,
	evdev.EV_MSC: evdev.MSCFromString,
	evdev.EV_SW:  evdev.SWFromString,
}

// ParseTranscript parses Transcript output back into events.
func ParseTranscript(s string) ([]Event, error) {
	var out []Event
	for _, line := range strings.Split(s, "\n") {
		for _, f := range strings.Split(line, ",") {
			if strings.TrimSpace(f) == "" {
				continue
			}
			e, err := ParseEvent(f)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// ParseKey parses a key for injection: a name with or without its KEY_
// prefix, in any case ("KEY_HOME", "home", "BTN_0"), or a decimal code
// below KeyCount.
func ParseKey(s string) (uint16, error) {
	var n uint16
	if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s {
		if n == 0 || n >= KeyCount {
			return 0, fmt.Errorf("key code %d out of range 1..%d", n, KeyCount-1)
		}
		return n, nil
	}
	up := strings.ToUpper(s)
	for _, name := range []string{up, "KEY_" + up} {
		if c, ok := evdev.KEYFromString[name]; ok {
			return uint16(c), nil
		}
	}
	return 0, fmt.Errorf("unknown key %q (want a name such as KEY_HOME or home, or a code)", s)
}

// ParseChord parses a key chord such as "KEY_LEFTMETA+KEY_F1" ("" is no
// chord).
func ParseChord(s string) ([]uint16, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, "+")
	if len(parts) > MaxChord {
		return nil, fmt.Errorf("chord %q: at most %d keys", s, MaxChord)
	}
	var keys []uint16
	for _, p := range parts {
		k, err := ParseKey(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("chord %q: %w", s, err)
		}
		if slices.Contains(keys, k) {
			return nil, fmt.Errorf("chord %q: key %s twice", s, p)
		}
		keys = append(keys, k)
	}
	return keys, nil
}
