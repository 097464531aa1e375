// Package events is droidplexd's event hub: every published event gets the
// next sequence number and goes, in that order, to every subscriber. The
// publisher never waits for a subscriber: one whose buffer is full is cut
// off and learns how many events it missed, so a slow reader can neither
// block the publisher nor the other subscribers.
package events

import (
	"sync"
	"time"

	"droidplex/container/wire"
)

// DefaultBuffer is a subscriber's buffer when Subscribe is given 0.
const DefaultBuffer = 256

// Hub fans events out to subscribers.
type Hub struct {
	mu   sync.Mutex
	seq  uint64
	subs map[*Subscription]struct{}
	now  func() time.Time
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[*Subscription]struct{}{}, now: time.Now}
}

// Subscription receives events on C until it is closed, by the subscriber
// (Close) or by the hub because it fell behind (then MissedFrom says where its
// stream ended).
type Subscription struct {
	C          <-chan wire.Event
	c          chan wire.Event
	hub        *Hub
	missedFrom uint64 // guarded by hub.mu
	closed     bool   // guarded by hub.mu
}

// Subscribe registers a subscriber with a buffer of n events (0 means
// DefaultBuffer).
func (h *Hub) Subscribe(n int) *Subscription {
	if n <= 0 {
		n = DefaultBuffer
	}
	c := make(chan wire.Event, n)
	s := &Subscription{C: c, c: c, hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Publish stamps ev with the next sequence number and the time, and delivers
// it to every subscriber that has room. It returns the stamped event.
func (h *Hub) Publish(ev wire.Event) wire.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	ev.Seq = h.seq
	if ev.Time.IsZero() {
		ev.Time = h.now()
	}
	for s := range h.subs {
		select {
		case s.c <- ev:
		default:
			// Too slow: cut it off rather than wait or silently skip.
			s.missedFrom = h.seq
			s.closeLocked()
		}
	}
	return ev
}

// Seq returns the sequence number of the last published event.
func (h *Hub) Seq() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq
}

// MissedFrom reports the sequence number of the first event s did not
// receive because the hub cut it off (it receives none after that); 0 while s
// is subscribed or if its owner closed it.
func (s *Subscription) MissedFrom() uint64 {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.missedFrom
}

// Close unsubscribes. It is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.closeLocked()
}

func (s *Subscription) closeLocked() {
	if s.closed {
		return
	}
	s.closed = true
	delete(s.hub.subs, s)
	close(s.c)
}

// Subscribers returns how many subscribers are registered.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
