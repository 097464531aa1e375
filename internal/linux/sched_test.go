package linux

import (
	"runtime"
	"testing"
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
