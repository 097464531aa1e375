package unixsock

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

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
