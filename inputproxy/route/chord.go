package route

import "sync/atomic"

// Chord is the foreground-switch key chord. One Chord is shared by every
// Device, so its keys may lie on different devices (on a phone, volume-down
// on gpio-keys and power on the PMIC). It is safe for concurrent use and
// does not allocate.
type Chord struct {
	keys  [MaxChord]uint16
	n     int
	held  atomic.Uint32 // bit i: key i is down on some device
	fired atomic.Bool   // completed; its keys are swallowed until all are up
}

// NewChord returns the chord of keys (at most MaxChord; more are
// ignored), or nil for none.
func NewChord(keys []uint16) *Chord {
	if len(keys) == 0 {
		return nil
	}
	c := &Chord{}
	c.n = copy(c.keys[:], keys)
	return c
}

// index returns the chord position of key code, or -1.
func (c *Chord) index(code uint16) int {
	if c == nil {
		return -1
	}
	for i, k := range c.keys[:c.n] {
		if k == code {
			return i
		}
	}
	return -1
}

func (c *Chord) isFired() bool { return c != nil && c.fired.Load() }
