package linux

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// SleepUntil never returns before its deadline, in the kernel (several Ps)
// or through the runtime (one P).
func TestSleepUntilReachesTheDeadline(t *testing.T) {
	for _, procs := range []int{runtime.GOMAXPROCS(0), 1} {
		prev := runtime.GOMAXPROCS(procs)
		for range 20 {
			at := MonotonicNs() + 1_000_000
			SleepUntil(at)
			if now := MonotonicNs(); now < at {
				t.Fatalf("GOMAXPROCS=%d: woke %d ns before the deadline", procs, at-now)
			}
		}
		SleepUntil(MonotonicNs() - 1_000_000) // a deadline already past returns
		runtime.GOMAXPROCS(prev)
	}
}

// A goroutine asleep in SleepUntil holds its P, but must not hold up a
// garbage collection's stop-the-world until it wakes: the collection
// finishes while the sleeper is still asleep (without the yield on EINTR it
// waits for the whole sleep).
func TestSleepUntilLetsTheGCStopTheWorld(t *testing.T) {
	if runtime.GOMAXPROCS(0) == 1 {
		t.Skip("with one P SleepUntil sleeps through the runtime")
	}
	wake := MonotonicNs() + 1_000_000_000
	done := make(chan struct{})
	go func() { SleepUntil(wake); close(done) }()
	for rawSleepers.Load() == 0 { // until the sleeper holds its P in the kernel
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond) // and is past the counter, in the call
	runtime.GC()
	if now := MonotonicNs(); now >= wake {
		t.Fatalf("the collection waited for the sleeper (finished %d ms after its wake time)", (now-wake)/1e6)
	}
	<-done
}

// However many goroutines sleep in SleepUntil, at most GOMAXPROCS-1 hold a
// P for it: the rest of the program always has one.
func TestSleepUntilLeavesAPSpare(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	wake := MonotonicNs() + 300_000_000
	var wg sync.WaitGroup
	for range procs + 2 {
		wg.Go(func() { SleepUntil(wake) })
	}
	most := int32(0)
	for MonotonicNs() < wake-50_000_000 {
		most = max(most, rawSleepers.Load())
		time.Sleep(time.Millisecond) // a goroutine that needs a P: it runs
	}
	wg.Wait()
	if int(most) > procs-1 {
		t.Fatalf("%d goroutines held a P asleep with GOMAXPROCS=%d", most, procs)
	}
	if procs > 1 && most == 0 {
		t.Fatal("no goroutine slept in the kernel")
	}
}

// MonotonicNs is CLOCK_MONOTONIC itself, the clock clients compare the
// ring header's consumed_ns with, not some other monotonic count: every
// reading lies between two clock_gettime(CLOCK_MONOTONIC) system calls
// made around it.
func TestMonotonicNsIsClockMonotonic(t *testing.T) {
	for range 1000 {
		var a, b unix.Timespec
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &a); err != nil {
			t.Fatal(err)
		}
		m := MonotonicNs()
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &b); err != nil {
			t.Fatal(err)
		}
		if m < a.Nano() || m > b.Nano() {
			t.Fatalf("MonotonicNs %d outside the clock_gettime readings %d..%d around it", m, a.Nano(), b.Nano())
		}
	}
}
