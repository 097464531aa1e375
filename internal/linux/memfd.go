package linux

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// MemfdCreate creates an anonymous memory file. flags are MFD_* values.
func MemfdCreate(name string, flags int) (*os.File, error) {
	fd, err := retry2(func() (int, error) { return unix.MemfdCreate(name, flags) })
	if err != nil {
		return nil, wrap("memfd_create", err)
	}
	return os.NewFile(uintptr(fd), "memfd:"+name), nil
}

// AddSeals adds F_SEAL_* seals to a memfd.
func AddSeals(f *os.File, seals int) error {
	_, err := retry2(func() (int, error) { return unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals) })
	return wrap("fcntl F_ADD_SEALS", err)
}

// Seals returns the seals set on a memfd.
func Seals(f *os.File) (int, error) {
	s, err := retry2(func() (int, error) { return unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0) })
	return s, wrap("fcntl F_GET_SEALS", err)
}

// Ftruncate sets a file's size.
func Ftruncate(f *os.File, size int64) error {
	return wrap("ftruncate", retry(func() error { return unix.Ftruncate(int(f.Fd()), size) }))
}

// FileSize returns the size fstat reports for f.
func FileSize(f *os.File) (int64, error) {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstat(int(f.Fd()), &st) }); err != nil {
		return 0, wrap("fstat", err)
	}
	return st.Size, nil
}

// Mmap maps length bytes of f at offset. The mapping outlives f's descriptor;
// release it with Munmap.
func Mmap(f *os.File, offset int64, length int, prot, flags int) ([]byte, error) {
	if length <= 0 {
		return nil, fmt.Errorf("mmap: invalid length %d", length)
	}
	b, err := unix.Mmap(int(f.Fd()), offset, length, prot, flags)
	return b, wrap("mmap", err)
}

// Munmap releases a mapping made by Mmap.
func Munmap(b []byte) error { return wrap("munmap", unix.Munmap(b)) }
