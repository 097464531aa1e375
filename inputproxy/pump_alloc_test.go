package inputproxy

import (
	"os"
	"sync/atomic"
	"testing"
	"time"

	"droidplex/inputproxy/route"
)

// pipeSource is a Source over a pipe, for tests inside the package.
type pipeSource struct{ r *os.File }

func (s pipeSource) Read(p []byte) (int, error)        { return s.r.Read(p) }
func (s pipeSource) SetReadDeadline(t time.Time) error { return s.r.SetReadDeadline(t) }
func (s pipeSource) Snapshot(st *route.State) error    { st.Reset(); return nil }
func (s pipeSource) Close() error                      { return s.r.Close() }

// countSink counts the bytes written to it.
type countSink struct{ n int }

func (s *countSink) Write(p []byte) (int, error) { s.n += len(p); return len(p), nil }
func (s *countSink) Node() Node                  { return Node{} }
func (s *countSink) Close() error                { return nil }

// TestEventPathDoesNotAllocate reads a ten-finger frame from a pipe and
// routes it to the foreground clone, with 16 containers' clones, a chord
// configured and a switch on every round: no allocation.
func TestEventPathDoesNotAllocate(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	caps := route.VirtualTouchscreen(1080, 2400)
	p := newPump("/dev/input/event0", caps, pipeSource{r}, route.NewChord([]uint16{125, 88}), func() {}, new(atomic.Uint64))
	sinks := make([]*countSink, 16)
	names := make([]string, 16)
	for i := range sinks {
		sinks[i], names[i] = &countSink{}, string(rune('a'+i))
		p.addClone(names[i], sinks[i])
	}
	var frame []route.Event
	for s := int32(0); s < 10; s++ {
		frame = append(frame, route.Event{Type: route.EvAbs, Code: route.AbsMTSlot, Value: s},
			route.Event{Type: route.EvAbs, Code: route.AbsMTTrackingID, Value: s + 1},
			route.Event{Type: route.EvAbs, Code: route.AbsMTPositionX, Value: 10 * s},
			route.Event{Type: route.EvAbs, Code: route.AbsMTPositionY, Value: 20 * s})
	}
	frame = append(frame, route.Event{Type: route.EvKey, Code: route.BtnTouch, Value: 1}, route.Syn)
	raw := route.AppendEncode(nil, frame...)
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := w.Write(raw); err != nil {
			t.Fatal(err)
		}
		n, err := p.src.Read(p.rbuf[p.have:])
		if err != nil {
			t.Fatal(err)
		}
		p.route(n)
		i = (i + 1) % len(names)
		p.setForeground(names[i])
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per frame, want 0", allocs)
	}
	if sinks[1].n == 0 || sinks[0].n == 0 {
		t.Fatal("frames were not routed")
	}
}
