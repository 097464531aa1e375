package rilproxy

import (
	"sync"

	"droidplex/rilproxy/parcel"
)

// Upstream serials pack a slot, an owner and a generation, so a reply finds
// its request without a map, and a late reply to a slot that was freed (by
// a timeout) and reused is recognised and dropped:
//
//	bits 0–7 slot · bits 8–14 owner (0 the proxy, 1… a container, 127 acks) · bits 15–30 generation
const (
	maxSlots      = 255
	maxContainers = 126
	ownerProxy    = 0
	ownerAck      = 127
)

func packSerial(owner, slot int, gen uint16) int32 {
	return int32(gen&0xFFFF)<<15 | int32(owner)<<8 | int32(slot)
}

func unpackSerial(s int32) (owner, slot int, gen uint16) {
	return int(s>>8) & 0x7F, int(s) & 0xFF, uint16(s >> 15)
}

// op is what the proxy does with the reply of an internal request.
type op uint8

const (
	opNone op = iota
	opPoll    // GET_CURRENT_CALLS of the proxy's own: reconcile ownership
)

// slot is one request in flight.
type slot struct {
	used     bool
	gen      uint16
	owner    int // the table's owner id
	id       parcel.ReqID
	serial   int32    // the client's serial
	sess     *session // nil: the proxy's own, or the client left (reply dropped)
	deadline int64    // Mux.clock reading
	op       op
	cache    *cacheEntry // the lead of a merged cached query
}

// table is one owner's in-flight requests. Its own lock (taken after
// Mux.mu when both are held) keeps the relay path of one container off the
// Mux lock and away from the other containers.
type table struct {
	mu    sync.Mutex
	owner int
	slots []slot
	n     int // used
}

func newTable(owner, size int) *table {
	return &table{owner: owner, slots: make([]slot, size)}
}

// alloc returns a free slot and its upstream serial, or nil when the table
// is full.
func (t *table) alloc() (*slot, int32) {
	if t.n == len(t.slots) {
		return nil, 0
	}
	for i := range t.slots {
		s := &t.slots[i]
		if !s.used {
			gen := s.gen + 1
			*s = slot{used: true, gen: gen, owner: t.owner}
			t.n++
			return s, packSerial(t.owner, i, gen)
		}
	}
	return nil, 0
}

// lookup returns the slot a reply's serial names, or nil for a stale or
// foreign serial.
func (t *table) lookup(slotIdx int, gen uint16) *slot {
	if slotIdx >= len(t.slots) {
		return nil
	}
	s := &t.slots[slotIdx]
	if !s.used || s.gen != gen {
		return nil
	}
	return s
}

// take returns a copy of the slot a reply's serial names and frees it;
// false for a stale or foreign serial.
func (t *table) take(slotIdx int, gen uint16) (slot, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.lookup(slotIdx, gen)
	if s == nil {
		return slot{}, false
	}
	c := *s
	t.free(s)
	return c, true
}

// inFlight returns how many slots are used.
func (t *table) inFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

func (t *table) free(s *slot) {
	gen := s.gen
	*s = slot{gen: gen}
	t.n--
}
