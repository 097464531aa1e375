package route

// MaxFrame is the most events one frame may hold. A device that sends a
// longer frame is treated as if it had reported SYN_DROPPED: the frame is
// discarded and the device state resynchronized.
const MaxFrame = 256

// MaxChord is the most keys a switch chord may have.
const MaxChord = 4

// Result tells the caller of Device.Feed what to do next. It is a bit set.
type Result uint8

const (
	// Forward: Out holds whole frames to write to the foreground clone.
	Forward Result = 1 << iota
	// NeedSync: the device dropped events; read its state into a State
	// (Source.Snapshot) and call Sync.
	NeedSync
	// Switch: the switch chord completed; it was swallowed. Switch the
	// foreground after writing Out.
	Switch
)

// Device routes the events of one real device. It assembles frames,
// swallows the switch chord, remembers what the foreground clone has been
// sent (so a switch can release it), and resynchronizes after SYN_DROPPED.
// A Device is used by one goroutine; its methods do not allocate.
type Device struct {
	real  State // everything the device reported
	sent  State // what the current foreground clone was sent
	want  State // scratch for Sync
	mt    bool  // the device has multitouch slots
	frame [MaxFrame]Event
	n     int
	drop  bool // discarding until SYN_REPORT, then sync
	fresh bool // the foreground changed: tell the new clone the slot
	out   []Event

	chord    *Chord
	withheld uint8 // this device's chord key presses not (yet) delivered
}

// NewDevice returns a Device for a device with multitouch slots (mt) or
// without, switching on chord (shared by all devices; nil for none).
func NewDevice(mt bool, chord *Chord) *Device {
	d := &Device{mt: mt, chord: chord, out: make([]Event, 0, 4*MaxFrame+4*MaxChord+8)}
	d.real.Reset()
	d.sent.Reset()
	return d
}

// Out returns the events produced by the last call; valid until the next.
func (d *Device) Out() []Event { return d.out }

// Real returns the device state as reported so far.
func (d *Device) Real() *State { return &d.real }

// Feed consumes one event read from the real device.
func (d *Device) Feed(e Event) Result {
	d.out = d.out[:0]
	if e.Type == EvSyn && e.Code == SynDropped {
		d.drop, d.n = true, 0
		return 0
	}
	if d.drop {
		if e.Type == EvSyn && e.Code == SynReport {
			d.drop = false
			return NeedSync
		}
		return 0
	}
	if e.Type != EvSyn || e.Code != SynReport {
		if d.n == MaxFrame {
			d.drop, d.n = true, 0
			return 0
		}
		d.frame[d.n] = e
		d.n++
		return 0
	}
	return d.flushFrame()
}

func (d *Device) flushFrame() Result {
	var res Result
	if d.fresh && d.mt && d.n > 0 {
		d.put(Event{EvAbs, AbsMTSlot, d.real.slot})
		d.fresh = false
	}
	for _, e := range d.frame[:d.n] {
		d.real.Apply(e)
		if i := d.chordIndex(e); i >= 0 {
			if d.chordKey(i, e) {
				res |= Switch
			}
			continue
		}
		if d.strayRepeat(e) {
			continue
		}
		if e.Type == EvKey && e.Value == 1 && d.withheld != 0 && !d.chord.isFired() {
			d.flushWithheld()
		}
		d.put(e)
	}
	d.n = 0
	if len(d.out) > 0 {
		d.put(Syn)
		res |= Forward
	}
	return res
}

func (d *Device) put(e Event) {
	d.out = append(d.out, e)
	d.sent.Apply(e)
}

func (d *Device) chordIndex(e Event) int {
	if e.Type != EvKey {
		return -1
	}
	return d.chord.index(e.Code)
}

// chordKey handles an event of chord key i and reports whether the chord
// has just completed.
func (d *Device) chordKey(i int, e Event) bool {
	c := d.chord
	bit := uint8(1) << i
	all := uint32(1)<<c.n - 1
	switch e.Value {
	case 1:
		held := c.held.Or(uint32(bit)) | uint32(bit)
		if c.fired.Load() {
			return false
		}
		d.withheld |= bit
		if held == all && c.fired.CompareAndSwap(false, true) {
			d.withheld = 0
			return true
		}
	case 0:
		rest := c.held.And(^uint32(bit)) &^ uint32(bit)
		switch {
		case c.fired.Load():
			d.withheld &^= bit
			if rest == 0 {
				c.fired.Store(false)
			}
		case d.withheld&bit != 0:
			// A lone press of a chord key: deliver it late, as its own frame.
			d.withheld &^= bit
			d.put(Event{EvKey, e.Code, 1})
			d.put(Syn)
			d.put(e)
		default:
			d.put(e)
		}
	default:
		if d.withheld&bit == 0 && !c.fired.Load() && !d.strayRepeat(e) {
			d.put(e)
		}
	}
	return false
}

// strayRepeat reports whether e is an autorepeat of a key the foreground
// clone was not sent down (it was held through a switch). The kernel
// passes repeats on without checking the key is down, so the clone's
// reader would take it for a press whose release never comes: the
// kernel drops the release of a key its clone does not have down.
func (d *Device) strayRepeat(e Event) bool {
	return e.Type == EvKey && e.Value == 2 && !d.sent.KeyDown(e.Code)
}

func (d *Device) flushWithheld() {
	for i, c := range d.chord.keys[:d.chord.n] {
		if d.withheld&(1<<i) != 0 {
			d.put(Event{EvKey, c, 1})
		}
	}
	d.withheld = 0
}

// Release returns the events that release, in the current foreground
// clone, every key still down and every contact still on the glass, and
// forgets them. Write them to the old clone before switching. The next
// frame for the new clone starts with the device's current slot.
func (d *Device) Release() []Event {
	d.out = d.sent.AppendRelease(d.out[:0])
	d.fresh = true
	return d.out
}

// NewTarget tells d that the foreground clone is a new one, sent nothing
// yet: no key is down and no contact on it, and it is on slot 0 (a new
// uinput device's), so the next frame starts with the device's slot if
// that is another.
func (d *Device) NewTarget() {
	d.sent = State{}
	d.sent.Reset()
	d.fresh = d.real.slot != 0
}

// Sync takes the device's true state (read after SYN_DROPPED) and returns
// the events that bring the foreground clone up to date with it. Chord
// keys being held are left out.
func (d *Device) Sync(now *State) []Event {
	d.real = *now
	d.want = *now
	if d.chord != nil {
		for i, c := range d.chord.keys[:d.chord.n] {
			if d.chord.fired.Load() || d.withheld&(1<<i) != 0 {
				d.want.SetKey(c, false)
			}
		}
	}
	d.out = d.sent.AppendSync(d.out[:0], &d.want)
	d.fresh = false
	return d.out
}

// Inject returns frame (events ending in SYN_REPORT) ready to write to a
// clone of this device, with the slot put back to the device's own slot
// before each SYN_REPORT, so real contacts continue in the right slot. If
// foreground is true the events count as sent to the foreground clone (a
// switch then releases them).
func (d *Device) Inject(frame []Event, foreground bool) []Event {
	d.out = d.out[:0]
	moved := false
	for _, e := range frame {
		if len(d.out) >= cap(d.out)-2 {
			break
		}
		if e.Type == EvSyn && e.Code == SynReport && moved && d.mt {
			d.emit(Event{EvAbs, AbsMTSlot, d.real.slot}, foreground)
			moved = false
		}
		if e.Type == EvAbs && e.Code == AbsMTSlot {
			moved = true
		}
		d.emit(e, foreground)
	}
	return d.out
}

func (d *Device) emit(e Event, foreground bool) {
	if foreground {
		d.put(e)
		return
	}
	d.out = append(d.out, e)
}
