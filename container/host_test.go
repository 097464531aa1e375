package container_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"droidplex/container"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"
	"droidplex/kernel"
)

func TestOSHostDevice(t *testing.T) {
	var h container.OSHost
	d, err := h.Device("/dev/null")
	if err != nil || d.Type != 'c' || d.Major != 1 || d.Minor != 3 || d.Path != "/dev/null" {
		t.Fatalf("/dev/null = %+v, %v", d, err)
	}
	if _, err := h.Device("/dev/nope-nothing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing node: %v", err)
	}
	if _, err := h.Device("/etc/hostname"); err == nil || !strings.Contains(err.Error(), "not a device node") {
		t.Fatalf("regular file: %v", err)
	}
}

func TestOSHostSymlinkReplaces(t *testing.T) {
	var h container.OSHost
	link := filepath.Join(t.TempDir(), "rild")
	for _, target := range []string{"/dev/droidplex/old", "/dev/droidplex/rild", "/dev/droidplex/rild"} {
		if err := h.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.Readlink(link); got != "/dev/droidplex/rild" {
		t.Fatalf("link -> %q", got)
	}
}

func TestOSHostBinderNotSupported(t *testing.T) {
	fsList := filepath.Join(t.TempDir(), "filesystems")
	if err := os.WriteFile(fsList, []byte("nodev\tsysfs\nnodev\ttmpfs\n\text4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := container.OSHost{Filesystems: fsList}.Binder(t.TempDir())
	var nse *kernel.NotSupportedError
	if !errors.Is(err, kernel.ErrNotSupported) || !errors.As(err, &nse) || nse.Feature != "binderfs" {
		t.Fatalf("err = %v", err)
	}
}

// TestOSHostBinderfs runs the real OSHost binder path: mount binderfs,
// allocate binder, hwbinder and vndbinder, and undo (unmount). This
// project's hosts have no binderfs (CONFIG_ANDROID_BINDERFS); make vmtest
// runs it in a VM whose binder module has it, where it must not skip.
func TestOSHostBinderfs(t *testing.T) {
	b, _ := os.ReadFile("/proc/filesystems")
	if !strings.Contains(string(b), "\tbinder\n") && os.Getenv("DROIDPLEX_IN_VM") != "1" {
		testutil.SkipCoveredElsewhere(t, "kernel has no binderfs", "make vmtest")
	}
	testutil.RequireRoot(t)
	dir := t.TempDir()
	devs, undo, err := container.OSHost{}.Binder(dir)
	if err != nil {
		t.Fatal(err)
	}
	undone := false
	defer func() {
		if !undone {
			undo()
		}
	}()
	if len(devs) != 3 {
		t.Fatalf("devs = %+v", devs)
	}
	minors := map[uint32]bool{}
	for i, d := range devs {
		name := []string{"binder", "hwbinder", "vndbinder"}[i]
		if d.Path != "/dev/"+name || d.Host != filepath.Join(dir, name) || d.Type != 'c' ||
			d.Major == 0 || d.Major != devs[0].Major || minors[d.Minor] {
			t.Fatalf("device %d = %+v", i, d)
		}
		minors[d.Minor] = true
		fi, err := os.Stat(d.Host)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode()&os.ModeCharDevice == 0 || st.Rdev != linux.Mkdev(d.Major, d.Minor) {
			t.Fatalf("%s: mode %v rdev %#x, reported %d:%d", d.Host, fi.Mode(), st.Rdev, d.Major, d.Minor)
		}
		f, err := os.OpenFile(d.Host, os.O_RDWR, 0)
		if err != nil {
			t.Fatalf("open %s: %v", d.Host, err)
		}
		f.Close()
	}
	undo()
	undone = true
	if _, err := os.Stat(filepath.Join(dir, "binder-control")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("binder-control after undo: %v", err)
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mounts), " "+dir+" ") {
		t.Fatalf("%s still mounted after undo:\n%s", dir, mounts)
	}
	// What an adopted container's undo does: UnmountBinder takes it away.
	if _, _, err := (container.OSHost{}).Binder(dir); err != nil {
		t.Fatal(err)
	}
	container.OSHost{}.UnmountBinder(dir)
	if _, err := os.Stat(filepath.Join(dir, "binder-control")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("binder-control after UnmountBinder: %v", err)
	}
}
