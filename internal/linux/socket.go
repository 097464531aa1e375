package linux

import (
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

// Chown changes a path's owner; -1 leaves an id unchanged.
func Chown(path string, uid, gid int) error {
	if err := retry(func() error { return unix.Lchown(path, uid, gid) }); err != nil {
		return &os.PathError{Op: "chown", Path: path, Err: err}
	}
	return nil
}
