package kernel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
// kernel gave. A kernel without binderfs gives a *NotSupportedError; any
// other failure (no privilege, say) is returned as it is.
func AllocBinderDevice(name string) (major, minor uint32, err error) {
	dir, err := os.MkdirTemp("", "binderfs-probe-")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(dir)
	if err := linux.Mount("binder", dir, "binder", unix.MS_NOSUID|unix.MS_NOEXEC, ""); err != nil {
		return 0, 0, binderfsMountError(err)
	}
	major, minor, err = addBinderDevice(filepath.Join(dir, "binder-control"), name)
	if uerr := linux.Unmount(dir, 0); uerr != nil && err == nil {
		// Still busy? Detach it, so that no mount outlives the probe.
		_ = linux.Unmount(dir, unix.MNT_DETACH)
		err = fmt.Errorf("binderfs probe: %w", uerr)
	}
	return major, minor, err
}

// binderfsMountError says what a failed binderfs mount means: ENODEV is a
// kernel without the filesystem, everything else (EPERM without
// CAP_SYS_ADMIN, ...) is not about the kernel.
func binderfsMountError(err error) error {
	if errors.Is(err, unix.ENODEV) {
		return &NotSupportedError{Feature: "binderfs",
			Fix: "CONFIG_ANDROID_BINDERFS=y, or a binder_linux module built with it (the kernel knows no binder filesystem)"}
	}
	return fmt.Errorf("binderfs: %w", err)
}

// addBinderDevice allocates a binder device through a binder-control node.
func addBinderDevice(control, name string) (uint32, uint32, error) {
	f, err := os.OpenFile(control, os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	major, minor, err := linux.BinderCtlAdd(f, name)
	if err != nil {
		return 0, 0, fmt.Errorf("BINDER_CTL_ADD %s: %w", name, err)
	}
	return major, minor, nil
}
