package standin

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// Building the image again in the same directory (a setup script run
// twice, or a refresh after busybox changed) failed on the applet links
// the first run made ("symlink busybox .../bin/sh: file exists"), and on
// the busybox binary a running container executes ("text file busy"). It
// must succeed and leave the same image.
func TestImageTwice(t *testing.T) {
	testutil.RequireCmd(t, "busybox")
	dir := t.TempDir()
	var running *exec.Cmd
	for i := range 2 {
		if i == 1 { // while a container runs the image's busybox
			running = exec.Command(filepath.Join(dir, "rootfs", "bin", "sleep"), "60")
			if err := running.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = running.Process.Kill(); _ = running.Wait() }()
		}
		rootfs, system, err := Image(dir)
		if err != nil {
			t.Fatalf("build %d: %v", i+1, err)
		}
		if rootfs != filepath.Join(dir, "rootfs") || system != filepath.Join(dir, "system") {
			t.Fatalf("build %d: %s, %s", i+1, rootfs, system)
		}
	}
	out, err := exec.Command(filepath.Join(dir, "rootfs", "bin", "sh"), "-c", "echo ok").Output()
	if err != nil || string(out) != "ok\n" {
		t.Fatalf("the image's sh: %q, %v", out, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "rootfs", "init")); err != nil || string(b) != Init {
		t.Fatalf("init: %v", err)
	}
}
