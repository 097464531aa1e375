package audioproxy

import (
	"math"
	"sync/atomic"

	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/wire"
)

// Waker wakes the peer of a stream that waits for the engine. The callback
// calls it, so Wake must not block, allocate or lock.
type Waker interface{ Wake() }

// Container is one container's audio state: its volume, mute and an
// optional recorder of what it plays. Its methods are safe to call at any time.
type Container struct {
	name   string
	volume atomic.Uint32 // float32 bits
	muted  atomic.Bool
	rec    atomic.Pointer[Recorder]
	under  atomic.Uint64 // underruns of streams already gone
}

// Name returns the container's name.
func (c *Container) Name() string { return c.name }

// Volume returns the container's linear volume (1 = unity).
func (c *Container) Volume() float32 { return math.Float32frombits(c.volume.Load()) }

// SetVolume sets the linear volume, clamped to [0, 4]; the mix ramps to it.
func (c *Container) SetVolume(v float32) {
	if v != v || v < 0 {
		v = 0
	}
	c.volume.Store(floatBits(min(v, 4)))
}

// Muted reports whether the container is muted.
func (c *Container) Muted() bool { return c.muted.Load() }

// SetMuted mutes or unmutes the container. A muted container's streams are
// still consumed at the device's pace.
func (c *Container) SetMuted(m bool) { c.muted.Store(m) }

// Gain returns the gain applied to the container's streams.
func (c *Container) Gain() float32 {
	if c.muted.Load() {
		return 0
	}
	return c.Volume()
}

// StartRecording attaches r to the container; it fails if one is attached.
func (c *Container) StartRecording(r *Recorder) bool { return c.rec.CompareAndSwap(nil, r) }

// StopRecording detaches r.
func (c *Container) StopRecording(r *Recorder) { c.rec.CompareAndSwap(r, nil) }

// Stream is one client stream as the engine sees it. The fields without
// atomics belong to the callback.
type Stream struct {
	id     uint32
	c      *Container
	ring   *wire.Ring
	geo    wire.Geometry
	dir    wire.Direction
	usage  wire.Usage
	waker  Waker
	waking *wakeMarker // the engine's wake-in-progress marker
	pos    uint64
	ramp   mix.Ramp

	gain     atomic.Uint32 // float32 bits, per-stream gain
	audible  atomic.Bool   // false: consumed but not heard (background, routed nowhere)
	broken   atomic.Bool
	under    atomic.Uint64
	buffered atomic.Uint32 // frames queued at the last callback
	consumed atomic.Uint64
	pol      streamPolicy // the audio policy's gain and microphone (capture.go)
}

// ID returns the stream's id, unique within the engine.
func (s *Stream) ID() uint32 { return s.id }

// Container returns the stream's container.
func (s *Stream) Container() *Container { return s.c }

// Direction returns whether the stream plays or captures.
func (s *Stream) Direction() wire.Direction { return s.dir }

// Usage returns the stream's usage.
func (s *Stream) Usage() wire.Usage { return s.usage }

// SetGain sets the stream's own linear gain, clamped to [0, 4].
func (s *Stream) SetGain(v float32) {
	if v != v || v < 0 {
		v = 0
	}
	s.gain.Store(floatBits(min(v, 4)))
}

// SetAudible says whether the stream is heard; an inaudible stream is still
// consumed at the device's pace ("fake playback").
func (s *Stream) SetAudible(a bool) { s.audible.Store(a) }

// Broken reports whether the peer broke the ring protocol (a position
// beyond the ring); a broken stream is silenced and no longer read.
func (s *Stream) Broken() bool { return s.broken.Load() }

// Underruns returns the periods in which a running stream had too little data.
func (s *Stream) Underruns() uint64 { return s.under.Load() }

// Buffered returns the frames queued in the ring at the last callback.
func (s *Stream) Buffered() uint32 { return s.buffered.Load() }

// Consumed returns the frames the engine has taken from (or, for input,
// given to) the stream.
func (s *Stream) Consumed() uint64 { return s.consumed.Load() }

// Geometry returns the stream's ring geometry (the server's own copy).
func (s *Stream) Geometry() wire.Geometry { return s.geo }

// consume mixes up to n frames of an output stream into acc (and, unheard
// by the volume, into tap when recording) and advances the ring. It trusts
// nothing it reads from shared memory: the write position is clamped
// against the engine's own read position and capacity.
func (s *Stream) consume(acc, tap []float32, n int, now int64, cgain float32, rampFrames int) {
	if s.broken.Load() {
		return
	}
	r := s.ring
	avail := r.WritePos() - s.pos
	if avail > uint64(s.geo.Capacity) { // behind us or beyond the ring: a lying peer
		s.broken.Store(true)
		r.SetFlags(wire.FlagBroken)
		return
	}
	s.buffered.Store(uint32(avail))
	k := int(min(avail, uint64(n)))
	target := cgain * math.Float32frombits(s.gain.Load()) * s.pol.gain()
	if !s.audible.Load() {
		target = 0
	}
	s.ramp.Set(target, rampFrames)
	if k > 0 {
		a, b := r.Span(s.pos, uint32(k))
		if s.ramp.Silent() {
			s.ramp.Skip(k)
		} else {
			s.add(acc, a, b, &s.ramp)
		}
		if tap != nil {
			unity := mix.NewRamp(1)
			s.add(tap, a, b, &unity)
		}
	}
	if k < n && r.Flags()&wire.FlagRunning != 0 {
		s.under.Add(1)
		r.AddUnderrun()
	}
	s.pos += uint64(k)
	r.SetReadPos(s.pos)
	r.SetConsumed(s.pos, now)
	s.consumed.Store(s.pos)
	if k > 0 && r.Flags()&wire.FlagWaiting != 0 {
		// The writer is blocked, so the write position read above still
		// holds; wake it once the room it asked for is free (clamped: a
		// lying wake_frames at worst means a wake when the ring is empty).
		free := uint64(s.geo.Capacity) - (avail - uint64(k))
		if want := min(uint64(r.WakeFrames()), uint64(s.geo.Capacity)); free >= want {
			r.ClearFlags(wire.FlagWaiting)
			s.wake()
		}
	}
}

// wake pokes the peer, publishing which stream is being woken so the
// server's watchdog can tell a wake that never returns.
func (s *Stream) wake() {
	s.waking.Store(s)
	s.waker.Wake()
	s.waking.Store(nil)
}

func (s *Stream) add(acc []float32, a, b []byte, g *mix.Ramp) {
	ch := int(s.geo.Channels)
	switch s.geo.Format {
	case wire.FormatS16:
		mix.AddS16(acc, mix.S16(a), ch, g)
		mix.AddS16(acc[len(a)/2:], mix.S16(b), ch, g)
	case wire.FormatF32:
		mix.AddF32(acc, mix.F32(a), ch, g)
		mix.AddF32(acc[len(a)/4:], mix.F32(b), ch, g)
	}
}

// produce writes n frames into an input stream and advances it: the
// captured frames capt if the policy gives the stream the microphone,
// silence otherwise (capture.go).
func (s *Stream) produce(n int, now int64, capt []byte, ep *enginePolicy) {
	r := s.ring
	a, b := r.Span(s.pos, uint32(n))
	s.pol.fill(a, b, capt, ep)
	s.pos += uint64(n)
	r.SetWritePos(s.pos)
	r.SetConsumed(s.pos, now)
	s.consumed.Store(s.pos)
	if r.Flags()&wire.FlagWaiting != 0 {
		r.ClearFlags(wire.FlagWaiting)
		s.wake()
	}
}

func floatBits(f float32) uint32 { return math.Float32bits(f) }
