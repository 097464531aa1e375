package linux

import (
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SleepUntil sleeps until CLOCK_MONOTONIC reaches ns. When the program has
// more than one P it makes raw clock_nanosleep(TIMER_ABSTIME) calls: the
// thread sleeps in the kernel and the Go scheduler is not involved, so a
// period loop costs one kernel wake per period instead of a runtime timer,
// a netpoll wake, futex hand-offs and a spinning thread (about a quarter of
// the CPU on the project's VM). The calling goroutine keeps its P while it
// sleeps, which the other Ps make harmless; a signal (the runtime's
// preemption signal among them) ends the call with EINTR and the goroutine
// yields, so a garbage collection's stop-the-world is never held up for
// longer than it takes to deliver the signal. With a
// single P, holding it would stop every other goroutine, so it sleeps
// through the runtime (time.Sleep) instead. Meant for sleeps of about a
// device period.
func SleepUntil(ns int64) {
	if runtime.GOMAXPROCS(0) == 1 {
		time.Sleep(time.Duration(ns - MonotonicNs()))
		return
	}
	ts := unix.NsecToTimespec(ns)
	for {
		_, _, e := unix.RawSyscall6(unix.SYS_CLOCK_NANOSLEEP, unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME,
			uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e != unix.EINTR {
			return
		}
		// A signal: most likely the runtime asking this goroutine to stop
		// (a garbage collection's stop-the-world, or sysmon's preemption).
		// Nothing in this loop is a preemption point, so yield here, or
		// every other goroutine (a sound device's cgo callback among them)
		// would wait for the rest of the sleep.
		runtime.Gosched()
	}
}

// SetThreadFIFO makes the calling thread SCHED_FIFO at priority prio
// (1–99) with SCHED_RESET_ON_FORK, so threads it creates (the Go runtime
// may start one from it) start as ordinary SCHED_OTHER threads. The caller
// must be locked to its thread (runtime.LockOSThread). Needs CAP_SYS_NICE
// (or an RLIMIT_RTPRIO allowance).
func SetThreadFIFO(prio int) error {
	attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: uint32(prio), Flags: unix.SCHED_FLAG_RESET_ON_FORK}
	return wrap("sched_setattr SCHED_FIFO", retry(func() error { return unix.SchedSetAttr(0, &attr, 0) }))
}

// ThreadPolicy returns the scheduling policy of the calling thread
// (unix.SCHED_NORMAL, unix.SCHED_FIFO, ...).
func ThreadPolicy() (int, error) {
	attr, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		return 0, wrap("sched_getattr", err)
	}
	return int(attr.Policy), nil
}
