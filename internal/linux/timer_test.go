package linux

import (
	"errors"
	"os"
	"testing"
	"time"
)

func newTimer(t *testing.T) *Timer {
	t.Helper()
	tm, err := NewTimer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tm.Close() })
	return tm
}

// A Timer never wakes before its deadline, and a deadline already past,
// or one re-armed after an earlier expiry was left unread, returns at once
// or at the new deadline, never on the stale expiry.
func TestTimerReachesTheDeadline(t *testing.T) {
	tm := newTimer(t)
	for range 20 {
		at := MonotonicNs() + 1_000_000
		if err := tm.SleepUntil(at); err != nil {
			t.Fatal(err)
		}
		if now := MonotonicNs(); now < at {
			t.Fatalf("woke %d ns before the deadline", at-now)
		}
	}
	if err := tm.SleepUntil(MonotonicNs() - 1_000_000); err != nil {
		t.Fatal(err)
	}
	// Let a deadline pass unread, then sleep to a later one.
	tm.at.Value.Nsec = 0
	if err := tm.rc.Control(tm.arm); err != nil || tm.err != 0 {
		t.Fatal(err, tm.err)
	}
	time.Sleep(2 * time.Millisecond)
	at := MonotonicNs() + 5_000_000
	if err := tm.SleepUntil(at); err != nil {
		t.Fatal(err)
	}
	if now := MonotonicNs(); now < at {
		t.Fatalf("a stale expiry ended the sleep %d ns early", at-now)
	}
}

// Sleeping allocates nothing: a device's period loop sleeps on it.
func TestTimerSleepAllocatesNothing(t *testing.T) {
	tm := newTimer(t)
	if n := testing.AllocsPerRun(50, func() { _ = tm.SleepUntil(MonotonicNs() + 100_000) }); n != 0 {
		t.Fatalf("SleepUntil allocates %v times per call", n)
	}
}

// Close ends a sleep in progress with an error, and later sleeps fail at
// once.
func TestTimerCloseEndsASleep(t *testing.T) {
	tm, err := NewTimer()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tm.SleepUntil(MonotonicNs() + int64(time.Hour)) }()
	time.Sleep(20 * time.Millisecond) // most likely parked by now; either way the sleep must end
	tm.Close()
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrClosed) {
			t.Fatalf("sleep ended with %v, want os.ErrClosed", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not end the sleep")
	}
	if err := tm.SleepUntil(MonotonicNs() + 1_000_000); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("sleep on a closed timer: %v, want os.ErrClosed", err)
	}
}

// A negative deadline is refused, not slept on.
func TestTimerRefusesANegativeDeadline(t *testing.T) {
	tm := newTimer(t)
	if err := tm.SleepUntil(-1); err == nil {
		t.Fatal("a negative deadline was accepted")
	}
}
