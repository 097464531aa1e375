package inputproxy

import (
	"strings"
	"sync/atomic"
	"testing"

	"droidplex/inputproxy/route"
)

// Regression tests for bugs found in review; each failed before its fix.

// textSink records the frames written to it as transcript lines.
type textSink struct{ b strings.Builder }

func (s *textSink) Write(p []byte) (int, error) {
	var evs []route.Event
	for b := p; len(b) >= route.EventSize; b = b[route.EventSize:] {
		e, _ := route.Decode(b)
		evs = append(evs, e)
	}
	s.b.WriteString(route.Transcript(evs))
	return len(p), nil
}
func (s *textSink) Node() Node   { return Node{} }
func (s *textSink) Close() error { return nil }

// feed routes events through p as if read from its device.
func feed(p *pump, evs ...route.Event) {
	n := copy(p.rbuf[p.have:], route.AppendEncode(nil, evs...))
	p.route(n)
}

// While the foreground container had no clone (between the stop and the
// start of its restart) what the device reported kept counting as sent to
// it, so its new clone was sent the autorepeats of a key pressed meanwhile,
// which it never got down: a key stuck down in the restarted container.
func TestNewForegroundCloneStartsClean(t *testing.T) {
	p := newPump("/dev/input/event1", route.VirtualKeyboard(), nil, nil, func() {}, new(atomic.Uint64))
	old, fresh := &textSink{}, &textSink{}
	p.addClone("personal", old)
	p.setForeground("personal")
	p.removeClone("personal") // the foreground container stops
	feed(p, route.Event{Type: route.EvKey, Code: 30, Value: 1}, route.Syn)
	p.addClone("personal", fresh) // and starts again
	feed(p, route.Event{Type: route.EvKey, Code: 30, Value: 2}, route.Syn)
	feed(p, route.Event{Type: route.EvKey, Code: 48, Value: 1}, route.Syn)
	if got, want := fresh.b.String(), "KEY_B 1, SYN_REPORT 0\n"; got != want {
		t.Errorf("the new clone was sent:\n%swant:\n%s", got, want)
	}
	if old.b.String() != "" {
		t.Errorf("the old clone was sent:\n%s", old.b.String())
	}
}
