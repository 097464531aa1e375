package linux

import (
	"encoding/binary"
	"os"

	"golang.org/x/sys/unix"
)

// Eventfd creates an eventfd. flags are EFD_* values.
func Eventfd(initval uint, flags int) (*os.File, error) {
	fd, err := retry2(func() (int, error) { return unix.Eventfd(initval, flags) })
	if err != nil {
		return nil, wrap("eventfd", err)
	}
	return os.NewFile(uintptr(fd), "eventfd"), nil
}

// EventfdWrite adds v to the eventfd counter. It does not allocate.
func EventfdWrite(fd int, v uint64) error {
	var b [8]byte
	binary.NativeEndian.PutUint64(b[:], v)
	_, err := retry2(func() (int, error) { return unix.Write(fd, b[:]) })
	return wrap("eventfd write", err)
}

// EventfdRead reads and resets the eventfd counter (blocking unless the
// descriptor is non-blocking, in which case EAGAIN means zero).
func EventfdRead(fd int) (uint64, error) {
	var b [8]byte
	_, err := retry2(func() (int, error) { return unix.Read(fd, b[:]) })
	if err != nil {
		return 0, wrap("eventfd read", err)
	}
	return binary.NativeEndian.Uint64(b[:]), nil
}
