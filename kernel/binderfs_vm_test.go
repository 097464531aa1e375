package kernel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
	"droidplex/internal/testutil"
)

// binderVersion is BINDER_VERSION: _IOWR('b', 9, struct binder_version),
// whose one field is the __s32 protocol version.
const binderVersion = (3 << 30) | (4 << 16) | ('b' << 8) | 9

// binderProtocol is BINDER_CURRENT_PROTOCOL_VERSION on 64-bit kernels.
const binderProtocol = 8

// needBinderfsVM skips on the host (no kernel here has binderfs); in the
// qemu VM (make vmtest) binderfs must be there, so nothing skips.
func needBinderfsVM(t *testing.T) {
	t.Helper()
	if os.Getenv("DROIDPLEX_IN_VM") != "1" {
		testutil.SkipCoveredElsewhere(t, "needs a kernel with binderfs", "make vmtest")
	}
	testutil.RequireRoot(t)
}

// binderfsMajor reads the character major that binderfs registered as
// "binder" in /proc/devices (the misc devices are major 10, not listed so).
func binderfsMajor(t *testing.T) uint32 {
	t.Helper()
	var major uint32
	var name string
	chars := strings.SplitN(readFile(t, "/proc/devices"), "Block devices:", 2)[0]
	for _, line := range strings.Split(chars, "\n") {
		if n, _ := fmt.Sscan(line, &major, &name); n == 2 && name == "binder" {
			return major
		}
	}
	t.Fatalf("no binder character major in /proc/devices:\n%s", chars)
	return 0
}

// In the VM the probe mounts binderfs and allocates a device, and
// AllocBinderDevice gets a number under binderfs's own major.
func TestBinderfsProbeAndAllocInVM(t *testing.T) {
	needBinderfsVM(t)
	if r := result(t, Probe(), "binderfs"); !r.OK || !strings.Contains(r.Detail, "allocated") {
		t.Fatalf("binderfs: probe %v (%s)", r.OK, r.Detail)
	}
	major, minor, err := AllocBinderDevice("droidplex-vmtest")
	if err != nil {
		t.Fatal(err)
	}
	if want := binderfsMajor(t); major != want {
		t.Fatalf("allocated %d:%d, binderfs's major is %d", major, minor, want)
	}
}

// A device allocated through a binderfs mount's binder-control is a real
// binder: its node carries the number the kernel gave and it answers
// BINDER_VERSION. Asking for the same name twice is a clear error.
func TestBinderfsDeviceAnswersInVM(t *testing.T) {
	needBinderfsVM(t)
	dir := t.TempDir()
	if err := linux.Mount("binder", dir, "binder", unix.MS_NOSUID|unix.MS_NOEXEC, ""); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := linux.Unmount(dir, 0); err != nil {
			t.Error(err)
		}
	}()
	control := filepath.Join(dir, "binder-control")
	major, minor, err := addBinderDevice(control, "vmbinder")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := addBinderDevice(control, "vmbinder"); !errors.Is(err, unix.EEXIST) ||
		!strings.Contains(err.Error(), "BINDER_CTL_ADD vmbinder") {
		t.Fatalf("second vmbinder: %v", err)
	}
	node := filepath.Join(dir, "vmbinder")
	fi, err := os.Stat(node)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode()&os.ModeCharDevice == 0 || st.Rdev != linux.Mkdev(major, minor) {
		t.Fatalf("%s: mode %v rdev %#x, allocated %d:%d", node, fi.Mode(), st.Rdev, major, minor)
	}
	f, err := os.OpenFile(node, os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var version int32
	if err := linux.IoctlPtr(int(f.Fd()), binderVersion, unsafe.Pointer(&version)); err != nil {
		t.Fatalf("BINDER_VERSION: %v", err)
	}
	if version != binderProtocol {
		t.Fatalf("BINDER_VERSION = %d, want %d", version, binderProtocol)
	}
}
