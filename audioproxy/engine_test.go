package audioproxy

import (
	"errors"
	"math"
	"testing"
	"time"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/wire"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

var testDev = Device{Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}, Period: 240}

func newTestEngine(t *testing.T, limit int) *Engine {
	t.Helper()
	e, err := NewEngine(testDev, limit)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func geo() wire.Geometry {
	return wire.Geometry{Capacity: 960, Params: testDev.Params, Period: testDev.Period}
}

// render runs n periods, refilling each ring's tone before every period, and
// returns the device output as s16.
func render(e *Engine, periods int, fill func()) []int16 {
	fb := e.dev.FrameBytes()
	out := make([]int16, 0, periods*int(e.dev.Period)*2)
	buf := make([]byte, int(e.dev.Period)*fb)
	for range periods {
		fill()
		e.Process(buf, int(e.dev.Period))
		out = append(out, mix.S16(buf)...)
	}
	return out
}

func TestTwoContainersMixedAtTheirVolumes(t *testing.T) {
	e := newTestEngine(t, 4)
	a, b := e.Container("personal"), e.Container("work")
	b.SetVolume(0.5)
	ra, rb := audioproxytest.NewRing(t, geo()), audioproxytest.NewRing(t, geo())
	var wa, wb audioproxytest.Waker
	if _, err := e.Attach(a, ra, wire.Output, wire.UsageMedia, &wa); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Attach(b, rb, wire.Output, wire.UsageMedia, &wb); err != nil {
		t.Fatal(err)
	}
	ta, tb := &audioproxytest.Tone{Freq: 440, Amp: 0.4}, &audioproxytest.Tone{Freq: 660, Amp: 0.4}
	out := render(e, 100, func() { ta.Fill(ra); tb.Fill(rb) })
	steady := out[len(out)/2:]
	la := audioproxytest.ToneLevel(steady, 2, 48000, 440)
	lb := audioproxytest.ToneLevel(steady, 2, 48000, 660)
	if math.Abs(la-0.4) > 0.02 || math.Abs(lb-0.2) > 0.02 {
		t.Fatalf("levels 440 Hz %.3f (want 0.4), 660 Hz %.3f (want 0.2)", la, lb)
	}
	if got := e.FramesMixed(); got != 100*240 {
		t.Errorf("frames mixed %d", got)
	}
}

func TestMutedStreamIsStillConsumed(t *testing.T) {
	e := newTestEngine(t, 4)
	c := e.Container("personal")
	c.SetMuted(true)
	r := audioproxytest.NewRing(t, geo())
	var w audioproxytest.Waker
	s, err := e.Attach(c, r, wire.Output, wire.UsageMedia, &w)
	if err != nil {
		t.Fatal(err)
	}
	tone := &audioproxytest.Tone{Freq: 440, Amp: 0.5}
	out := render(e, 20, func() { tone.Fill(r) })
	for _, v := range out {
		if v != 0 {
			t.Fatalf("muted container heard: sample %d", v)
		}
	}
	if s.Consumed() != 20*240 || r.ReadPos() != 20*240 {
		t.Fatalf("muted stream consumed %d frames, want %d", s.Consumed(), 20*240)
	}
	if f, _, ok := r.Consumed(); !ok || f != 20*240 {
		t.Fatalf("header consumed %d", f)
	}
	s.SetAudible(false)
	c.SetMuted(false)
	render(e, 5, func() { tone.Fill(r) })
	if s.Consumed() != 25*240 {
		t.Fatalf("inaudible stream consumed %d", s.Consumed())
	}
}

func TestUnderrunCountedOnlyWhileRunning(t *testing.T) {
	e := newTestEngine(t, 4)
	r := audioproxytest.NewRing(t, geo())
	var w audioproxytest.Waker
	s, err := e.Attach(e.Container("p"), r, wire.Output, wire.UsageMedia, &w)
	if err != nil {
		t.Fatal(err)
	}
	render(e, 3, func() {})
	if s.Underruns() != 0 {
		t.Fatalf("idle stream counted %d underruns", s.Underruns())
	}
	r.SetFlags(wire.FlagRunning)
	render(e, 2, func() {})
	if s.Underruns() != 2 || r.Underruns() != 2 {
		t.Fatalf("underruns %d / header %d, want 2", s.Underruns(), r.Underruns())
	}
}

func TestWaitingWriterIsWoken(t *testing.T) {
	e := newTestEngine(t, 4)
	r := audioproxytest.NewRing(t, geo())
	var w audioproxytest.Waker
	if _, err := e.Attach(e.Container("p"), r, wire.Output, wire.UsageMedia, &w); err != nil {
		t.Fatal(err)
	}
	tone := &audioproxytest.Tone{Freq: 440, Amp: 0.5}
	tone.Fill(r)
	render(e, 1, func() {})
	if w.Count() != 0 {
		t.Fatal("woke a writer that was not waiting")
	}
	r.SetFlags(wire.FlagWaiting)
	render(e, 1, func() {})
	if w.Count() != 1 || r.Flags()&wire.FlagWaiting != 0 {
		t.Fatalf("wakes %d flags %b", w.Count(), r.Flags())
	}
}

// TestLyingHeader: a write position beyond the ring or behind the reader
// silences that stream only; nothing is read outside its ring.
func TestLyingHeader(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    uint64
	}{
		{"beyond", 1 << 40},
		{"huge", math.MaxUint64},
		{"capacity+1", 961},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t, 4)
			good, bad := audioproxytest.NewRing(t, geo()), audioproxytest.NewRing(t, geo())
			var w audioproxytest.Waker
			if _, err := e.Attach(e.Container("good"), good, wire.Output, wire.UsageMedia, &w); err != nil {
				t.Fatal(err)
			}
			sb, err := e.Attach(e.Container("bad"), bad, wire.Output, wire.UsageMedia, &w)
			if err != nil {
				t.Fatal(err)
			}
			tone := &audioproxytest.Tone{Freq: 440, Amp: 0.3}
			out := render(e, 40, func() { tone.Fill(good); bad.SetWritePos(tc.w); bad.SetReadPos(tc.w / 2) })
			if !sb.Broken() || bad.Flags()&wire.FlagBroken == 0 {
				t.Fatal("lying stream not marked broken")
			}
			if l := audioproxytest.ToneLevel(out[len(out)/2:], 2, 48000, 440); math.Abs(l-0.3) > 0.02 {
				t.Fatalf("good stream level %.3f, want 0.3", l)
			}
		})
	}
}

func TestStreamLimit(t *testing.T) {
	e := newTestEngine(t, 2)
	c := e.Container("p")
	var w audioproxytest.Waker
	for range 2 {
		if _, err := e.Attach(c, audioproxytest.NewRing(t, geo()), wire.Output, wire.UsageMedia, &w); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.Attach(c, audioproxytest.NewRing(t, geo()), wire.Output, wire.UsageMedia, &w)
	if !errors.Is(err, wire.ErrLimit) {
		t.Fatalf("third stream: %v", err)
	}
	if _, err := e.Attach(e.Container("q"), audioproxytest.NewRing(t, geo()), wire.Output, wire.UsageMedia, &w); err != nil {
		t.Fatalf("other container refused: %v", err)
	}
	s := e.Streams(c)[0]
	e.Detach(s)
	if _, err := e.Attach(c, audioproxytest.NewRing(t, geo()), wire.Output, wire.UsageMedia, &w); err != nil {
		t.Fatalf("after detach: %v", err)
	}
	other := wire.Geometry{Capacity: 960, Params: wire.Params{Rate: 44100, Channels: 2, Format: wire.FormatS16}, Period: 240}
	if _, err := e.Attach(e.Container("q"), audioproxytest.NewRing(t, other), wire.Output, wire.UsageMedia, &w); !errors.Is(err, wire.ErrUnsupported) {
		t.Fatalf("foreign format: %v", err)
	}
}

func TestInputStreamGetsSilenceAtDevicePace(t *testing.T) {
	e := newTestEngine(t, 4)
	r := audioproxytest.NewRing(t, geo())
	var w audioproxytest.Waker
	if _, err := e.Attach(e.Container("p"), r, wire.Input, wire.UsageVoice, &w); err != nil {
		t.Fatal(err)
	}
	r.SetFlags(wire.FlagWaiting)
	render(e, 3, func() {})
	if r.WritePos() != 720 || w.Count() != 1 {
		t.Fatalf("write pos %d wakes %d", r.WritePos(), w.Count())
	}
}

func TestRecorderGetsContainerMixBeforeVolume(t *testing.T) {
	e := newTestEngine(t, 4)
	c := e.Container("p")
	c.SetVolume(0.1)
	r := audioproxytest.NewRing(t, geo())
	var w audioproxytest.Waker
	if _, err := e.Attach(c, r, wire.Output, wire.UsageMedia, &w); err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder(48000 * 2)
	if !c.StartRecording(rec) || c.StartRecording(NewRecorder(10)) {
		t.Fatal("recorder attach")
	}
	tone := &audioproxytest.Tone{Freq: 440, Amp: 0.5}
	render(e, 50, func() { tone.Fill(r) })
	c.StopRecording(rec)
	got := make([]int16, 48000*2)
	n := rec.Read(got)
	if n != 50*240*2 {
		t.Fatalf("recorded %d samples", n)
	}
	if l := audioproxytest.ToneLevel(got[:n], 2, 48000, 440); math.Abs(l-0.5) > 0.02 {
		t.Fatalf("recorded level %.3f, want 0.5", l)
	}
}

// TestWakeFramesThreshold: a writer that asks for 480 frames of room is
// woken after two 240-frame periods, not one; a lying request larger than
// the ring is clamped, so the writer is still woken once the ring is empty.
func TestWakeFramesThreshold(t *testing.T) {
	for _, tc := range []struct {
		name   string
		want   uint32
		wakeAt int // period after which the first wake comes
	}{
		{"any progress", 0, 1},
		{"half the ring", 480, 2},
		{"whole ring", 960, 4},
		{"lying", 1 << 31, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t, 4)
			r := audioproxytest.NewRing(t, geo()) // 960 frames
			var w audioproxytest.Waker
			if _, err := e.Attach(e.Container("p"), r, wire.Output, wire.UsageMedia, &w); err != nil {
				t.Fatal(err)
			}
			(&audioproxytest.Tone{Freq: 440, Amp: 0.1}).Fill(r)
			r.SetWakeFrames(tc.want)
			r.SetFlags(wire.FlagWaiting)
			for p := 1; p <= 4; p++ {
				render(e, 1, func() {})
				if woken := w.Count() == 1; woken != (p >= tc.wakeAt) {
					t.Fatalf("after period %d: woken %v", p, woken)
				}
			}
		})
	}
}

// A callback more than two periods after the previous one counts as a late
// device; back-to-back callbacks do not.
func TestEngineCountsLateCallbacks(t *testing.T) {
	dev := Device{Params: testDev.Params, Period: 4000} // 83 ms periods
	e, err := NewEngine(dev, 4)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, int(dev.Period)*dev.FrameBytes())
	e.Process(out, int(dev.Period))
	e.Process(out, int(dev.Period))
	if e.Late() != 0 {
		t.Fatalf("back-to-back callbacks counted late: %d", e.Late())
	}
	time.Sleep(250 * time.Millisecond)
	e.Process(out, int(dev.Period))
	if e.Late() != 1 {
		t.Fatalf("a callback 2.5 periods late counted %d times", e.Late())
	}
}
