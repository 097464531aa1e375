package unixsock

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
)

// lockWait bounds how long Listen waits for another Listen of the same
// path (in this or another process) to finish.
const lockWait = 10 * time.Second

// Listen creates a listening socket of kind (Stream or SeqPacket) at path,
// replacing a stale socket file left by an earlier server, and sets the
// file's mode and owner. The parent directory must exist. A non-socket file at
// path is never removed, nor is a live socket: only a socket file whose
// connect is refused (nobody listens on it) is stale. Two servers starting
// at once on the same path are serialised, so exactly one of them gets it.
func Listen(kind, path string, opt ListenOptions) (*net.UnixListener, error) {
	unlock, err := lockPath(path)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	defer unlock()
	if err := removeStale(kind, path); err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	l, err := bind(kind, path)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	afterBind(path)
	if err := settle(l, path, opt); err != nil {
		l.Close()
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	return l, nil
}

// afterBind lets a test look at the socket file before Listen sets its
// owner and mode.
var afterBind = func(path string) {}

// bind makes the listening socket, its file no more open than 0600, and
// unlinks the file when the listener is closed.
func bind(kind, path string) (*net.UnixListener, error) {
	typ := unix.SOCK_STREAM
	if kind == SeqPacket {
		typ = unix.SOCK_SEQPACKET
	}
	f, err := linux.ListenUnix(typ, path, 4096)
	if err != nil {
		return nil, err
	}
	fl, err := net.FileListener(f)
	f.Close()
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	l := fl.(*net.UnixListener)
	l.SetUnlinkOnClose(true)
	return l, nil
}

// removeStale removes the socket file at path if nobody listens on it.
func removeStale(kind, path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("%w: exists and is not a socket", fs.ErrExist)
	}
	c, err := net.Dial(kind, path)
	switch {
	case err == nil:
		c.Close()
		return fmt.Errorf("%w: another server is accepting there", fs.ErrExist)
	case errors.Is(err, unix.ENOENT):
		return nil // removed meanwhile
	case !errors.Is(err, unix.ECONNREFUSED):
		// A live server of another socket type (EPROTOTYPE), one whose
		// backlog is full (EAGAIN), one we may not reach (EACCES): not
		// ours to remove.
		return fmt.Errorf("%w: a socket that may be live is there (%w)", fs.ErrExist, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}

// lockPath serialises Listen's check, removal and bind of path among all
// the processes of this network namespace. The lock is an abstract unix
// socket named after the path: the kernel lets one socket at a time hold
// a name, frees it when the socket is closed or its process dies, and
// leaves no file behind.
//
// Abstract names are per network namespace, so two servers of one path in
// different network namespaces are not serialised: started at the same
// moment on a stale socket, one may remove the other's new socket, and
// both then think they serve the path. droidplex's servers all run in the
// service side's one network namespace, where this cannot happen. A lock
// in the file system (flock on the directory, or a lock file next to the
// socket) would serialise them, but anyone who can open the directory (a
// container, its own socket directory) could then hold the lock and keep
// every server from listening there, which a container with its own
// network namespace cannot do to this lock.
func lockPath(path string) (unlock func(), err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(dir, filepath.Base(abs))
	}
	sum := sha256.Sum256([]byte(abs))
	addr := &net.UnixAddr{Name: "@droidplex/listen/" + hex.EncodeToString(sum[:16]), Net: Stream}
	deadline := time.Now().Add(lockWait)
	for delay := 100 * time.Microsecond; ; delay = min(2*delay, 20*time.Millisecond) {
		l, err := net.ListenUnix(Stream, addr)
		if err == nil {
			return func() { l.Close() }, nil
		}
		if !errors.Is(err, unix.EADDRINUSE) {
			return nil, fmt.Errorf("lock: %w", err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lock: another process has been setting up this socket for %v: %w", lockWait, err)
		}
		time.Sleep(delay)
	}
}
