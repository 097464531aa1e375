package audioproxy

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	cwire "droidplex/container/wire"
)

// fakeSource is the recording fake of a capture device: it writes what is
// done to it into a shared transcript and delivers frames when told to.
type fakeSource struct {
	mu      *sync.Mutex
	log     *[]string
	deliver func([]byte, int)
}

func (f *fakeSource) note(s string) { f.mu.Lock(); *f.log = append(*f.log, s); f.mu.Unlock() }

func (f *fakeSource) Start(d func([]byte, int)) error {
	f.note("start")
	f.mu.Lock()
	f.deliver = d
	f.mu.Unlock()
	return nil
}

func (f *fakeSource) Stop() error {
	f.note("stop")
	f.mu.Lock()
	f.deliver = nil
	f.mu.Unlock()
	return nil
}

func (f *fakeSource) Close() error { f.note("close"); return nil }

// fakeMic opens fakeSources and keeps the transcript of all of them.
type fakeMic struct {
	mu  sync.Mutex
	log []string
	cur *fakeSource
	buf []byte
}

func (m *fakeMic) open(c sink.Config) (Source, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.log = append(m.log, fmt.Sprintf("open %d/%d", c.Rate, c.Channels))
	m.cur = &fakeSource{mu: &m.mu, log: &m.log}
	return m.cur, nil
}

func (m *fakeMic) transcript() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Join(m.log, "; ")
}

// speak delivers frames of the byte pattern b to the open source.
func (m *fakeMic) speak(frames int, b byte) {
	m.mu.Lock()
	d := m.cur.deliver
	m.mu.Unlock()
	if len(m.buf) < frames*4 {
		m.buf = make([]byte, frames*4)
	}
	p := m.buf[:frames*4]
	for i := range p {
		p[i] = b
	}
	if d != nil {
		d(p, frames)
	}
}

func TestCaptureFIFO(t *testing.T) {
	f := newCaptureFIFO(4, 16, 0)
	f.push(bytes.Repeat([]byte{1}, 12), 3)
	f.push(bytes.Repeat([]byte{2}, 8), 2)
	if got, want := f.pull(4), []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2}; !bytes.Equal(got, want) {
		t.Fatalf("pull 4: %v", got)
	}
	// one frame left, then silence
	if got := f.pull(3); !bytes.Equal(got, []byte{2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0}) {
		t.Fatalf("pull with padding: %v", got)
	}
	// wraps around the end (positions 11..18 of 16)
	f.push(make([]byte, 24), 6)
	f.pull(6)
	f.push(bytes.Repeat([]byte{3}, 16), 4)
	f.push(bytes.Repeat([]byte{4}, 16), 4)
	if got := f.pull(8); !bytes.Equal(got, append(bytes.Repeat([]byte{3}, 16), bytes.Repeat([]byte{4}, 16)...)) {
		t.Fatalf("wrapped pull: %v", got)
	}
	// full: new frames are dropped and counted
	f.push(make([]byte, 60), 15)
	f.push(make([]byte, 8), 2)
	if f.dropped.Load() != 2 {
		t.Fatalf("dropped %d", f.dropped.Load())
	}
	// a reader more than half behind skips to the newest half
	f2 := newCaptureFIFO(1, 8, 0)
	f2.push([]byte{1, 2, 3, 4, 5, 6, 7}, 7)
	if got := f2.pull(2); !bytes.Equal(got, []byte{4, 5}) {
		t.Fatalf("lagging pull: %v", got)
	}
	// a lying frame count never reads past the slice
	f2.push([]byte{9}, 100)

	// the reader waits for the cushion, and again after running dry
	f3 := newCaptureFIFO(1, 16, 3)
	f3.push([]byte{1, 2}, 2)
	if got := f3.pull(1); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("read before the cushion: %v", got)
	}
	f3.push([]byte{3}, 1)
	if got := f3.pull(2); !bytes.Equal(got, []byte{1, 2}) {
		t.Fatalf("primed read: %v", got)
	}
	if got := f3.pull(2); !bytes.Equal(got, []byte{3, 0}) {
		t.Fatalf("running dry: %v", got)
	}
	f3.push([]byte{4, 5}, 2)
	if got := f3.pull(1); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("read before the cushion is back: %v", got)
	}

	// a handover drops what was captured before it
	f4 := newCaptureFIFO(1, 16, 0)
	f4.push([]byte{1, 2, 3}, 3)
	f4.cut.Store(f4.w.Load())
	f4.push([]byte{4}, 1)
	if got := f4.pull(2); !bytes.Equal(got, []byte{4, 0}) {
		t.Fatalf("after a handover: %v", got)
	}
}

// TestCaptureOpenedOnlyWhileAllowed checks the transcript of the capture
// device: nothing while only a background container records, opened when
// that container comes to the foreground, closed when its stream goes.
func TestCaptureOpenedOnlyWhileAllowed(t *testing.T) {
	e := newTestEngine(t, 4)
	e.Container("a")
	e.Container("b")
	mic := &fakeMic{}
	p := NewPolicy(e, NewCapture(e, mic.open), nil)
	p.Event(cwire.Event{Type: cwire.EventForeground, Foreground: &cwire.Foreground{Container: "a"}})
	var w audioproxytest.Waker
	s, err := e.Attach(e.Container("b"), audioproxytest.NewRing(t, geo()), wire.Input, wire.UsageMedia, &w)
	if err != nil {
		t.Fatal(err)
	}
	if got := mic.transcript(); got != "" || s.Microphone() {
		t.Fatalf("background recorder opened the device: %q, mic %v", got, s.Microphone())
	}
	p.Event(cwire.Event{Type: cwire.EventForeground, Foreground: &cwire.Foreground{Container: "b", Previous: "a"}})
	if !s.Microphone() {
		t.Fatal("foreground recorder has no microphone")
	}
	e.Detach(s)
	if got, want := mic.transcript(), "open 48000/2; start; stop; close"; got != want {
		t.Fatalf("transcript %q, want %q", got, want)
	}
	if open, n := p.capt.Status(); open || n != 1 {
		t.Fatalf("capture open %v after %d opens", open, n)
	}
}

// TestMicrophoneReachesOnlyTheAllowedStream runs the device callback with
// the microphone open: the foreground's capture stream gets the
// microphone's frames, the background's gets silence (even over stale data
// in its ring) at the same device pace.
func TestMicrophoneReachesOnlyTheAllowedStream(t *testing.T) {
	e := newTestEngine(t, 4)
	e.Container("a")
	e.Container("b")
	mic := &fakeMic{}
	p := NewPolicy(e, NewCapture(e, mic.open), nil)
	p.Event(cwire.Event{Type: cwire.EventForeground, Foreground: &cwire.Foreground{Container: "a"}})
	ra, rb := audioproxytest.NewRing(t, geo()), audioproxytest.NewRing(t, geo())
	var w audioproxytest.Waker
	for _, x := range []struct {
		c string
		r *wire.Ring
	}{{"a", ra}, {"b", rb}} {
		if _, err := e.Attach(e.Container(x.c), x.r, wire.Input, wire.UsageMedia, &w); err != nil {
			t.Fatal(err)
		}
	}
	sa, sb := ra.Span(0, 960)
	sb2, _ := rb.Span(0, 960)
	for _, s := range [][]byte{sa, sb, sb2} {
		for i := range s {
			s[i] = 0x55 // stale data a denied stream must never see
		}
	}
	buf := make([]byte, 240*4)
	mic.speak(960, 0x11) // the FIFO's cushion
	for range 3 {
		mic.speak(240, 0x11)
		e.Process(buf, 240)
	}
	if ra.WritePos() != 720 || rb.WritePos() != 720 {
		t.Fatalf("write positions %d and %d, want 720 (device pace)", ra.WritePos(), rb.WritePos())
	}
	a, _ := ra.Span(0, 720)
	b, _ := rb.Span(0, 720)
	if !bytes.Equal(a, bytes.Repeat([]byte{0x11}, len(a))) {
		t.Error("the foreground's capture stream did not get the microphone")
	}
	if !bytes.Equal(b, make([]byte, len(b))) {
		t.Error("the background's capture stream got something other than silence")
	}
	if got := mic.transcript(); got != "open 48000/2; start" {
		t.Fatalf("transcript %q", got)
	}
	p.capt.Set(false)
}

// TestProcessAllocsNothingWithCapture: the callback stays allocation-free
// with the microphone open and 32 streams, half of them capturing.
func TestProcessAllocsNothingWithCapture(t *testing.T) {
	e := newTestEngine(t, 8)
	mic := &fakeMic{}
	p := NewPolicy(e, NewCapture(e, mic.open), nil)
	p.Event(cwire.Event{Type: cwire.EventForeground, Foreground: &cwire.Foreground{Container: "a"}})
	p.Event(cwire.Event{Type: cwire.EventCallState, CallState: &cwire.CallState{Container: "b", Index: 1, State: cwire.CallActive}})
	var rings []*wire.Ring
	var w audioproxytest.Waker
	for i := range 32 {
		dir := wire.Output
		if i%2 == 1 {
			dir = wire.Input
		}
		r := audioproxytest.NewRing(t, geo())
		if _, err := e.Attach(e.Container(string(rune('a'+i%4))), r, dir, wire.UsageVoice, &w); err != nil {
			t.Fatal(err)
		}
		rings = append(rings, r)
	}
	p.Apply()
	if open, _ := p.capt.Status(); !open {
		t.Fatal("capture not open during b's call")
	}
	tones := make([]audioproxytest.Tone, len(rings))
	buf := make([]byte, 240*4)
	allocs := testing.AllocsPerRun(200, func() {
		for i, r := range rings {
			if i%2 == 0 {
				tones[i].Fill(r)
			}
			r.SetFlags(wire.FlagRunning | wire.FlagWaiting)
		}
		mic.speak(240, 7)
		e.Process(buf, 240)
	})
	if allocs != 0 {
		t.Fatalf("Process allocated %.1f times per call", allocs)
	}
	p.capt.Set(false)
}
