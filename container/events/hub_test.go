package events

import (
	"fmt"
	"testing"

	"droidplex/container/wire"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func fg(name string) wire.Event {
	return wire.Event{Type: wire.EventForeground, Foreground: &wire.Foreground{Container: name}}
}

func TestSubscribersSeeSameOrder(t *testing.T) {
	h := NewHub()
	a, b := h.Subscribe(100), h.Subscribe(100)
	defer a.Close()
	defer b.Close()
	for i := range 50 {
		h.Publish(fg(fmt.Sprint(i)))
	}
	for i := range 50 {
		ea, eb := <-a.C, <-b.C
		if ea.Seq != uint64(i+1) || eb.Seq != ea.Seq || ea.Foreground.Container != fmt.Sprint(i) ||
			eb.Foreground.Container != ea.Foreground.Container {
			t.Fatalf("event %d: a=%+v b=%+v", i, ea, eb)
		}
	}
}

// A subscriber that never reads is cut off once its buffer is full; the
// publisher never waits and the other subscriber gets everything.
func TestSlowSubscriberIsCutOff(t *testing.T) {
	h := NewHub()
	slow := h.Subscribe(4)
	fast := h.Subscribe(1000)
	defer fast.Close()
	done := make(chan struct{})
	got := 0
	go func() {
		defer close(done)
		for range fast.C {
			got++
			if got == 500 {
				return
			}
		}
	}()
	for i := range 500 {
		h.Publish(fg(fmt.Sprint(i)))
	}
	<-done
	n := 0
	for range slow.C { // closed by the hub
		n++
	}
	if n != 4 || slow.MissedFrom() != 5 {
		t.Fatalf("slow got %d events, missed from %d; want 4 and 5", n, slow.MissedFrom())
	}
	if h.Subscribers() != 1 {
		t.Fatalf("subscribers = %d, want 1", h.Subscribers())
	}
	slow.Close() // closing a cut-off subscription is harmless
}

func TestCloseUnsubscribes(t *testing.T) {
	h := NewHub()
	s := h.Subscribe(0)
	s.Close()
	s.Close()
	h.Publish(fg("x"))
	if _, ok := <-s.C; ok || s.MissedFrom() != 0 || h.Subscribers() != 0 {
		t.Fatal("closed subscription still receives")
	}
}

func ExampleHub() {
	h := NewHub()
	s := h.Subscribe(0)
	defer s.Close()
	h.Publish(wire.Event{Type: wire.EventForeground, Foreground: &wire.Foreground{Container: "work"}})
	ev := <-s.C
	fmt.Println(ev.Seq, ev.Type, ev.Foreground.Container)
	// Output: 1 foreground work
}
