package container

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"droidplex/container/spec"
	"droidplex/internal/linux"
	"droidplex/kernel"
)

// OSHost is the real Host.
type OSHost struct {
	// Filesystems is read to learn whether the kernel has binderfs
	// ("" means /proc/filesystems).
	Filesystems string
}

// MkdirAll implements Host.
func (OSHost) MkdirAll(path string) error { return os.MkdirAll(path, 0o755) }

// Symlink implements Host.
func (OSHost) Symlink(target, link string) error {
	if cur, err := os.Readlink(link); err == nil && cur == target {
		return nil
	}
	if err := os.Remove(link); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Symlink(target, link)
}

// Device implements Host: the node keeps its host path inside the container.
func (OSHost) Device(path string) (spec.Device, error) {
	st, err := os.Stat(path)
	if err != nil {
		return spec.Device{}, err
	}
	d := spec.Device{Host: path, Path: path}
	switch {
	case st.Mode()&fs.ModeCharDevice != 0:
		d.Type = 'c'
	case st.Mode()&fs.ModeDevice != 0:
		d.Type = 'b'
	default:
		return spec.Device{}, fmt.Errorf("%s: not a device node", path)
	}
	d.Major, d.Minor = linux.DeviceNumber(uint64(st.Sys().(*syscall.Stat_t).Rdev))
	return d, nil
}

// Binder implements Host: it mounts a binderfs instance at dir and
// allocates the binder, hwbinder and vndbinder devices in it.
func (h OSHost) Binder(dir string) ([]spec.Device, func(), error) {
	fsList := h.Filesystems
	if fsList == "" {
		fsList = "/proc/filesystems"
	}
	b, err := os.ReadFile(fsList)
	if err != nil {
		return nil, nil, fmt.Errorf("binderfs: %w", err)
	}
	if !bytes.Contains(b, []byte("\tbinder\n")) {
		return nil, nil, &kernel.NotSupportedError{Feature: "binderfs", Fix: "CONFIG_ANDROID_BINDERFS=y"}
	}
	if err := linux.Mount("binder", dir, "binder", unix.MS_NOSUID|unix.MS_NOEXEC, ""); err != nil {
		return nil, nil, err
	}
	undo := func() { _ = linux.Unmount(dir, unix.MNT_DETACH) }
	devs, err := allocBinders(dir)
	if err != nil {
		undo()
		return nil, nil, err
	}
	return devs, undo, nil
}

// UnmountBinder implements Host: only a binderfs mount is taken away.
func (OSHost) UnmountBinder(dir string) {
	if t, err := linux.Statfs(dir); err == nil && t == unix.BINDERFS_SUPER_MAGIC {
		_ = linux.Unmount(dir, unix.MNT_DETACH)
	}
}

func allocBinders(dir string) ([]spec.Device, error) {
	ctl, err := os.Open(filepath.Join(dir, "binder-control"))
	if err != nil {
		return nil, err
	}
	defer ctl.Close()
	var devs []spec.Device
	for _, n := range spec.BinderDevices {
		ma, mi, err := linux.BinderCtlAdd(ctl, n)
		if errors.Is(err, unix.EEXIST) {
			// Kernels built with CONFIG_ANDROID_BINDER_DEVICES (mainline's
			// default: binder,hwbinder,vndbinder) create these in every new
			// binderfs mount: use the one that is there.
			ma, mi, err = existingDevice(filepath.Join(dir, n))
		}
		if err != nil {
			return nil, fmt.Errorf("allocate %s: %w", n, err)
		}
		devs = append(devs, spec.Device{Host: filepath.Join(dir, n), Path: "/dev/" + n, Type: 'c', Major: ma, Minor: mi})
	}
	return devs, nil
}

// existingDevice returns the device number of the character device at path.
func existingDevice(path string) (major, minor uint32, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok || st.Mode()&os.ModeCharDevice == 0 {
		return 0, 0, fmt.Errorf("%s is not a character device", path)
	}
	return unix.Major(sys.Rdev), unix.Minor(sys.Rdev), nil
}
