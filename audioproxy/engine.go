package audioproxy

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
)

// Device is the format the engine mixes to: the sink's rate, channels and
// sample format, and its period in frames. Streams are offered in exactly this
// format, so the engine only sums.
type Device struct {
	wire.Params
	Period uint32
}

// maxChunk bounds the frames mixed in one pass; a longer callback is mixed in
// several passes over the same preallocated buffers.
const maxChunk = 4096

// Engine owns the mix: the containers, their streams and the callback that
// sums them. Process is the device callback; it neither allocates nor locks
// nor logs. Everything else is the control path, serialised by a mutex that
// Process never takes: the control path publishes a new immutable table and
// waits until no callback still uses the old one (an epoch counter that is
// odd while a callback runs) before it frees anything.
type Engine struct {
	dev   Device
	ch    int
	ramp  int
	acc   []float32
	tap   []float32
	tapS  []int16
	table atomic.Pointer[table]
	pol   enginePolicy // capture feed and stream-change hook (capture.go)
	epoch atomic.Uint64
	mixed atomic.Uint64
	calls atomic.Uint64
	late  atomic.Uint64 // callbacks that came over two spans after the previous one
	// Written by the callback only (one device thread at a time).
	lastCall, lastSpan int64
	// waking marks the stream whose peer the callback is waking right now.
	waking wakeMarker
	t0     time.Time
	mono0  int64

	mu         sync.Mutex // control path only
	containers []*Container
	limit      int
	nextID     uint32
}

type table struct{ entries []entry }

type entry struct {
	c       *Container
	streams []*Stream
}

// NewEngine returns an engine mixing to dev that admits at most limit streams
// per container.
func NewEngine(dev Device, limit int) (*Engine, error) {
	if err := dev.Params.Validate(); err != nil {
		return nil, fmt.Errorf("device: %w", err)
	}
	if dev.Period == 0 || dev.Period > maxChunk {
		return nil, fmt.Errorf("device: period %d outside 1..%d frames", dev.Period, maxChunk)
	}
	ch := int(dev.Channels)
	e := &Engine{
		dev: dev, ch: ch, limit: limit,
		ramp: int(dev.Rate / 200), // 5 ms
		acc:  make([]float32, maxChunk*ch),
		tap:  make([]float32, maxChunk*ch),
		tapS: make([]int16, maxChunk*ch),
		t0:   time.Now(), mono0: linux.MonotonicNs(),
	}
	e.table.Store(&table{})
	return e, nil
}

// Device returns the engine's device format.
func (e *Engine) Device() Device { return e.dev }

// Container returns the container called name, creating it (at full volume,
// unmuted) if needed.
func (e *Engine) Container(name string) *Container {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range e.containers {
		if c.name == name {
			return c
		}
	}
	c := &Container{name: name}
	c.volume.Store(floatBits(1))
	e.containers = append(e.containers, c)
	t := e.table.Load()
	e.table.Store(&table{entries: append(append([]entry(nil), t.entries...), entry{c: c})})
	return c
}

// Containers returns the containers in creation order.
func (e *Engine) Containers() []*Container {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Container(nil), e.containers...)
}

// Attach adds a stream over ring to container c. waker is poked (from the
// callback, without blocking) when the peer waits for progress.
func (e *Engine) Attach(c *Container, ring *wire.Ring, dir wire.Direction, usage wire.Usage, waker Waker) (*Stream, error) {
	g := ring.Geometry()
	if g.Params != e.dev.Params || dir != wire.Output && dir != wire.Input {
		return nil, fmt.Errorf("%w: ring format %+v differs from the device's %+v", wire.ErrUnsupported, g.Params, e.dev.Params)
	}
	defer e.pol.changed() // after the unlock below
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.table.Load()
	nt := &table{entries: make([]entry, len(t.entries))}
	copy(nt.entries, t.entries)
	for i := range nt.entries {
		en := &nt.entries[i]
		if en.c != c {
			continue
		}
		if len(en.streams) >= e.limit {
			return nil, fmt.Errorf("%w: container %s already has %d streams (limit %d)", wire.ErrLimit, c.name, len(en.streams), e.limit)
		}
		e.nextID++
		s := &Stream{id: e.nextID, c: c, ring: ring, geo: g, dir: dir, usage: usage, waker: waker, waking: &e.waking, ramp: mix.NewRamp(0)}
		s.gain.Store(floatBits(1))
		s.audible.Store(true)
		en.streams = append(append([]*Stream(nil), en.streams...), s)
		e.table.Store(nt)
		return s, nil
	}
	return nil, fmt.Errorf("%w: unknown container %q", wire.ErrInvalid, c.name)
}

// Detach removes s and returns once no callback can still touch it, so its
// ring may be unmapped and its waker closed.
func (e *Engine) Detach(s *Stream) {
	e.mu.Lock()
	t := e.table.Load()
	nt := &table{entries: make([]entry, len(t.entries))}
	copy(nt.entries, t.entries)
	for i := range nt.entries {
		en := &nt.entries[i]
		var kept []*Stream
		for _, x := range en.streams {
			if x != s {
				kept = append(kept, x)
			}
		}
		en.streams = kept
	}
	e.table.Store(nt)
	e.mu.Unlock()
	e.quiesce()
	s.c.under.Add(s.under.Load()) // the container's count outlives the stream
	e.pol.changed()
}

// wakeMarker records the wake-up in progress in the callback, for the
// server's watchdog: Store is called by the callback around every wake,
// Load only by the watchdog goroutine.
type wakeMarker struct {
	s       atomic.Pointer[Stream]
	seq     atomic.Uint64
	lastSeq uint64 // the watchdog's
}

// Store marks a wake of s starting (or, with nil, the wake ending).
func (w *wakeMarker) Store(s *Stream) {
	if s != nil {
		w.seq.Add(1)
	}
	w.s.Store(s)
}

// Load returns the stream being woken if that same wake was already in
// progress at the previous Load, and nil otherwise: the callback made
// progress in between. Two Loads returning one stream therefore span a wake
// that has lasted a whole watchdog period.
func (w *wakeMarker) Load() *Stream {
	q := w.seq.Load()
	s := w.s.Load()
	if q != w.lastSeq {
		w.lastSeq = q
		return nil
	}
	return s
}

// quiesce waits until any callback that may have loaded an older table ends.
func (e *Engine) quiesce() {
	v := e.epoch.Load()
	if v%2 == 0 {
		return
	}
	for e.epoch.Load() == v {
		time.Sleep(100 * time.Microsecond)
	}
}

// Streams returns a snapshot of the streams of c (all containers if c is nil).
func (e *Engine) Streams(c *Container) []*Stream {
	var out []*Stream
	for _, en := range e.table.Load().entries {
		if c == nil || en.c == c {
			out = append(out, en.streams...)
		}
	}
	return out
}

// FramesMixed returns the number of device frames produced so far.
func (e *Engine) FramesMixed() uint64 { return e.mixed.Load() }

// Late returns how many callbacks came more than twice the previous
// callback's span (at least a period) after it: the device, or the whole
// machine, stalled, and the device then catches up in a burst that can
// empty rings faster than any client refills them.
func (e *Engine) Late() uint64 { return e.late.Load() }

// Callbacks returns the number of Process calls so far.
func (e *Engine) Callbacks() uint64 { return e.calls.Load() }

// Monotonic returns CLOCK_MONOTONIC nanoseconds without a system call.
func (e *Engine) Monotonic() int64 { return e.mono0 + int64(time.Since(e.t0)) }

// Process is the device callback: it fills out (frames frames in the device
// format) with the mix of every stream and advances every stream, heard or
// not, by the frames consumed.
func (e *Engine) Process(out []byte, frames int) {
	e.epoch.Add(1)
	e.calls.Add(1)
	t := e.table.Load()
	fb := e.dev.FrameBytes()
	frames = min(frames, len(out)/fb)
	now := e.Monotonic()
	if e.lastCall != 0 && now-e.lastCall > 2*e.lastSpan {
		e.late.Add(1)
	}
	e.lastCall = now
	e.lastSpan = int64(max(uint32(frames), e.dev.Period)) * int64(time.Second) / int64(e.dev.Rate)
	for frames > 0 {
		n := min(frames, maxChunk)
		e.mixChunk(t, out[:n*fb], n, now)
		out, frames = out[n*fb:], frames-n
	}
	e.epoch.Add(1)
}

// mixChunk mixes n frames of one callback; now is the callback's time,
// which every stream's consumed_ns gets (the clock the shims pace by).
func (e *Engine) mixChunk(t *table, out []byte, n int, now int64) {
	acc := e.acc[:n*e.ch]
	clear(acc)
	capt := e.pol.captured(n)
	for i := range t.entries {
		en := &t.entries[i]
		rec := en.c.rec.Load()
		var tap []float32
		if rec != nil {
			tap = e.tap[:n*e.ch]
			clear(tap)
		}
		cg := en.c.Gain()
		for _, s := range en.streams {
			if s.dir == wire.Input {
				s.produce(n, now, capt, &e.pol)
				continue
			}
			s.consume(acc, tap, n, now, cg, e.ramp)
		}
		if rec != nil {
			mix.ClipS16(e.tapS[:len(tap)], tap)
			rec.push(e.tapS[:len(tap)])
		}
	}
	switch e.dev.Format {
	case wire.FormatS16:
		mix.ClipS16(mix.S16(out), acc)
	case wire.FormatF32:
		mix.ClipF32(mix.F32(out), acc)
	}
	e.mixed.Add(uint64(n))
}
