package evdev

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"droidplex/inputproxy"
	"droidplex/inputproxy/route"
	"droidplex/internal/linux"
)

// typeBits are the event types whose codes a clone copies: every type a
// uinput device can declare except EV_REP (the clone must not repeat keys
// itself: the real device's repeats are forwarded) and EV_FF (clones do
// not play force feedback).
var typeBits = []uint16{route.EvKey, route.EvRel, route.EvAbs, route.EvMsc, 0x05, 0x11, 0x12}

// control runs fn with f's descriptor, keeping it open meanwhile.
func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// readCaps reads everything a clone copies.
func readCaps(fd int) (route.Caps, error) {
	var c route.Caps
	var err error
	if c.Name, err = linux.EvdevString(fd, 0x06); err != nil {
		return c, fmt.Errorf("read name: %w", err)
	}
	c.Phys, _ = linux.EvdevString(fd, 0x07) // many devices have none
	id, err := linux.EvdevID(fd)
	if err != nil {
		return c, fmt.Errorf("read ids: %w", err)
	}
	c.ID = route.ID{Bus: id.Bus, Vendor: id.Vendor, Product: id.Product, Version: id.Version}
	var types [4]byte
	if err := linux.EvdevBits(fd, 0, types[:]); err != nil {
		return c, fmt.Errorf("read event types: %w", err)
	}
	c.Codes = map[uint16][]uint16{}
	var bits [route.KeyCount / 8]byte
	for _, t := range typeBits {
		if types[t/8]&(1<<(t%8)) == 0 {
			continue
		}
		clear(bits[:])
		if err := linux.EvdevBits(fd, t, bits[:]); err != nil {
			return c, fmt.Errorf("read codes of type %#x: %w", t, err)
		}
		c.Codes[t] = setBits(bits[:])
	}
	var props [4]byte
	if err := linux.EvdevProps(fd, props[:]); err == nil {
		c.Props = setBits(props[:])
	}
	for _, a := range c.Codes[route.EvAbs] {
		ai, err := linux.EvdevAbs(fd, a)
		if err != nil {
			return c, fmt.Errorf("read axis %#x: %w", a, err)
		}
		if c.Abs == nil {
			c.Abs = map[uint16]route.AbsInfo{}
		}
		c.Abs[a] = route.AbsInfo(ai)
	}
	return c, nil
}

// setBits lists the set bits of a little-endian bitmap.
func setBits(b []byte) []uint16 {
	var out []uint16
	for i, v := range b {
		for bit := 0; v != 0; bit++ {
			if v&1 != 0 {
				out = append(out, uint16(i*8+bit))
			}
			v >>= 1
		}
	}
	return out
}

// Source is a grabbed real device.
type Source struct {
	f     *os.File
	caps  route.Caps
	once  sync.Once
	keys  [route.KeyCount / 8]byte
	slots [1 + route.MaxSlots]int32
}

// Open opens path, reads its caps and, if accept allows, grabs it.
func Open(path string, accept func(*route.Caps) bool) (*Source, route.Caps, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, route.Caps{}, err
	}
	var caps route.Caps
	if err := control(f, func(fd int) (err error) { caps, err = readCaps(fd); return err }); err != nil {
		f.Close()
		return nil, caps, fmt.Errorf("%s: %w", path, err)
	}
	if !accept(&caps) {
		f.Close()
		return nil, caps, inputproxy.ErrNotRouted
	}
	if err := control(f, func(fd int) error { return linux.EvdevGrab(fd, true) }); err != nil {
		f.Close()
		return nil, caps, fmt.Errorf("grab %s: %w", path, err)
	}
	return &Source{f: f, caps: caps}, caps, nil
}

// Read reads whole input_event records into p.
func (s *Source) Read(p []byte) (int, error) { return s.f.Read(p) }

// SetReadDeadline wakes a blocked Read at t.
func (s *Source) SetReadDeadline(t time.Time) error { return s.f.SetReadDeadline(t) }

// Snapshot reads the device's keys down, axis values and slots.
func (s *Source) Snapshot(st *route.State) error {
	return control(s.f, func(fd int) error {
		st.Reset()
		if err := linux.EvdevKeyState(fd, s.keys[:]); err != nil {
			return err
		}
		for _, k := range setBits(s.keys[:]) {
			st.SetKey(k, true)
		}
		for _, a := range s.caps.Codes[route.EvAbs] {
			switch {
			case a == route.AbsMTSlot:
				ai, err := linux.EvdevAbs(fd, a)
				if err != nil {
					return err
				}
				st.SetSlot(ai.Value)
			case a >= route.MTFirst && a <= route.MTLast:
				s.slots[0] = int32(a)
				if err := linux.EvdevMTSlots(fd, s.slots[:]); err != nil {
					return err
				}
				n := min(int(s.caps.Abs[route.AbsMTSlot].Maximum)+1, route.MaxSlots)
				for i := 0; i < n; i++ {
					st.SetSlotValue(i, a, s.slots[1+i])
				}
			default:
				ai, err := linux.EvdevAbs(fd, a)
				if err != nil {
					return err
				}
				st.SetAbs(a, ai.Value)
			}
		}
		return nil
	})
}

// Close releases the grab and closes the device; later calls do nothing.
func (s *Source) Close() error {
	var err error
	s.once.Do(func() {
		_ = control(s.f, func(fd int) error { return linux.EvdevGrab(fd, false) })
		err = s.f.Close()
	})
	return err
}
