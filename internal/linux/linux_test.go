package linux

import (
	"droidplex/internal/testutil"
	"errors"
	"os"
	"testing"

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
