package unixsock

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestListenModeAndPeerCred(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "s")
	l, err := Listen(Stream, path, ListenOptions{Mode: 0o666, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o666 || st.Mode()&fs.ModeSocket == 0 {
		t.Fatalf("mode = %v, %v", st.Mode(), err)
	}
	c, err := Dial(Stream, path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := l.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cr, err := PeerCred(s)
	if err != nil {
		t.Fatal(err)
	}
	if int(cr.PID) != os.Getpid() || int(cr.UID) != os.Geteuid() {
		t.Fatalf("cred = %+v", cr)
	}
}

func TestListenRefusesLiveAndReplacesStale(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	path := filepath.Join(dir, "s")
	l, err := Listen(SeqPacket, path, ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(SeqPacket, path, ListenOptions{UID: -1, GID: -1}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second listener: err = %v, want ErrExist", err)
	}
	// Leave a stale socket file behind, as a crashed server would.
	l.SetUnlinkOnClose(false)
	l.Close()
	l2, err := Listen(SeqPacket, path, ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	l2.Close()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, nil, 0o600)
	if _, err := Listen(Stream, plain, ListenOptions{UID: -1, GID: -1}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("regular file: err = %v", err)
	}
	if _, err := os.Stat(plain); err != nil {
		t.Fatal("Listen removed a regular file")
	}
}

func TestSendRecvFdsSeqPacket(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "s")
	l, err := Listen(SeqPacket, path, ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := Dial(SeqPacket, path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := l.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	if err := SendFds(s, []byte("hello"), r, w); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, files, err := RecvFds(c, buf, 2)
	if err != nil || string(buf[:n]) != "hello" || len(files) != 2 {
		t.Fatalf("recv: %q %d files %v", buf[:n], len(files), err)
	}
	files[1].Write([]byte("x"))
	got := make([]byte, 1)
	files[0].Read(got)
	if got[0] != 'x' {
		t.Fatal("received descriptors do not refer to the pipe")
	}
	for _, f := range files {
		f.Close()
	}

	// Too many descriptors: all closed, error returned.
	if err := SendFds(s, []byte("x"), r, w); err != nil {
		t.Fatal(err)
	}
	if _, files, err := RecvFds(c, buf, 1); !errors.Is(err, ErrTooManyFds) || files != nil {
		t.Fatalf("err = %v files = %v", err, files)
	}
	// A message larger than the buffer is reported, not silently cut.
	if err := SendFds(s, make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := RecvFds(c, buf, 1); !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	s.Close()
	if _, _, err := RecvFds(c, buf, 1); !errors.Is(err, io.EOF) {
		t.Fatalf("after close: err = %v, want EOF", err)
	}
}

// Far more descriptors than asked for: the kernel truncates the control
// data (MSG_CTRUNC) and RecvFds closes what did arrive (testutil.Main
// fails the package if any leaked); the next message is read intact.
func TestRecvFdsControlTruncated(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "s")
	l, err := Listen(SeqPacket, path, ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := Dial(SeqPacket, path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := l.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	if err := SendFds(s, []byte("many"), r, w, r, w, r, w, r, w); err != nil {
		t.Fatal(err)
	}
	if err := SendFds(s, []byte("next")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	if n, files, err := RecvFds(c, buf, 1); !errors.Is(err, ErrTruncated) || files != nil || string(buf[:n]) != "many" {
		t.Fatalf("8 descriptors for 1: %q %v %v", buf[:n], files, err)
	}
	if n, files, err := RecvFds(c, buf, 1); err != nil || len(files) != 0 || string(buf[:n]) != "next" {
		t.Fatalf("next message: %q %v %v", buf[:n], files, err)
	}
}
