package audioproxy

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"droidplex/audioproxy/sink"
)

// Source is a capture device (the microphone). Start makes it call deliver
// from its own thread with captured frames in the device's format; deliver
// neither blocks nor allocates. Stop ends the calls; Close releases the device.
type Source interface {
	Start(deliver func(in []byte, frames int)) error
	Stop() error
	Close() error
}

// SourceOpener opens the capture device in the device format c.
type SourceOpener func(c sink.Config) (Source, error)

// Capture owns the capture device. The policy opens it only while some
// capture stream is allowed the microphone and closes it as soon as none
// is; the engine then feeds every capture stream silence at the device's
// pace, which is also what a denied stream always gets.
type Capture struct {
	eng  *Engine
	open SourceOpener

	mu     sync.Mutex
	src    Source
	opened int // times the device was opened, for status and tests
}

// NewCapture returns a capture controller for eng. open may be nil (no
// microphone: allowed streams get silence too).
func NewCapture(eng *Engine, open SourceOpener) *Capture { return &Capture{eng: eng, open: open} }

// Set opens (on) or closes the capture device. Opening twice or closing a
// closed device does nothing.
func (c *Capture) Set(on bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on == (c.src != nil) || c.open == nil {
		return nil
	}
	if !on {
		c.eng.pol.capt.Store(nil) // the callback stops reading it from its next chunk on
		src := c.src
		c.src = nil
		err := src.Stop()
		if cerr := src.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("close capture device: %w", err)
		}
		return nil
	}
	d := c.eng.dev
	src, err := c.open(sink.Config{Params: d.Params, Period: d.Period})
	if err != nil {
		return fmt.Errorf("open capture device: %w", err)
	}
	f := newCaptureFIFO(d.FrameBytes(), int(d.Rate/4), int(4*d.Period))
	if err := src.Start(f.push); err != nil {
		src.Close()
		return fmt.Errorf("start capture device: %w", err)
	}
	c.eng.pol.capt.Store(f)
	c.src = src
	c.opened++
	return nil
}

// Handover drops what was captured but not yet delivered, because the
// microphone changed hands: a container that gets it hears nothing from
// before.
func (c *Capture) Handover() {
	if f := c.eng.pol.capt.Load(); f != nil {
		f.cut.Store(f.w.Load())
	}
}

// Status reports whether the device is open and how often it was opened.
func (c *Capture) Status() (open bool, opened int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.src != nil, c.opened
}

// captureFIFO carries captured frames from the source's thread to the
// device callback: single producer, single consumer, no locks, no
// allocation after creation.
type captureFIFO struct {
	buf     []byte
	fb      int
	cap     uint64 // frames
	prime   uint64 // frames buffered before the reader starts (again)
	w, r    atomic.Uint64
	dropped atomic.Uint64
	cut     atomic.Uint64 // write position when the microphone last changed hands

	// the callback's own state
	scratch []byte // its view of one chunk
	primed  bool
	from    uint64 // where the chunk last pulled starts
}

// newCaptureFIFO returns a FIFO of frames frames that the reader starts
// reading once prime frames are buffered, a cushion against the jitter
// between the capture device's clock and the output device's.
func newCaptureFIFO(frameBytes, frames, prime int) *captureFIFO {
	return &captureFIFO{buf: make([]byte, frames*frameBytes), fb: frameBytes, cap: uint64(frames),
		prime: uint64(min(prime, frames/2)), scratch: make([]byte, maxChunk*frameBytes)}
}

// push appends captured frames; when the reader lags a full FIFO behind the
// new frames are dropped (and counted).
func (f *captureFIFO) push(p []byte, frames int) {
	n := uint64(min(frames, len(p)/f.fb))
	w, r := f.w.Load(), f.r.Load()
	if f.cap-(w-r) < n {
		f.dropped.Add(n)
		return
	}
	for done := uint64(0); done < n; {
		i := (w + done) % f.cap
		k := min(n-done, f.cap-i)
		copy(f.buf[i*uint64(f.fb):], p[done*uint64(f.fb):(done+k)*uint64(f.fb)])
		done += k
	}
	f.w.Store(w + n)
}

// pull returns n frames (n ≤ maxChunk) for the callback: the oldest
// captured, padded with silence when the capture device is behind (after
// which the reader waits for the cushion again). A reader more than half
// the FIFO behind skips ahead, so latency stays bounded when the two
// devices' clocks drift apart.
func (f *captureFIFO) pull(n int) []byte {
	out := f.scratch[:n*f.fb]
	w, r := f.w.Load(), f.r.Load()
	if c := f.cut.Load(); r < c { // new listeners hear nothing captured before they got the microphone
		r = c
	}
	if w-r > f.cap/2 {
		r = w - f.cap/2
	}
	f.from = r
	if !f.primed && w-r < f.prime {
		clear(out)
		return out
	}
	f.primed = w-r >= uint64(n)
	k := min(uint64(n), w-r)
	for done := uint64(0); done < k; {
		i := (r + done) % f.cap
		m := min(k-done, f.cap-i)
		copy(out[done*uint64(f.fb):], f.buf[i*uint64(f.fb):(i+m)*uint64(f.fb)])
		done += m
	}
	clear(out[k*uint64(f.fb):])
	f.r.Store(r + k)
	return out
}

// enginePolicy is the engine's side of the policy: the capture FIFO while
// the capture device is open, and the function to call when streams come
// and go.
type enginePolicy struct {
	capt     atomic.Pointer[captureFIFO]
	onChange atomic.Pointer[func()]
	pulled   *captureFIFO // the callback's: where captured took this chunk from
}

// captured returns the next n captured frames, or nil while the capture
// device is closed. Only the device callback calls it.
func (p *enginePolicy) captured(n int) []byte {
	p.pulled = p.capt.Load()
	if p.pulled != nil {
		return p.pulled.pull(n)
	}
	return nil
}

// fresh reports whether the chunk captured last was captured after the
// microphone last changed hands (Capture.Handover): a stream given the
// microphone while a callback runs must not get the frames that callback
// took while another container had it. Only the device callback calls it.
func (p *enginePolicy) fresh() bool {
	f := p.pulled
	return f != nil && f.from >= f.cut.Load()
}

// changed tells the policy that the set of streams changed.
func (p *enginePolicy) changed() {
	if f := p.onChange.Load(); f != nil {
		(*f)()
	}
}

// streamPolicy is what the policy decided for one stream. Its zero value
// is "unity gain, no microphone", the state of a stream the policy has not
// seen yet.
type streamPolicy struct {
	gainx atomic.Uint32 // float32 bits of the gain XOR those of 1, so that 0 means unity
	mic   atomic.Bool
}

var unityBits = math.Float32bits(1)

func (p *streamPolicy) gain() float32 { return math.Float32frombits(p.gainx.Load() ^ unityBits) }

func (p *streamPolicy) setGain(g float32) {
	if g != g || g < 0 {
		g = 0
	}
	p.gainx.Store(math.Float32bits(min(g, 1)) ^ unityBits)
}

// fill writes one chunk of a capture stream into its ring span (a, b): the
// microphone's frames if the stream has the microphone, the device is open
// and the frames were captured since the microphone last changed hands
// (ep.fresh; checked after the microphone, which the policy gives after
// the hand-over), silence otherwise, so a denied stream learns nothing.
func (p *streamPolicy) fill(a, b, capt []byte, ep *enginePolicy) {
	if capt != nil && p.mic.Load() && ep.fresh() {
		n := copy(a, capt)
		copy(b, capt[n:])
		return
	}
	clear(a)
	clear(b)
}

// PolicyGain returns the gain the audio policy gives the stream (1, the
// ducked gain, or 0), applied on top of its own and its container's volume.
func (s *Stream) PolicyGain() float32 { return s.pol.gain() }

// Microphone reports whether the policy gives this capture stream the
// microphone.
func (s *Stream) Microphone() bool { return s.pol.mic.Load() }
