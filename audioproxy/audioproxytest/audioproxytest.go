// Package audioproxytest holds fakes for testing audioproxy and its users:
// in-memory rings, a client-side ring writer, a counting waker and a
// recording sink that keeps a transcript of what the server did to it.
package audioproxytest

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"droidplex/audioproxy/wire"
)

// Waker counts wake-ups; it never blocks or allocates.
type Waker struct{ n atomic.Uint64 }

// Wake counts one wake-up.
func (w *Waker) Wake() { w.n.Add(1) }

// Count returns the wake-ups so far.
func (w *Waker) Count() uint64 { return w.n.Load() }

// NewRing returns a ring of geometry g in ordinary memory, as if it were a
// mapped memfd.
func NewRing(t testing.TB, g wire.Geometry) *wire.Ring {
	t.Helper()
	r, err := Ring(g)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Ring is NewRing for code without a testing.TB (examples, harnesses).
func Ring(g wire.Geometry) (*wire.Ring, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	mem := make([]uint64, (g.Size()+7)/8) // 8-byte aligned
	return wire.Init(unsafeBytes(mem, g.Size()), g)
}

// Tone writes a sine of Freq Hz at Amp (0..1) into rings as a shim would.
type Tone struct {
	Freq, Amp float64
	n         uint64
}

// Fill writes as many frames as fit into r (s16 or f32, any channel count)
// and returns how many it wrote.
func (t *Tone) Fill(r *wire.Ring) int {
	g := r.Geometry()
	w, rd := r.WritePos(), r.ReadPos()
	free := int(g.Capacity) - int(w-rd)
	if free <= 0 {
		return 0
	}
	a, b := r.Span(w, uint32(free))
	t.put(a, g)
	t.put(b, g)
	r.SetWritePos(w + uint64(free))
	return free
}

func (t *Tone) put(p []byte, g wire.Geometry) {
	fb := g.FrameBytes()
	for i := 0; i+fb <= len(p); i += fb {
		v := t.Amp * math.Sin(2*math.Pi*t.Freq*float64(t.n)/float64(g.Rate))
		t.n++
		for c := range int(g.Channels) {
			switch g.Format {
			case wire.FormatS16:
				s := int16(v * 32767)
				p[i+2*c], p[i+2*c+1] = byte(s), byte(uint16(s)>>8)
			case wire.FormatF32:
				bits := math.Float32bits(float32(v))
				o := i + 4*c
				p[o], p[o+1], p[o+2], p[o+3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
			}
		}
	}
}

// Sink is a recording fake of sink.Sink: Start, Stop and Close append to a
// transcript, and Tick drives the render function by hand.
type Sink struct {
	mu     sync.Mutex
	log    []string
	render func([]byte, int)
	buf    []byte
	period int
}

// NewSink returns a fake sink whose Tick renders period frames of frameBytes.
func NewSink(period, frameBytes int) *Sink {
	return &Sink{period: period, buf: make([]byte, period*frameBytes)}
}

// Start records the call and keeps render.
func (s *Sink) Start(render func(out []byte, frames int)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "start")
	s.render = render
	return nil
}

// Stop records the call.
func (s *Sink) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "stop")
	s.render = nil
	return nil
}

// Close records the call.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "close")
	return nil
}

// Tick renders one period while started and returns the bytes rendered.
func (s *Sink) Tick() []byte {
	s.mu.Lock()
	r := s.render
	s.mu.Unlock()
	if r == nil {
		return nil
	}
	r(s.buf, s.period)
	return s.buf
}

// Transcript returns the calls so far, one per line.
func (s *Sink) Transcript() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, "\n")
}

// String describes the fake.
func (s *Sink) String() string { return fmt.Sprintf("fake sink, %d-frame period", s.period) }
