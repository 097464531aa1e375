package route

// MaxSlots is the number of multitouch slots tracked per device. Slots
// beyond it are ignored (touchscreens report 10 to 16).
const MaxSlots = 32

const mtAxes = MTLast - MTFirst + 1

// State is what a device (or a clone) has been told: keys down, absolute
// axis values, the current multitouch slot and each slot's axes. It has a
// fixed size; its methods never allocate beyond the caller's slice.
type State struct {
	keys [KeyCount / 8]byte
	abs  [AbsCount]int32
	slot int32
	mt   [MaxSlots][mtAxes]int32
}

// NewState returns an empty state: no key down, no contact.
func NewState() *State {
	s := &State{}
	s.Reset()
	return s
}

// Reset forgets keys and contacts (every slot's tracking id becomes -1).
// Absolute values and the current slot are kept: they describe the
// device, not what is pressed.
func (s *State) Reset() {
	s.keys = [KeyCount / 8]byte{}
	for i := range s.mt {
		s.mt[i] = [mtAxes]int32{}
		s.mt[i][AbsMTTrackingID-MTFirst] = -1
	}
}

// KeyDown reports whether key code is down.
func (s *State) KeyDown(code uint16) bool {
	return code < KeyCount && s.keys[code/8]&(1<<(code%8)) != 0
}

// SetKey records key code as down or up.
func (s *State) SetKey(code uint16, down bool) {
	if code >= KeyCount {
		return
	}
	if down {
		s.keys[code/8] |= 1 << (code % 8)
	} else {
		s.keys[code/8] &^= 1 << (code % 8)
	}
}

// Slot returns the current multitouch slot.
func (s *State) Slot() int32 { return s.slot }

// SetSlot sets the current multitouch slot.
func (s *State) SetSlot(slot int32) { s.slot = slot }

// SlotValue returns axis code (ABS_MT_*) of slot, or 0 if either is out of
// range.
func (s *State) SlotValue(slot int, code uint16) int32 {
	if slot < 0 || slot >= MaxSlots || code < MTFirst || code > MTLast {
		return 0
	}
	return s.mt[slot][code-MTFirst]
}

// SetSlotValue sets axis code (ABS_MT_*) of slot; out-of-range is ignored.
func (s *State) SetSlotValue(slot int, code uint16, v int32) {
	if slot < 0 || slot >= MaxSlots || code < MTFirst || code > MTLast {
		return
	}
	s.mt[slot][code-MTFirst] = v
}

// Abs returns the value of a non-multitouch absolute axis.
func (s *State) Abs(code uint16) int32 {
	if code >= AbsCount {
		return 0
	}
	return s.abs[code]
}

// SetAbs sets the value of a non-multitouch absolute axis.
func (s *State) SetAbs(code uint16, v int32) {
	if code < AbsCount {
		s.abs[code] = v
	}
}

// Apply records the effect of one event.
func (s *State) Apply(e Event) {
	switch e.Type {
	case EvKey:
		s.SetKey(e.Code, e.Value != 0)
	case EvAbs:
		switch {
		case e.Code == AbsMTSlot:
			s.slot = e.Value
		case e.Code >= MTFirst && e.Code <= MTLast:
			s.SetSlotValue(int(s.slot), e.Code, e.Value)
		default:
			s.SetAbs(e.Code, e.Value)
		}
	}
}

// AppendRelease appends the events that release everything s holds:
// every contact ends (ABS_MT_SLOT n, ABS_MT_TRACKING_ID -1), every key
// goes up (BTN_TOUCH 0 among them), then SYN_REPORT. It appends nothing if
// nothing is down, and applies the release to s.
func (s *State) AppendRelease(dst []Event) []Event {
	start := len(dst)
	last := s.slot
	for i := range s.mt {
		if s.mt[i][AbsMTTrackingID-MTFirst] == -1 {
			continue
		}
		dst = append(dst, Event{EvAbs, AbsMTSlot, int32(i)}, Event{EvAbs, AbsMTTrackingID, -1})
		last = int32(i)
	}
	if last != s.slot {
		// Leave the clone on the slot the device is on.
		dst = append(dst, Event{EvAbs, AbsMTSlot, s.slot})
	}
	for i, b := range s.keys {
		for bit := 0; b != 0; bit++ {
			if b&1 != 0 {
				dst = append(dst, Event{EvKey, uint16(i*8 + bit), 0})
			}
			b >>= 1
		}
	}
	if len(dst) == start {
		return dst
	}
	s.Reset()
	return append(dst, Syn)
}

// AppendSync appends the events that turn s into to (keys, then absolute
// axes, then multitouch slots, then SYN_REPORT, the order libevdev uses
// after SYN_DROPPED) and makes s equal to to. It appends nothing if they
// already agree.
func (s *State) AppendSync(dst []Event, to *State) []Event {
	start := len(dst)
	for i := range s.keys {
		diff := s.keys[i] ^ to.keys[i]
		for bit := 0; diff != 0; bit++ {
			if diff&1 != 0 {
				code := uint16(i*8 + bit)
				v := int32(0)
				if to.KeyDown(code) {
					v = 1
				}
				dst = append(dst, Event{EvKey, code, v})
			}
			diff >>= 1
		}
	}
	for c := uint16(0); c < AbsCount; c++ {
		if (c >= MTFirst && c <= MTLast) || c == AbsMTSlot {
			continue
		}
		if s.abs[c] != to.abs[c] {
			dst = append(dst, Event{EvAbs, c, to.abs[c]})
		}
	}
	cur := s.slot
	for i := range s.mt {
		from, want := &s.mt[i], &to.mt[i]
		if *from == *want {
			continue
		}
		tid := AbsMTTrackingID - MTFirst
		if want[tid] == -1 && from[tid] == -1 {
			continue // no contact either way; axis values do not matter
		}
		dst = append(dst, Event{EvAbs, AbsMTSlot, int32(i)})
		cur = int32(i)
		if from[tid] != want[tid] && from[tid] != -1 {
			dst = append(dst, Event{EvAbs, AbsMTTrackingID, -1})
		}
		if want[tid] == -1 {
			continue
		}
		for a := range want {
			if a != tid && from[a] != want[a] {
				dst = append(dst, Event{EvAbs, uint16(MTFirst + a), want[a]})
			}
		}
		if from[tid] != want[tid] {
			dst = append(dst, Event{EvAbs, AbsMTTrackingID, want[tid]})
		}
	}
	if cur != to.slot {
		dst = append(dst, Event{EvAbs, AbsMTSlot, to.slot})
	}
	*s = *to
	if len(dst) == start {
		return dst
	}
	return append(dst, Syn)
}
