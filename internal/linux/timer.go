package linux

import (
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Timer is a CLOCK_MONOTONIC timerfd that a goroutine sleeps on through the
// runtime's network poller: SleepUntil parks the goroutine, its P goes
// idle, and the thread that polls the network wakes it at the deadline.
//
// For a period loop in a daemon this is the cheapest sleep the runtime
// offers. A goroutine in a raw clock_nanosleep (SleepUntil) holds its P,
// so the runtime's monitor thread (sysmon) never idles: it finds the same
// goroutine "running" for 10 ms, signals it to preempt it and keeps
// polling every 20 µs to 10 ms, hundreds of wake-ups a second in an
// otherwise idle audioproxyd. A Go timer (time.Sleep) wakes another
// thread to spin each time it readies the sleeper. With a Timer the
// monitor sleeps until the program's next Go timer, and a period costs
// the poller's one wake-up. Arming and reading the timerfd are raw system
// calls (they never block), so they do not wake the monitor either.
//
// One goroutine sleeps on a Timer at a time. Close may be called from any
// goroutine; it ends a sleep in progress.
type Timer struct {
	f      *os.File
	rc     syscall.RawConn
	closed atomic.Bool
	at     unix.ItimerSpec
	cnt    [8]byte
	err    syscall.Errno
	arm    func(uintptr)
	fire   func(uintptr) bool
}

// NewTimer returns an unarmed Timer.
func NewTimer() (*Timer, error) {
	fd, err := retry2(func() (int, error) {
		return unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	})
	if err != nil {
		return nil, wrap("timerfd_create", err)
	}
	f := os.NewFile(uintptr(fd), "timerfd") // non-blocking: os registers it with the poller
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	t := &Timer{f: f, rc: rc}
	t.arm, t.fire = t.armAt, t.expired // method values made once: SleepUntil allocates nothing
	return t, nil
}

// SleepUntil sleeps until CLOCK_MONOTONIC (MonotonicNs) reaches ns; a
// deadline already past returns at once. It fails only if the Timer is
// closed (before or during the sleep) or ns is negative.
func (t *Timer) SleepUntil(ns int64) error {
	t.at.Value = unix.NsecToTimespec(ns)
	t.err = 0
	if err := t.rc.Control(t.arm); err != nil {
		return t.wrapErr(err)
	}
	if t.err != 0 {
		return wrap("timerfd_settime", t.err)
	}
	if err := t.rc.Read(t.fire); err != nil {
		return t.wrapErr(err)
	}
	if t.err != 0 {
		return wrap("read timerfd", t.err)
	}
	return nil
}

// armAt sets the timer to t.at, absolute. Setting it also clears any
// expiry not yet read, so a sleep never ends on an earlier deadline's.
func (t *Timer) armAt(fd uintptr) {
	_, _, e := unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, fd, unix.TFD_TIMER_ABSTIME,
		uintptr(unsafe.Pointer(&t.at)), 0, 0, 0)
	t.err = e
}

// expired reads the expiry count: false (park until the poller says the
// timerfd is readable) while the timer has not fired.
func (t *Timer) expired(fd uintptr) bool {
	_, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&t.cnt[0])), uintptr(len(t.cnt)))
	if e == unix.EAGAIN || e == unix.EINTR {
		return false
	}
	t.err = e
	return true
}

// wrapErr says os.ErrClosed for the poller's own "closing" error, which
// the os package does not export.
func (t *Timer) wrapErr(err error) error {
	if t.closed.Load() {
		err = os.ErrClosed
	}
	return fmt.Errorf("timerfd: %w", err)
}

// Close releases the timerfd, ending a sleep in progress.
func (t *Timer) Close() error {
	t.closed.Store(true)
	return t.f.Close()
}
