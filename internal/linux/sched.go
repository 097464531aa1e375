package linux

import (
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SleepUntil sleeps until CLOCK_MONOTONIC reaches ns. It makes raw
// clock_nanosleep(TIMER_ABSTIME) calls when that leaves the program a P to
// spare: the thread sleeps in the kernel and the Go scheduler is not
// involved, so a period loop costs one kernel wake per period instead of a
// runtime timer, a netpoll wake, futex hand-offs and a spinning thread
// (about a quarter of the CPU on the project's VM). The calling goroutine
// keeps its P while it sleeps, so at most GOMAXPROCS-1 goroutines sleep
// this way at once and every other call sleeps through the runtime
// (time.Sleep): the rest of the program always has a P (with GOMAXPROCS=1,
// every call uses the runtime). A signal (the runtime's preemption signal
// among them) ends a raw sleep with EINTR and the goroutine yields, so a
// garbage collection's stop-the-world is never held up for longer than it
// takes to deliver the signal. Meant for sleeps of about a device period.
func SleepUntil(ns int64) {
	if n := rawSleepers.Add(1); int(n) >= runtime.GOMAXPROCS(0) {
		rawSleepers.Add(-1)
		time.Sleep(time.Duration(ns - MonotonicNs()))
		return
	}
	defer rawSleepers.Add(-1)
	ts := unix.NsecToTimespec(ns)
	for {
		_, _, e := unix.RawSyscall6(unix.SYS_CLOCK_NANOSLEEP, unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME,
			uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e != unix.EINTR {
			return
		}
		// A signal: most likely the runtime asking this goroutine to stop
		// (a garbage collection's stop-the-world or stack scan, or
		// sysmon's preemption). Nothing in this loop is a preemption
		// point, so stop at one here, or every other goroutine (a sound
		// device's cgo callback among them) would wait for the rest of
		// the sleep.
		preemptionPoint()
	}
}

// preemptionPoint yields the P, after honouring at its entry any pending
// request to stop this goroutine. runtime.Gosched alone is not enough: it
// has no stack check (it is nosplit), so a stack scan's request to park
// the goroutine (preemptStop) is dropped when the scheduler runs it again,
// and the scan can only catch it in the microseconds it spends runnable.
// Under CPU load that race took a garbage collection hundreds of
// milliseconds while a goroutine slept here. This function's prologue is a
// synchronous preemption point: the compiler gives a stack check to a
// function that is not inlined and calls another.
//
//go:noinline
func preemptionPoint() { runtime.Gosched() }

// SleepUntilInSyscall sleeps until CLOCK_MONOTONIC reaches ns in an
// ordinary blocking system call: the runtime may give the goroutine's P to
// another thread meanwhile, and sends it no preemption signal, so the
// thread wakes only at its deadline and never yields to the scheduler on
// the way. Dearer per wake than SleepUntil (the runtime's syscall
// bookkeeping: 30-37 against 18-23 ms/s for audioproxyd at 8 streams), but
// right for a locked real-time thread, which SleepUntil's yields would hand
// over to ordinary threads about fifty times a second.
func SleepUntilInSyscall(ns int64) {
	ts := unix.NsecToTimespec(ns)
	for {
		_, _, e := unix.Syscall6(unix.SYS_CLOCK_NANOSLEEP, unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME,
			uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e != unix.EINTR {
			return
		}
	}
}

// rawSleepers counts the goroutines in SleepUntil's raw sleep (each holds
// a P).
var rawSleepers atomic.Int32

// SetThreadFIFO makes the calling thread SCHED_FIFO at priority prio
// (1–99) with SCHED_RESET_ON_FORK, so threads it creates (the Go runtime
// may start one from it) start as ordinary SCHED_OTHER threads. The caller
// must be locked to its thread (runtime.LockOSThread). Needs CAP_SYS_NICE
// (or an RLIMIT_RTPRIO allowance).
func SetThreadFIFO(prio int) error {
	attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: uint32(prio), Flags: unix.SCHED_FLAG_RESET_ON_FORK}
	return wrap("sched_setattr SCHED_FIFO", retry(func() error { return unix.SchedSetAttr(0, &attr, 0) }))
}

// SetThreadNormal makes the calling thread SCHED_NORMAL (nice 0) again.
// Lowering a thread's policy needs no privilege.
func SetThreadNormal() error {
	attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_NORMAL}
	return wrap("sched_setattr SCHED_NORMAL", retry(func() error { return unix.SchedSetAttr(0, &attr, 0) }))
}

// ThreadPolicy returns the scheduling policy of the calling thread
// (unix.SCHED_NORMAL, unix.SCHED_FIFO, ...) and whether it has
// SCHED_RESET_ON_FORK.
func ThreadPolicy() (policy int, resetOnFork bool, err error) {
	attr, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		return 0, false, wrap("sched_getattr", err)
	}
	return int(attr.Policy), attr.Flags&unix.SCHED_FLAG_RESET_ON_FORK != 0, nil
}

// Gettid returns the calling thread's id.
func Gettid() int { return unix.Gettid() }
