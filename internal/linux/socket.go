package linux

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Cred is a socket peer's credentials as the kernel recorded them at
// connect time. PID is in the listener's pid namespace.
type Cred struct {
	PID int32
	UID uint32
	GID uint32
}

// PeerCred reads SO_PEERCRED from a connected unix socket.
func PeerCred(rc syscall.RawConn) (Cred, error) {
	var (
		uc   *unix.Ucred
		oerr error
	)
	if err := rc.Control(func(fd uintptr) {
		uc, oerr = retry2(func() (*unix.Ucred, error) {
			return unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
		})
	}); err != nil {
		return Cred{}, err
	}
	if oerr != nil {
		return Cred{}, wrap("getsockopt SO_PEERCRED", oerr)
	}
	return Cred{PID: uc.Pid, UID: uc.Uid, GID: uc.Gid}, nil
}

// ListenUnix creates a unix socket of type typ (unix.SOCK_STREAM or
// unix.SOCK_SEQPACKET), close-on-exec, binds it at path and listens. The
// socket file appears with permission bits 0600 at most, whatever the
// umask: Linux gives the file bind creates the socket inode's mode, which
// is set first. So nobody but the owner can connect before the caller
// gives the file its real owner and mode.
func ListenUnix(typ int, path string, backlog int) (*os.File, error) {
	fd, err := retry2(func() (int, error) { return unix.Socket(unix.AF_UNIX, typ|unix.SOCK_CLOEXEC, 0) })
	if err != nil {
		return nil, wrap("socket", err)
	}
	if err := retry(func() error { return unix.Fchmod(fd, 0o600) }); err != nil {
		unix.Close(fd)
		return nil, wrap("fchmod socket", err)
	}
	if err := retry(func() error { return unix.Bind(fd, &unix.SockaddrUnix{Name: path}) }); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "bind", Path: path, Err: err}
	}
	if err := retry(func() error { return unix.Listen(fd, backlog) }); err != nil {
		unix.Close(fd)
		_ = unix.Unlink(path)
		return nil, wrap("listen", err)
	}
	return os.NewFile(uintptr(fd), path), nil
}

// soPeerPidfd is SO_PEERPIDFD (Linux 6.5; asm-generic value, which x86,
// arm and riscv use), not yet in x/sys.
const soPeerPidfd = 77

// ErrPeerGone is PeerPidfd's error when the process that connected no
// longer exists.
var ErrPeerGone = errors.New("the socket's peer process has exited")

// PeerPidfd returns a pidfd for the process that connected the unix socket
// (SO_PEERPIDFD): unlike SO_PEERCRED's pid, it can never name another
// process, even after the peer has exited and its pid been reused. A peer
// that is gone gives ErrPeerGone; a kernel before 6.5 gives an
// ENOPROTOOPT *os.SyscallError.
func PeerPidfd(rc syscall.RawConn) (*os.File, error) {
	var (
		fd   int
		oerr error
	)
	if err := rc.Control(func(s uintptr) {
		fd, oerr = retry2(func() (int, error) { return unix.GetsockoptInt(int(s), unix.SOL_SOCKET, soPeerPidfd) })
	}); err != nil {
		return nil, err
	}
	switch {
	case errors.Is(oerr, unix.ESRCH), errors.Is(oerr, unix.EINVAL):
		return nil, ErrPeerGone
	case oerr != nil:
		return nil, wrap("getsockopt SO_PEERPIDFD", oerr)
	}
	_ = CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "pidfd"), nil
}

// PidfdExited reports whether the process behind pidfd has exited.
func PidfdExited(pidfd *os.File) (bool, error) {
	fds := []unix.PollFd{{Fd: int32(pidfd.Fd()), Events: unix.POLLIN}}
	n, err := Poll(fds, 0)
	return n > 0, err
}
