package linux

import (
	"os"

	"golang.org/x/sys/unix"
)

// TryLock takes an exclusive flock on f without waiting; it fails with
// EWOULDBLOCK when another open file description holds it. The lock goes
// with the last close of f.
func TryLock(f *os.File) error {
	return wrap("flock", retry(func() error { return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) }))
}

// SetChildSubreaper makes the calling process the reaper of its orphaned
// descendants (PR_SET_CHILD_SUBREAPER): a process whose parent dies is
// reparented to it instead of to init, so it can find and stop them.
func SetChildSubreaper() error {
	return wrap("prctl", unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
}

// Reap waits for the child pid to end, without waiting when hang is false;
// it reports whether the child was reaped.
func Reap(pid int, hang bool) (bool, error) {
	opt := unix.WNOHANG
	if hang {
		opt = 0
	}
	got, err := retry2(func() (int, error) { return unix.Wait4(pid, nil, opt, nil) })
	return got == pid, wrap("wait4", err)
}
