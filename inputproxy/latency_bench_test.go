package inputproxy_test

import (
	"context"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"droidplex/inputproxy"
	"droidplex/inputproxy/route"
	"droidplex/internal/testutil"
)

// The latency benchmarks time one frame (a two-finger touch update, 10
// events) from the moment the source's read returns to the moment the
// clone's write is called, on pipes. "router" is the full Router (pump,
// routing core, chord, state tracking); "copy" is the least a proxy can do:
// read the pipe and write the same bytes on. Both report p50 and p99.

// stampSource records when each read returned.
type stampSource struct {
	r      *os.File
	readAt atomic.Int64
}

func (s *stampSource) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.readAt.Store(time.Now().UnixNano())
	return n, err
}
func (s *stampSource) SetReadDeadline(t time.Time) error { return s.r.SetReadDeadline(t) }
func (s *stampSource) Snapshot(st *route.State) error    { st.Reset(); return nil }
func (s *stampSource) Close() error                      { return s.r.Close() }

// stampSink records, per write, the time since the source's read and
// since the benchmark wrote the frame into the pipe.
type stampSink struct {
	src     *stampSource
	wroteAt atomic.Int64
	lat     []time.Duration
	e2e     []time.Duration
	done    chan struct{}
}

func newStampSink(src *stampSource, n int) *stampSink {
	return &stampSink{src: src, lat: make([]time.Duration, 0, n), e2e: make([]time.Duration, 0, n), done: make(chan struct{}, 1)}
}

func (s *stampSink) Write(p []byte) (int, error) {
	now := time.Now().UnixNano()
	s.lat = append(s.lat, time.Duration(now-s.src.readAt.Load()))
	s.e2e = append(s.e2e, time.Duration(now-s.wroteAt.Load()))
	s.done <- struct{}{}
	return len(p), nil
}
func (s *stampSink) Node() inputproxy.Node { return inputproxy.Node{} }
func (s *stampSink) Close() error          { return nil }

// oneDevice is a Backend with one pipe device and stamping clones.
type oneDevice struct {
	src  *stampSource
	sink *stampSink
}

func (o *oneDevice) Open(string, func(*route.Caps) bool) (inputproxy.Source, route.Caps, error) {
	return o.src, route.VirtualTouchscreen(1080, 2400), nil
}
func (o *oneDevice) Clone(string, route.Caps) (inputproxy.Sink, error) { return o.sink, nil }
func (o *oneDevice) List() ([]string, error)                           { return []string{"/dev/input/event0"}, nil }
func (o *oneDevice) Watch(context.Context, func(string, bool)) (func(), error) {
	return func() {}, nil
}

func touchFrame() []byte {
	return route.AppendEncode(nil,
		route.Event{Type: route.EvAbs, Code: route.AbsMTSlot, Value: 0},
		route.Event{Type: route.EvAbs, Code: route.AbsMTPositionX, Value: 100},
		route.Event{Type: route.EvAbs, Code: route.AbsMTPositionY, Value: 200},
		route.Event{Type: route.EvAbs, Code: route.AbsMTSlot, Value: 1},
		route.Event{Type: route.EvAbs, Code: route.AbsMTPositionX, Value: 300},
		route.Event{Type: route.EvAbs, Code: route.AbsMTPositionY, Value: 400},
		route.Event{Type: route.EvAbs, Code: route.AbsX, Value: 100},
		route.Event{Type: route.EvAbs, Code: route.AbsY, Value: 200},
		route.Event{Type: route.EvMsc, Code: 5, Value: 1234},
		route.Syn)
}

// report adds p50 and p99 of read→write ("added") and of pipe
// write→clone write ("e2e": includes the pipe and the goroutine wake-up).
func report(b *testing.B, added, e2e []time.Duration) {
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"added", added}, {"e2e", e2e}} {
		if len(m.d) == 0 {
			continue
		}
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2].Nanoseconds())/1e3, m.name+"-p50-µs")
		b.ReportMetric(float64(m.d[len(m.d)*99/100].Nanoseconds())/1e3, m.name+"-p99-µs")
	}
	b.ReportMetric(0, "ns/op")
}

func BenchmarkAddedLatency(b *testing.B) {
	frame := touchFrame()
	b.Run("router", func(b *testing.B) {
		r, w, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		defer w.Close()
		src := &stampSource{r: r}
		sink := newStampSink(src, b.N)
		rt := inputproxy.NewRouter(&oneDevice{src, sink}, inputproxy.RouterConfig{Chord: []uint16{125, 88}}, testutil.Logger(b))
		if err := rt.AddContainer("personal"); err != nil {
			b.Fatal(err)
		}
		rt.SetForeground("personal")
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- rt.Run(ctx) }()
		b.ResetTimer()
		for range b.N {
			sink.wroteAt.Store(time.Now().UnixNano())
			if _, err := w.Write(frame); err != nil {
				b.Fatal(err)
			}
			<-sink.done
		}
		b.StopTimer()
		cancel()
		<-done
		report(b, sink.lat, sink.e2e)
	})
	b.Run("copy", func(b *testing.B) {
		r, w, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		defer w.Close()
		src := &stampSource{r: r}
		sink := newStampSink(src, b.N)
		go func() {
			buf := make([]byte, 64*route.EventSize)
			for {
				n, err := src.Read(buf)
				if err != nil {
					return
				}
				_, _ = sink.Write(buf[:n])
			}
		}()
		b.ResetTimer()
		for range b.N {
			sink.wroteAt.Store(time.Now().UnixNano())
			if _, err := w.Write(frame); err != nil {
				b.Fatal(err)
			}
			<-sink.done
		}
		b.StopTimer()
		r.Close()
		report(b, sink.lat, sink.e2e)
	})
}
