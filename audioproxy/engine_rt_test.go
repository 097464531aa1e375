package audioproxy

import (
	"testing"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/wire"
)

// TestProcessAllocsNothingAt32Streams is the real-time guarantee: the device
// callback allocates nothing with 32 streams in 4 containers, one of them
// recording, with gains ramping and writers waiting.
func TestProcessAllocsNothingAt32Streams(t *testing.T) {
	e := newTestEngine(t, 8)
	var rings []*wire.Ring
	var w audioproxytest.Waker
	for i := range 32 {
		c := e.Container(string(rune('a' + i%4)))
		r := audioproxytest.NewRing(t, geo())
		if _, err := e.Attach(c, r, wire.Output, wire.UsageMedia, &w); err != nil {
			t.Fatal(err)
		}
		rings = append(rings, r)
	}
	e.Container("a").StartRecording(NewRecorder(1 << 20))
	tones := make([]audioproxytest.Tone, len(rings))
	buf := make([]byte, 240*4)
	vol := float32(0)
	allocs := testing.AllocsPerRun(200, func() {
		for i, r := range rings {
			tones[i].Fill(r)
			r.SetFlags(wire.FlagRunning | wire.FlagWaiting)
		}
		vol = 1 - vol
		e.Container("b").SetVolume(vol)
		e.Process(buf, 240)
	})
	if allocs != 0 {
		t.Fatalf("Process allocated %.1f times per call", allocs)
	}
	if w.Count() == 0 {
		t.Fatal("no wake-ups issued")
	}
}

// TestWakeMarker: the watchdog sees a stream only when one wake has lasted
// across two of its looks, never for distinct wakes of the same stream.
func TestWakeMarker(t *testing.T) {
	var w wakeMarker
	s := &Stream{}
	if w.Load() != nil {
		t.Fatal("idle marker reported a stream")
	}
	for range 5 { // distinct wakes of s, each seen by the watchdog
		w.Store(s)
		if w.Load() != nil {
			t.Fatal("a new wake was reported as stuck")
		}
		w.Store(nil)
	}
	w.Store(s) // a wake that never returns
	if w.Load() != nil {
		t.Fatal("stuck too early")
	}
	// Load has a side effect (it counts looks), so look twice, in order.
	first := w.Load()
	second := w.Load()
	if first != s || second != s {
		t.Fatal("a wake in progress across looks was not reported")
	}
}

// TestFakeSinkTranscript drives the engine from the recording fake sink, as
// Run drives it from a real one, and compares the sink's transcript.
func TestFakeSinkTranscript(t *testing.T) {
	e := newTestEngine(t, 4)
	r := audioproxytest.NewRing(t, geo())
	var w audioproxytest.Waker
	if _, err := e.Attach(e.Container("p"), r, wire.Output, wire.UsageMedia, &w); err != nil {
		t.Fatal(err)
	}
	s := audioproxytest.NewSink(240, 4)
	if s.Tick() != nil {
		t.Fatal("rendered before start")
	}
	if err := s.Start(e.Process); err != nil {
		t.Fatal(err)
	}
	tone := &audioproxytest.Tone{Freq: 1000, Amp: 0.5}
	tone.Fill(r)
	if out := s.Tick(); len(out) != 960 || mix.S16(out)[2] == 0 {
		t.Fatal("tick rendered nothing")
	}
	s.Stop()
	s.Close()
	if got, want := s.Transcript(), "start\nstop\nclose"; got != want {
		t.Fatalf("transcript %q, want %q", got, want)
	}
	if e.FramesMixed() != 240 {
		t.Fatalf("mixed %d", e.FramesMixed())
	}
}
