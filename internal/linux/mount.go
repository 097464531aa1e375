package linux

import (
	"os"

	"golang.org/x/sys/unix"
)

// Mount mounts source on target.
func Mount(source, target, fstype string, flags uintptr, data string) error {
	err := retry(func() error { return unix.Mount(source, target, fstype, flags, data) })
	if err != nil {
		return &os.PathError{Op: "mount " + fstype, Path: target, Err: err}
	}
	return nil
}

// Unmount unmounts target. flags are MNT_* / UMOUNT_* values.
func Unmount(target string, flags int) error {
	err := retry(func() error { return unix.Unmount(target, flags) })
	if err != nil {
		return &os.PathError{Op: "umount", Path: target, Err: err}
	}
	return nil
}

// Mknod creates a device node.
func Mknod(path string, mode uint32, dev int) error {
	err := retry(func() error { return unix.Mknod(path, mode, dev) })
	if err != nil {
		return &os.PathError{Op: "mknod", Path: path, Err: err}
	}
	return nil
}

// Mkdev builds a device number from major and minor.
func Mkdev(major, minor uint32) uint64 { return unix.Mkdev(major, minor) }
