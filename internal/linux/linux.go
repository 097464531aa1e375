package linux

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// wrap turns a raw errno into an *os.SyscallError named after the call.
func wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	return os.NewSyscallError(name, err)
}

// Ioctl issues an ioctl whose argument is an integer.
func Ioctl(fd int, req uint, arg uintptr) error {
	return wrap("ioctl", retry(func() error {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), arg)
		if e != 0 {
			return e
		}
		return nil
	}))
}

// IoctlPtr issues an ioctl whose argument points at memory the kernel reads
// or fills.
func IoctlPtr(fd int, req uint, arg unsafe.Pointer) error {
	return Ioctl(fd, req, uintptr(arg))
}

// Close closes a raw descriptor.
func Close(fd int) error {
	// close(2) must not be retried on EINTR: the descriptor is gone either way.
	return wrap("close", unix.Close(fd))
}

// Read reads from a raw descriptor.
func Read(fd int, p []byte) (int, error) {
	n, err := retry2(func() (int, error) { return unix.Read(fd, p) })
	return n, wrap("read", err)
}

// Write writes to a raw descriptor.
func Write(fd int, p []byte) (int, error) {
	n, err := retry2(func() (int, error) { return unix.Write(fd, p) })
	return n, wrap("write", err)
}

// Poll waits for events on fds; timeoutMs < 0 waits forever. A signal
// does not lengthen the wait: after EINTR it polls again for what is left
// of timeoutMs.
func Poll(fds []unix.PollFd, timeoutMs int) (int, error) {
	if timeoutMs <= 0 {
		n, err := retry2(func() (int, error) { return unix.Poll(fds, timeoutMs) })
		return n, wrap("poll", err)
	}
	deadline := MonotonicNs() + int64(timeoutMs)*1e6
	for {
		n, err := unix.Poll(fds, timeoutMs)
		if !errors.Is(err, unix.EINTR) {
			return n, wrap("poll", err)
		}
		left := deadline - MonotonicNs()
		if left <= 0 {
			return 0, nil
		}
		timeoutMs = int((left + 999_999) / 1_000_000)
	}
}

// Getpid returns the caller's process id.
func Getpid() int { return unix.Getpid() }

// Geteuid returns the caller's effective user id.
func Geteuid() int { return unix.Geteuid() }

// Kill sends sig to pid.
func Kill(pid int, sig unix.Signal) error { return wrap("kill", unix.Kill(pid, sig)) }

// Uname returns the kernel release string.
func Uname() (release string, err error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "", wrap("uname", err)
	}
	return unix.ByteSliceToString(u.Release[:]), nil
}

// Unshare moves the caller into new namespaces.
func Unshare(flags int) error { return wrap("unshare", unix.Unshare(flags)) }
