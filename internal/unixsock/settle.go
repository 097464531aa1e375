package unixsock

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"

	"droidplex/internal/linux"
)

// ErrReplaced is Listen's error when the socket file was replaced between
// the bind and the setting of its owner and mode.
var ErrReplaced = errors.New("unixsock: the socket file was replaced after the bind")

// settle gives the file bind made its owner and then its mode (0600 until
// then, so the clients the mode lets in are those of the final owner and
// group). Whoever can write to the directory (a container, in its own
// socket directory) may have put another file at path since the bind: a
// symlink, or a hard link to a file of theirs or to another socket. So
// the changes go through a descriptor of the file at path, opened without
// following a symlink, and only once it is known to be the file the bind
// made: by the kernel's record of the socket's file (sock_diag), or, where
// the kernel keeps no such record (no CONFIG_UNIX_DIAG), by its being a
// socket with one name, this user's and still 0600, which a hard link
// made by anyone else cannot be (with fs.protected_hardlinks, the default,
// no one but its owner may link a socket).
func settle(l *net.UnixListener, path string, opt ListenOptions) error {
	f, err := linux.OpenPath(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := madeByBind(l, f); err != nil {
		return err
	}
	if opt.UID >= 0 || opt.GID >= 0 {
		if err := linux.ChownFile(f, opt.UID, opt.GID); err != nil {
			return err
		}
	}
	mode := opt.Mode
	if mode == 0 {
		mode = 0o660
	}
	return linux.ChmodFile(f, uint32(mode.Perm()))
}

// boundFile is linux.UnixBoundFile; a test makes it fail, as it does
// without unix_diag.
var boundFile = linux.UnixBoundFile

// madeByBind checks that f is the file binding l made.
func madeByBind(l *net.UnixListener, f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || fi.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("%w: %v is no socket", ErrReplaced, fi.Mode())
	}
	rc, err := l.SyscallConn()
	if err != nil {
		return err
	}
	if dev, ino, err := boundFile(rc); err == nil {
		if dev != st.Dev || ino != uint32(st.Ino) {
			return fmt.Errorf("%w: it is another socket", ErrReplaced)
		}
		return nil
	}
	if st.Uid != uint32(linux.Geteuid()) || st.Nlink != 1 || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%w: a socket %v of uid %d with %d names", ErrReplaced, fi.Mode().Perm(), st.Uid, st.Nlink)
	}
	return nil
}
