package unixsock

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
	"droidplex/internal/testutil"
)

// staleSocket leaves a socket file nobody listens on at path, as a crashed
// server would.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	l, err := net.ListenUnix(Stream, &net.UnixAddr{Name: path, Net: Stream})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
}

// Two servers starting at once on a stale socket: exactly one gets the
// path, the other is refused, and the path reaches the winner. Before the
// check, removal and bind were serialised, both could see the stale file,
// the second removed the first's fresh socket and both thought they owned
// the path (the first then served nobody).
func TestConcurrentListenOneWins(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	for i := range 100 {
		path := filepath.Join(dir, "s")
		staleSocket(t, path)
		var (
			wg  sync.WaitGroup
			ls  [2]*net.UnixListener
			err [2]error
		)
		for j := range 2 {
			wg.Go(func() { ls[j], err[j] = Listen(Stream, path, ListenOptions{UID: -1, GID: -1}) })
		}
		wg.Wait()
		won := 0
		var winner *net.UnixListener
		for j := range 2 {
			switch {
			case err[j] == nil:
				won++
				winner = ls[j]
			case !errors.Is(err[j], fs.ErrExist):
				t.Fatalf("round %d: loser's error %v is not ErrExist", i, err[j])
			}
		}
		if won != 1 {
			for _, l := range ls {
				if l != nil {
					l.Close()
				}
			}
			t.Fatalf("round %d: %d servers own %s", i, won, path)
		}
		c, derr := Dial(Stream, path)
		if derr != nil {
			winner.Close()
			t.Fatalf("round %d: the path does not reach the winner: %v", i, derr)
		}
		s, aerr := winner.AcceptUnix()
		c.Close()
		if aerr != nil {
			t.Fatal(aerr)
		}
		s.Close()
		winner.Close()
		if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("round %d: the winner's close left %s: %v", i, path, err)
		}
	}
}

// A live server of another kind (here a stream server where a seqpacket
// one is wanted) refuses the dial with EPROTOTYPE, not ECONNREFUSED: its
// socket is live and must not be taken for stale and removed.
func TestListenNeverStealsALiveSocketOfAnotherKind(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "s")
	live, err := Listen(Stream, path, ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if l, err := Listen(SeqPacket, path, ListenOptions{UID: -1, GID: -1}); err == nil {
		l.Close()
		t.Fatal("a seqpacket listener replaced a live stream server's socket")
	} else if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want ErrExist", err)
	}
	c, err := Dial(Stream, path)
	if err != nil {
		t.Fatalf("the live server lost its socket: %v", err)
	}
	c.Close()
	s, err := live.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// The socket file is closed to everyone but its owner from the moment it
// exists until Listen has given it its owner and mode, whatever the umask:
// before, bind created it with 0777 &^ umask (0777 under umask 0), and a
// client could connect in the window before the chmod.
func TestSocketClosedUntilModeIsSet(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	var seen fs.FileMode
	afterBind = func(path string) {
		if st, err := os.Lstat(path); err == nil {
			seen = st.Mode().Perm()
		}
	}
	defer func() { afterBind = func(string) {} }()
	for _, kind := range []string{Stream, SeqPacket} {
		path := filepath.Join(testutil.RuntimeDir(t), "s")
		l, err := Listen(kind, path, ListenOptions{Mode: 0o666, UID: -1, GID: -1})
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Lstat(path)
		l.Close()
		if err != nil || st.Mode().Perm() != 0o666 {
			t.Fatalf("%s: final mode %v, %v; want 0666", kind, st.Mode(), err)
		}
		if seen&0o077 != 0 {
			t.Errorf("%s: before its mode was set the socket was %v", kind, seen)
		}
	}
}

// A socket file swapped for a symlink after the bind (by anyone who can
// write to the directory: a container, for its own socket directory) is
// refused, and the symlink's target keeps its mode. Before, os.Chmod
// followed the link and made the target as open as the socket (0666).
func TestListenNeverChmodsASymlinkTarget(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	target := filepath.Join(dir, "secret")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	afterBind = func(path string) {
		if err := os.Remove(path); err != nil {
			t.Error(err)
		}
		if err := os.Symlink(target, path); err != nil {
			t.Error(err)
		}
	}
	defer func() { afterBind = func(string) {} }()
	path := filepath.Join(dir, "s")
	if l, err := Listen(Stream, path, ListenOptions{Mode: 0o666, UID: -1, GID: -1}); err == nil {
		l.Close()
		t.Error("Listen accepted a socket file swapped for a symlink")
	}
	if st, err := os.Stat(target); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the symlink's target is now %v, %v; want -rw-------", st.Mode(), err)
	}
}

// A socket file replaced after the bind by a hard link to another file (by
// anyone who can write to the directory: a container, in its own socket
// directory) is refused, and the other file keeps its owner and mode.
// Before, Listen chowned and chmodded whatever the path named by then: a
// hard link is no symlink, so both went through to the other file. The
// other file is a regular file, or another socket of this user's still
// 0600 (as one is during its own Listen) and left with no other name: only
// the identity of the file the bind made tells it apart.
func TestListenNeverChangesAHardLinkedFile(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	uid, gid := -1, -1
	if os.Geteuid() == 0 {
		uid, gid = 4321, 4321 // as root, the owner is set too (and must not go to the other file)
	}
	defer func() { afterBind = func(string) {} }()
	for _, kind := range []string{"file", "socket"} {
		other := filepath.Join(dir, "other-"+kind)
		if kind == "file" {
			if err := os.WriteFile(other, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			if !boundFileKnown(t) {
				testutil.Skip(t, "telling two sockets of one user apart needs unix_diag (CONFIG_UNIX_DIAG)")
			}
			staleSocket(t, other)
			if err := os.Chmod(other, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// Keep hold of the other file: Listen's clean-up removes its last name.
		held, err := os.OpenFile(other, unix.O_PATH|unix.O_NOFOLLOW, 0)
		if err != nil {
			t.Fatal(err)
		}
		before, err := held.Stat()
		if err != nil {
			t.Fatal(err)
		}
		afterBind = func(path string) {
			for _, err := range []error{os.Remove(path), os.Link(other, path), os.Remove(other)} {
				if err != nil {
					t.Error(err)
				}
			}
		}
		path := filepath.Join(dir, "s")
		l, err := Listen(Stream, path, ListenOptions{Mode: 0o666, UID: uid, GID: gid})
		if err == nil {
			l.Close()
			t.Errorf("%s: Listen accepted a socket file replaced by a hard link", kind)
		} else if !strings.Contains(err.Error(), "replaced") {
			t.Errorf("%s: err = %v, want it to say the file was replaced", kind, err)
		}
		after, err := held.Stat()
		held.Close()
		if err != nil {
			t.Fatal(err)
		}
		bs, as := before.Sys().(*syscall.Stat_t), after.Sys().(*syscall.Stat_t)
		if after.Mode() != before.Mode() || as.Uid != bs.Uid || as.Gid != bs.Gid {
			t.Errorf("%s: the hard-linked file went from %v %d:%d to %v %d:%d", kind,
				before.Mode(), bs.Uid, bs.Gid, after.Mode(), as.Uid, as.Gid)
		}
		os.Remove(path)
	}
	// Left alone, the socket gets its owner and mode.
	afterBind = func(string) {}
	path := filepath.Join(dir, "s")
	l, err := Listen(Stream, path, ListenOptions{Mode: 0o666, UID: uid, GID: gid})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := st.Sys().(*syscall.Stat_t); st.Mode().Perm() != 0o666 || (uid >= 0 && (s.Uid != uint32(uid) || s.Gid != uint32(gid))) {
		t.Errorf("the socket is %v %d:%d", st.Mode(), s.Uid, s.Gid)
	}
}

// boundFileKnown reports whether the kernel tells which file a socket's
// bind made (sock_diag's unix family).
func boundFileKnown(t *testing.T) bool {
	l, err := net.ListenUnix(Stream, &net.UnixAddr{Name: filepath.Join(testutil.RuntimeDir(t), "probe"), Net: Stream})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rc, err := l.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = linux.UnixBoundFile(rc)
	return err == nil
}

// Where the kernel cannot tell which file a socket's bind made (no
// unix_diag), Listen still sets a socket's mode, and still refuses a
// socket file replaced by a hard link to a regular file.
func TestListenWithoutUnixDiag(t *testing.T) {
	boundFile = func(syscall.RawConn) (uint64, uint32, error) { return 0, 0, unix.ENOENT }
	defer func() { boundFile, afterBind = linux.UnixBoundFile, func(string) {} }()
	dir := testutil.RuntimeDir(t)
	path := filepath.Join(dir, "s")
	l, err := Listen(Stream, path, ListenOptions{Mode: 0o666, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Lstat(path)
	l.Close()
	if err != nil || st.Mode().Perm() != 0o666 {
		t.Fatalf("mode %v, %v; want 0666", st.Mode(), err)
	}
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	afterBind = func(path string) {
		if err := os.Remove(path); err != nil {
			t.Error(err)
		}
		if err := os.Link(other, path); err != nil {
			t.Error(err)
		}
	}
	if l, err := Listen(Stream, path, ListenOptions{Mode: 0o666, UID: -1, GID: -1}); err == nil {
		l.Close()
		t.Error("Listen accepted a socket file replaced by a hard link")
	}
	if st, err := os.Stat(other); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the hard-linked file is now %v, %v; want -rw-------", st.Mode(), err)
	}
}
