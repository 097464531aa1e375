package linux

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"droidplex/internal/testutil"

	"golang.org/x/sys/unix"
)

func TestMemfdSealsAndMmap(t *testing.T) {
	f, err := MemfdCreate("t", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Ftruncate(f, 4096); err != nil {
		t.Fatal(err)
	}
	if err := AddSeals(f, unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_SEAL); err != nil {
		t.Fatal(err)
	}
	s, err := Seals(f)
	if err != nil || s&unix.F_SEAL_GROW == 0 || s&unix.F_SEAL_SHRINK == 0 {
		t.Fatalf("seals = %#x, %v", s, err)
	}
	if err := Ftruncate(f, 8192); !errors.Is(err, unix.EPERM) {
		t.Fatalf("grow of a sealed memfd: err = %v, want EPERM", err)
	}
	b, err := Mmap(f, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	b[0] = 7
	if err := Munmap(b); err != nil {
		t.Fatal(err)
	}
	if n, _ := FileSize(f); n != 4096 {
		t.Fatalf("size = %d", n)
	}
}

func TestEventfd(t *testing.T) {
	f, err := Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	if _, err := EventfdRead(fd); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("empty read err = %v, want EAGAIN", err)
	}
	_ = EventfdWrite(fd, 2)
	_ = EventfdWrite(fd, 3)
	if v, err := EventfdRead(fd); err != nil || v != 5 {
		t.Fatalf("read = %d, %v", v, err)
	}
	var se *os.SyscallError
	if _, err := EventfdRead(fd); !errors.As(err, &se) {
		t.Fatalf("error %T is not an *os.SyscallError", err)
	}
}

// A peer sharing the eventfd may switch it to blocking mode and empty it:
// EventfdDrain must still return at once, and leave it non-blocking.
func TestEventfdDrainNeverBlocks(t *testing.T) {
	f, err := Eventfd(0, unix.EFD_CLOEXEC) // blocking, as a hostile peer leaves it
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	_ = EventfdWrite(fd, 7)
	type res struct {
		v   uint64
		err error
	}
	done := make(chan res, 2)
	go func() {
		v, err := EventfdDrain(fd)
		done <- res{v, err}
		v, err = EventfdDrain(fd) // now empty
		done <- res{v, err}
	}()
	for _, want := range []uint64{7, 0} {
		select {
		case r := <-done:
			if r.err != nil || r.v != want {
				t.Fatalf("drain = %d, %v; want %d", r.v, r.err, want)
			}
		case <-time.After(5 * time.Second): // a hang guard
			t.Fatal("EventfdDrain blocked on an empty blocking eventfd")
		}
	}
	if nb, err := NonBlocking(fd); err != nil || !nb {
		t.Fatalf("non-blocking after drain = %v, %v", nb, err)
	}
}

func TestNamespaceInode(t *testing.T) {
	a, err := NamespaceInode(0, "pid")
	if err != nil {
		t.Fatal(err)
	}
	b, err := NamespaceInode(os.Getpid(), "pid")
	if err != nil || a != b || a == 0 {
		t.Fatalf("self %d, pid %d, %v", a, b, err)
	}
	if _, err := NamespaceInode(0, "nosuch"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

func TestMain(m *testing.M) { testutil.Main(m) }

// UnixBoundFile names the file a socket's bind made, as stat does, and says
// so when there is none.
func TestUnixBoundFile(t *testing.T) {
	path := testutil.RuntimeDir(t) + "/s"
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rc, err := l.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	dev, ino, err := UnixBoundFile(rc)
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	if dev != st.Dev || ino != uint32(st.Ino) {
		t.Fatalf("bound file %d:%d, stat says %d:%d", dev, ino, st.Dev, st.Ino)
	}
	a, err := net.ListenUnix("unix", &net.UnixAddr{Name: "@droidplex-test-unbound", Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if rc, err = a.SyscallConn(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := UnixBoundFile(rc); !errors.Is(err, ErrNotBound) {
		t.Fatalf("abstract socket: err = %v, want ErrNotBound", err)
	}
}
