package linux

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// binderfsDevice mirrors struct binderfs_device (linux/android/binderfs.h).
type binderfsDevice struct {
	Name  [256]byte
	Major uint32
	Minor uint32
}

// binderCtlAdd is BINDER_CTL_ADD: _IOWR('b', 1, struct binderfs_device).
const binderCtlAdd = (3 << 30) | (uint(unsafe.Sizeof(binderfsDevice{})) << 16) | ('b' << 8) | 1

// BinderCtlAdd allocates a binder device called name through a binderfs
// instance's binder-control descriptor and returns its device number.
func BinderCtlAdd(control *os.File, name string) (major, minor uint32, err error) {
	var d binderfsDevice
	if len(name) >= len(d.Name) {
		return 0, 0, os.NewSyscallError("ioctl BINDER_CTL_ADD", unix.ENAMETOOLONG)
	}
	copy(d.Name[:], name)
	if err := IoctlPtr(int(control.Fd()), binderCtlAdd, unsafe.Pointer(&d)); err != nil {
		return 0, 0, err
	}
	return d.Major, d.Minor, nil
}

// PidfdOpen returns a pidfd for pid: it becomes readable when pid exits,
// whether or not pid is the caller's child.
func PidfdOpen(pid int) (*os.File, error) {
	fd, err := retry2(func() (int, error) { return unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK) })
	if err != nil {
		return nil, wrap("pidfd_open", err)
	}
	return os.NewFile(uintptr(fd), "pidfd"), nil
}

// PidfdWait blocks until the process behind pidfd has exited.
func PidfdWait(pidfd *os.File) error {
	fds := []unix.PollFd{{Fd: int32(pidfd.Fd()), Events: unix.POLLIN}}
	_, err := Poll(fds, -1)
	return err
}

// Exec replaces the calling process with argv[0].
func Exec(argv, env []string) error {
	return wrap("execve", unix.Exec(argv[0], argv, env))
}

// DeviceNumber splits a stat rdev into major and minor.
func DeviceNumber(rdev uint64) (major, minor uint32) {
	return unix.Major(rdev), unix.Minor(rdev)
}

// CloseOnExec marks fd close-on-exec.
func CloseOnExec(fd int) error {
	_, err := retry2(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC) })
	return wrap("fcntl F_SETFD", err)
}

// SetNice sets the nice value of process pid (0: the caller).
func SetNice(pid, nice int) error {
	return wrap("setpriority", unix.Setpriority(unix.PRIO_PROCESS, pid, nice))
}

// Nice returns the caller's nice value.
func Nice() (int, error) {
	// The raw syscall returns 20 - nice, so that it is never negative.
	p, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err != nil {
		return 0, wrap("getpriority", err)
	}
	return 20 - p, nil
}

// OpenInRoot opens dir (a path relative to root, resolved as if root were
// "/": absolute symlinks and ".." stay inside it) as an O_PATH directory
// descriptor. It is how the host reaches into a container's /dev through
// /proc/<pid>/root without following the container's links out of it.
func OpenInRoot(root *os.File, dir string) (*os.File, error) {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	fd, err := retry2(func() (int, error) { return unix.Openat2(int(root.Fd()), dir, &how) })
	if err != nil {
		return nil, &os.PathError{Op: "openat2", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// MkdirAt creates directory name in dir.
func MkdirAt(dir *os.File, name string, perm uint32) error {
	err := retry(func() error { return unix.Mkdirat(int(dir.Fd()), name, perm) })
	if err != nil {
		return &os.PathError{Op: "mkdirat", Path: name, Err: err}
	}
	return nil
}

// MknodAt creates the device node name in dir, then sets its permission
// bits to perm (mknod honours the umask) through the node itself, never
// through a path the container could swap for a link.
func MknodAt(dir *os.File, name string, mode uint32, dev uint64, perm uint32) error {
	err := retry(func() error { return unix.Mknodat(int(dir.Fd()), name, mode|perm, int(dev)) })
	if err != nil {
		return &os.PathError{Op: "mknodat", Path: name, Err: err}
	}
	fd, err := retry2(func() (int, error) {
		return unix.Openat(int(dir.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	})
	if err != nil {
		return &os.PathError{Op: "openat", Path: name, Err: err}
	}
	defer unix.Close(fd)
	err = retry(func() error { return unix.Fchmodat(unix.AT_FDCWD, fmt.Sprintf("/proc/self/fd/%d", fd), perm, 0) })
	if err != nil {
		return &os.PathError{Op: "chmod", Path: name, Err: err}
	}
	return nil
}

// LstatAt returns the file type bits and device number of name in dir,
// without following a link.
func LstatAt(dir *os.File, name string) (mode uint32, rdev uint64, err error) {
	var st unix.Stat_t
	err = retry(func() error { return unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) })
	if err != nil {
		return 0, 0, &os.PathError{Op: "fstatat", Path: name, Err: err}
	}
	return st.Mode & unix.S_IFMT, st.Rdev, nil
}

// UnlinkAt removes the (non-directory) entry name from dir.
func UnlinkAt(dir *os.File, name string) error {
	err := retry(func() error { return unix.Unlinkat(int(dir.Fd()), name, 0) })
	if err != nil {
		return &os.PathError{Op: "unlinkat", Path: name, Err: err}
	}
	return nil
}
