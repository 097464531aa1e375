package audioproxy

import (
	"bytes"
	"testing"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/wire"
	cwire "droidplex/container/wire"
)

// switcher is a Waker that hands the foreground (and so the microphone) to
// another container when the device callback wakes it: a policy change
// landing in the middle of a callback, deterministically.
type switcher struct {
	p  *Policy
	to string
}

func (s *switcher) Wake() {
	s.p.Event(cwire.Event{Type: cwire.EventForeground, Foreground: &cwire.Foreground{Container: s.to}})
}

// TestMicrophoneHandoverInACallbackLeaksNothing: when the microphone moves
// from container a to b while a callback runs (after it took the
// microphone's frames for this period, before it filled b's capture
// stream), b gets silence for that period, not audio captured while a had
// the microphone.
func TestMicrophoneHandoverInACallbackLeaksNothing(t *testing.T) {
	e := newTestEngine(t, 4)
	e.Container("a")
	e.Container("b")
	mic := &fakeMic{}
	p := NewPolicy(e, NewCapture(e, mic.open), nil)
	p.Event(cwire.Event{Type: cwire.EventForeground, Foreground: &cwire.Foreground{Container: "a"}})
	var w audioproxytest.Waker
	ina, inb := audioproxytest.NewRing(t, geo()), audioproxytest.NewRing(t, geo())
	out := audioproxytest.NewRing(t, geo())
	for _, x := range []struct {
		c   string
		r   *wire.Ring
		dir wire.Direction
		wk  Waker
	}{{"a", ina, wire.Input, &w}, {"a", out, wire.Output, &switcher{p: p, to: "b"}}, {"b", inb, wire.Input, &w}} {
		if _, err := e.Attach(e.Container(x.c), x.r, x.dir, wire.UsageMedia, x.wk); err != nil {
			t.Fatal(err)
		}
	}
	// a's output stream has a waiting writer: the callback wakes it (and so
	// switches the foreground) after it has taken the microphone's frames
	// and before it reaches b's capture stream.
	out.SetWritePos(240)
	out.SetFlags(wire.FlagWaiting)
	buf := make([]byte, 240*4)
	mic.speak(960, 0x11) // a speaks; the FIFO's cushion
	mic.speak(240, 0x11)
	e.Process(buf, 240)
	b, _ := inb.Span(0, 240)
	if !bytes.Equal(b, make([]byte, len(b))) {
		t.Error("b's capture stream got audio captured while a had the microphone")
	}
	if s := e.Streams(e.Container("b")); len(s) != 1 || !s[0].Microphone() {
		t.Fatal("b does not have the microphone after the switch")
	}
	p.capt.Set(false)
}
