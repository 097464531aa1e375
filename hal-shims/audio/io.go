package audioshim

import (
	"errors"
	"fmt"
	"os"
	"time"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
)

// Write plays p (whole frames in the stream's format; a trailing partial
// frame is ignored) and returns once all of it is in the ring, so it blocks
// for about the audio's duration minus the ring's length. While the server
// is unreachable it sleeps for the audio's duration and drops it.
func (s *Stream) Write(p []byte) (int, error) {
	if s.closed {
		return 0, ErrClosed
	}
	if s.cfg.Dir != wire.Output {
		return 0, fmt.Errorf("audioshim: write on an input stream")
	}
	total := len(p)
	frames := len(p) / s.fb
	start := linux.MonotonicNs()
	for frames > 0 {
		if s.ring != nil && s.gone.Load() {
			s.disconnect()
		}
		if s.ring == nil {
			s.tryReconnect()
			if s.ring == nil {
				s.paceLocally(frames)
				return total, nil
			}
		}
		r := s.ring
		g := r.Geometry()
		queued := s.pos - r.ReadPos()
		if queued > uint64(g.Capacity) || r.Flags()&(wire.FlagBroken|wire.FlagClosed) != 0 {
			s.disconnect() // a server reading beyond our writes, or one that gave up
			continue
		}
		if queued == uint64(g.Capacity) {
			// Sleep until the device frees the room, by its clock, but not
			// past the write's deadline (its audio plus two periods); if
			// that cannot be predicted or did not work out, ask to be woken
			// when the rest of this write fits, or half the ring is free:
			// fewer wake-ups for large writes, and still half a ring of
			// slack when woken.
			want := uint32(min(frames, int(g.Capacity/2), int(g.Capacity)))
			deadline := start + framesNs(g.Rate, uint32(total/s.fb)+2*g.Period)
			if s.paceByClock(r, g, want, deadline) {
				continue
			}
			if s.gone.Load() {
				continue
			}
			r.SetWakeFrames(want)
			s.poked.Add(1)
			if !s.wait(s.pos - uint64(g.Capacity)) { // the read position of a full ring
				s.disconnect()
			}
			continue
		}
		k := min(frames, int(uint64(g.Capacity)-queued))
		a, b := r.Span(s.pos, uint32(k))
		c := copy(a, p)
		copy(b, p[c:])
		p = p[k*s.fb:]
		frames -= k
		s.pos += uint64(k)
		r.SetWritePos(s.pos)
		r.SetFlags(wire.FlagRunning)
	}
	return total, nil
}

// Read captures len(p)/frame-size frames into p, blocking until they have
// been captured. While the server is unreachable it returns silence at the
// local clock's pace.
func (s *Stream) Read(p []byte) (int, error) {
	if s.closed {
		return 0, ErrClosed
	}
	if s.cfg.Dir != wire.Input {
		return 0, fmt.Errorf("audioshim: read on an output stream")
	}
	n := len(p) - len(p)%s.fb
	q := p[:n]
	for len(q) > 0 {
		if s.ring != nil && s.gone.Load() {
			s.disconnect()
		}
		if s.ring == nil {
			s.tryReconnect()
			if s.ring == nil {
				clear(q)
				s.paceLocally(len(q) / s.fb)
				return n, nil
			}
		}
		r := s.ring
		g := r.Geometry()
		avail := r.WritePos() - s.pos
		if avail > uint64(g.Capacity) { // we fell behind: skip to the oldest frame still there
			s.pos = r.WritePos() - uint64(g.Capacity)
			avail = uint64(g.Capacity)
		}
		if avail == 0 {
			if !s.wait(s.pos) { // the write position of an empty ring
				s.disconnect()
			}
			continue
		}
		k := min(len(q)/s.fb, int(avail))
		a, b := r.Span(s.pos, uint32(k))
		c := copy(q, a)
		copy(q[c:k*s.fb], b)
		q = q[k*s.fb:]
		s.pos += uint64(k)
		r.SetReadPos(s.pos)
	}
	return n, nil
}

// startGrace multiplies the Stall time while a new output stream has not
// had a single frame consumed.
const startGrace = 4

// wait blocks until the server pokes the eventfd. before is the server's
// position that left no room (the caller's observation, not a new read: the
// server may move on, and even drain the whole ring, before wait runs, and
// would then never poke). It returns at once if the server has moved since,
// and false if the server hung up, marked the stream broken or closed, or
// made no progress for the Stall time (startGrace times that before the
// first progress). It waits in Go's netpoller (the eventfd is
// non-blocking), so a wait costs no thread hand-off.
func (s *Stream) wait(before uint64) bool {
	r := s.ring
	if s.progress() != before {
		return true
	}
	r.SetFlags(wire.FlagWaiting)
	if s.progress() != before { // progress between our check and the flag
		r.ClearFlags(wire.FlagWaiting)
		return true
	}
	if s.gone.Load() {
		return false
	}
	stall := s.cfg.Stall
	if s.cfg.Dir == wire.Output && before == 0 {
		// Nothing consumed yet on this ring: a device may take a while to
		// start (PulseAudio's idle null sink takes about a second), which
		// is no reason to give up on the server and reconnect.
		stall *= startGrace
	}
	s.efd.SetReadDeadline(time.Now().Add(stall))
	_, err := s.efd.Read(s.evbuf[:])
	switch {
	case s.gone.Load():
		return false
	case err != nil: // no progress for Stall: the server is gone or wedged
		return s.progress() != before
	}
	return r.Flags()&(wire.FlagBroken|wire.FlagClosed) == 0
}

// progress returns the position the server moves: its read position for an
// output stream, its write position for an input stream.
func (s *Stream) progress() uint64 {
	if s.cfg.Dir == wire.Input {
		return s.ring.WritePos()
	}
	return s.ring.ReadPos()
}

// paceLocally sleeps for the duration of frames on a local clock that does
// not drift, and counts them as played.
func (s *Stream) paceLocally(frames int) {
	now := time.Now()
	if s.local.Before(now.Add(-time.Second)) { // long idle: start afresh
		s.local = now
	}
	s.local = s.local.Add(time.Duration(frames) * time.Second / time.Duration(s.cfg.Params.Rate))
	time.Sleep(time.Until(s.local))
	s.base.Add(uint64(frames))
}

// nonBlocking checks that f (the pacing eventfd) is in non-blocking mode.
func nonBlocking(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	var nb bool
	if cerr := rc.Control(func(fd uintptr) { nb, err = linux.NonBlocking(int(fd)) }); cerr != nil {
		return fmt.Errorf("eventfd: %w", cerr)
	}
	if err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	if !nb {
		return errors.New("eventfd in blocking mode")
	}
	return nil
}
