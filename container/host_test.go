package container_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/container"
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

// TestOSHostBinderfs allocates real binder nodes; it needs a kernel with
// binderfs (CONFIG_ANDROID_BINDERFS), which this project's hosts lack.
func TestOSHostBinderfs(t *testing.T) {
	testutil.RequireRoot(t)
	b, _ := os.ReadFile("/proc/filesystems")
	if !strings.Contains(string(b), "\tbinder\n") {
		testutil.SkipCoveredElsewhere(t, "kernel has no binderfs", "a binderfs-capable kernel (none available here)")
	}
	dir := t.TempDir()
	devs, undo, err := container.OSHost{}.Binder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer undo()
	if len(devs) != 3 || devs[0].Path != "/dev/binder" {
		t.Fatalf("devs = %+v", devs)
	}
	for _, d := range devs {
		if _, err := os.Stat(d.Host); err != nil {
			t.Fatal(err)
		}
	}
}
