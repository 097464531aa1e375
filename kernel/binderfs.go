package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
)

// binderfsCheck mounts a private binderfs instance, allocates a device
// through binder-control and unmounts it again.
func binderfsCheck() (bool, string) {
	if !filesystems()["binder"] {
		return false, "binder not in /proc/filesystems"
	}
	if os.Geteuid() != 0 {
		return true, "listed in /proc/filesystems (allocation not tried: needs root)"
	}
	major, minor, err := AllocBinderDevice("droidplex-probe")
	if err != nil {
		return false, err.Error()
	}
	return true, fmt.Sprintf("mounted; binder-control allocated %d:%d", major, minor)
}

// AllocBinderDevice mounts a temporary binderfs, asks its binder-control for
// a device called name, and unmounts it. It reports the device number the
// kernel gave.
func AllocBinderDevice(name string) (major, minor uint32, err error) {
	dir, err := os.MkdirTemp("", "binderfs-probe-")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(dir)
	if err := linux.Mount("binder", dir, "binder", 0, ""); err != nil {
		return 0, 0, &NotSupportedError{Feature: "binderfs", Fix: "CONFIG_ANDROID_BINDERFS: " + err.Error()}
	}
	defer linux.Unmount(dir, unix.MNT_DETACH)
	return addBinderDevice(filepath.Join(dir, "binder-control"), name)
}

// addBinderDevice allocates a binder device through a binder-control node.
func addBinderDevice(control, name string) (uint32, uint32, error) {
	f, err := os.OpenFile(control, os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var dev binderfsDevice
	copy(dev.Name[:len(dev.Name)-1], name)
	if err := linux.IoctlPtr(int(f.Fd()), binderCtlAdd, unsafe.Pointer(&dev)); err != nil {
		return 0, 0, fmt.Errorf("BINDER_CTL_ADD %s: %w", name, err)
	}
	return dev.Major, dev.Minor, nil
}
