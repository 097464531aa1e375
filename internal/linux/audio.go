package linux

import (
	"encoding/binary"
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// EventfdPoke adds 1 to a non-blocking eventfd's counter with one write(2).
// It neither allocates nor takes a lock, so a real-time audio callback may
// call it; it reports whether the write succeeded (EAGAIN on a saturated
// counter is a failure the caller ignores: the reader is already awake).
//
// The write goes through the runtime's system-call entry, not a raw one: a
// peer sharing the eventfd can make it block (blocking mode and a full
// counter), and a goroutine blocked in a raw system call holds its P, so a
// garbage collection would wait for it for ever and stop the whole process,
// the watchdog that would free the write included.
func EventfdPoke(fd int) bool {
	_, _, e := unix.Syscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&pokeOne)), 8)
	return e == 0
}

// EventfdPokeIfNonBlocking is EventfdPoke for an eventfd whose open file
// description other processes share (and so may switch to blocking mode):
// it first reads the file status flags and writes only if O_NONBLOCK is
// still set. It returns false, without writing, if it is not. Neither call
// allocates; the fcntl, which cannot block, is raw.
func EventfdPokeIfNonBlocking(fd int) bool {
	fl, _, e := unix.RawSyscall(unix.SYS_FCNTL, uintptr(fd), unix.F_GETFL, 0)
	if e != 0 || fl&unix.O_NONBLOCK == 0 {
		return false
	}
	EventfdPoke(fd)
	return true
}

// EventfdDrain empties an eventfd whose open file description other
// processes share, without ever blocking: it puts O_NONBLOCK back on the
// description (a peer may have cleared it) and then reads the counter. It
// returns the counter it read (0 if it was empty). It does not allocate.
func EventfdDrain(fd int) (uint64, error) {
	fl, err := retry2(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0) })
	if err != nil {
		return 0, wrap("fcntl F_GETFL", err)
	}
	if fl&unix.O_NONBLOCK == 0 {
		if _, err := retry2(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl|unix.O_NONBLOCK) }); err != nil {
			return 0, wrap("fcntl F_SETFL", err)
		}
	}
	// Read here, not through EventfdRead: an empty counter (EAGAIN) is the
	// common case and must not cost an *os.SyscallError allocation. A
	// plain loop, no closure: b must stay on the stack even in builds that
	// inline less (-race).
	var b [8]byte
	for {
		_, err = unix.Read(fd, b[:])
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	switch {
	case errors.Is(err, unix.EAGAIN):
		return 0, nil
	case err != nil:
		return 0, wrap("eventfd read", err)
	}
	return binary.NativeEndian.Uint64(b[:]), nil
}

// pokeOne is the 8-byte value EventfdPoke writes; the kernel only reads it.
var pokeOne uint64 = 1

// MonotonicNs returns CLOCK_MONOTONIC in nanoseconds, the clock Android's
// get_presentation_position reports in and the ring header's consumed_ns
// is stamped with. It reads the clock as the runtime does, through the
// vDSO: no system call, so a period loop that calls it does not go
// through the runtime's system-call entry, which wakes the runtime's
// monitor thread (sysmon) out of its idle sleep every time.
// unix.ClockGettime is a real system call. (On Linux the runtime's
// nanotime is CLOCK_MONOTONIC; TestMonotonicNsIsClockMonotonic checks it.)
func MonotonicNs() int64 { return nanotime() }

// nanotime is the runtime's monotonic clock. The runtime keeps this
// linkname working for the many programs that use it (go.dev/issue/67401).
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// NonBlocking reports whether O_NONBLOCK is set on fd's open file
// description (which every holder of a duplicate can change).
func NonBlocking(fd int) (bool, error) {
	fl, err := retry2(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0) })
	if err != nil {
		return false, wrap("fcntl F_GETFL", err)
	}
	return fl&unix.O_NONBLOCK != 0, nil
}
