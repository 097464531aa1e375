package kernel

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"droidplex/internal/testutil"
)

// harness runs kernel/vmtest/vmtest.sh on ./internal/revert (a small test
// package) with the programs in fakes (name → shell script) first on PATH,
// a scratch cache and TMPDIR, and a kernel file that is never booted.
type harness struct {
	cmd     *exec.Cmd
	out     bytes.Buffer
	done    chan error
	tmp     string // the script's TMPDIR
	cache   string // its VMTEST_CACHE
	pidfile string // where the fake qemu writes its pid
}

func startHarness(t *testing.T, env []string, fakes map[string]string) *harness {
	t.Helper()
	if os.Getenv("DROIDPLEX_IN_VM") == "1" {
		testutil.SkipCoveredElsewhere(t, "tests the harness that boots the VM", "the host run")
	}
	testutil.RequireCmd(t, "bash", "go", "timeout", "flock", "tail", "cpio", "gzip", "busybox")
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	h := &harness{tmp: filepath.Join(dir, "tmp"), cache: filepath.Join(dir, "cache"), pidfile: filepath.Join(dir, "qemu.pid"), done: make(chan error, 1)}
	for _, d := range []string{bin, h.tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, script := range fakes {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	kernelFile := filepath.Join(dir, "bzImage")
	if err := os.WriteFile(kernelFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h.cmd = exec.Command("bash", testutil.Path(t, "kernel/vmtest/vmtest.sh"), "./internal/revert")
	h.cmd.Dir = testutil.Path(t, ".")
	h.cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "TMPDIR="+h.tmp,
		"VMTEST_CACHE="+h.cache, "VMTEST_KERNEL="+kernelFile, "FAKE_QEMU_PIDFILE="+h.pidfile)
	h.cmd.Env = append(h.cmd.Env, env...)
	h.cmd.Stdout, h.cmd.Stderr = &h.out, &h.out
	// Its own process group, so the hang guard can stop everything it
	// started; the script itself must not rely on that.
	h.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { h.done <- h.cmd.Wait() }()
	return h
}

// wait returns the script's exit error, failing the test if it has not
// ended within a generous hang guard.
func (h *harness) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-h.done:
		return err
	case <-time.After(150 * time.Second): // a hang guard: the script needs well under a minute
		_ = syscall.Kill(-h.cmd.Process.Pid, syscall.SIGKILL)
		h.killQemu()
		<-h.done
		t.Fatalf("vmtest.sh did not end:\n%s", h.out.String())
		return nil
	}
}

func (h *harness) qemuPid() int {
	b, _ := os.ReadFile(h.pidfile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

func (h *harness) killQemu() {
	if pid := h.qemuPid(); pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// checkClean fails unless the fake qemu is gone (or a zombie awaiting its
// reaper) and the script left nothing in its TMPDIR.
func (h *harness) checkClean(t *testing.T) {
	t.Helper()
	if pid := h.qemuPid(); pid > 0 {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && !strings.Contains(string(b), ") Z ") {
			h.killQemu()
			t.Errorf("qemu (pid %d) outlived vmtest.sh", pid)
		}
	}
	if left, _ := os.ReadDir(h.tmp); len(left) > 0 {
		t.Errorf("vmtest.sh left %d entries in TMPDIR (%s...)", len(left), left[0].Name())
	}
}

// A VM that never reports, with a qemu that ignores the TERM its time limit
// sends: the script ends with a clear error, kills qemu and removes its
// scratch directory (before, timeout sent TERM only and waited for ever).
func TestVMTestHarnessStopsAVMThatNeverReports(t *testing.T) {
	h := startHarness(t, []string{"VMTEST_TIMEOUT=1"}, map[string]string{
		"qemu-system-x86_64": "echo $$ > \"$FAKE_QEMU_PIDFILE\"\ntrap '' TERM\nexec sleep 600\n",
	})
	if err := h.wait(t); err == nil {
		t.Fatalf("vmtest.sh passed a VM that never reported:\n%s", h.out.String())
	}
	if !strings.Contains(h.out.String(), "the VM did not finish within 1s") {
		t.Errorf("no clear error:\n%s", h.out.String())
	}
	h.checkClean(t)
}

// A TERM to the script (a CI job cancelled, make interrupted) stops qemu
// too: before, qemu sat in timeout's own process group and ran on.
func TestVMTestHarnessInterruptedStopsQemu(t *testing.T) {
	h := startHarness(t, nil, map[string]string{
		"qemu-system-x86_64": "echo $$ > \"$FAKE_QEMU_PIDFILE.tmp\"\nmv \"$FAKE_QEMU_PIDFILE.tmp\" \"$FAKE_QEMU_PIDFILE\"\nexec sleep 600\n",
	})
	for h.qemuPid() == 0 { // until the VM runs (the test binary is built first)
		select {
		case err := <-h.done:
			t.Fatalf("vmtest.sh ended before starting qemu: %v\n%s", err, h.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := h.wait(t); err == nil {
		t.Fatalf("an interrupted vmtest.sh exited 0:\n%s", h.out.String())
	}
	h.checkClean(t)
}

// A kernel download that fails ends the run with an error that says so,
// and leaves no half-made directory in the cache.
func TestVMTestHarnessDownloadFailure(t *testing.T) {
	h := startHarness(t, []string{"VMTEST_KERNEL="}, map[string]string{
		"apt-cache": "case \"$1\" in depends) echo '  Depends: linux-image-6.1.0-99-amd64' ;; policy) echo '  Candidate: 6.1.999-1' ;; esac\n",
		"apt-get":   "echo 'E: Failed to fetch (fake)' >&2\nexit 100\n",
	})
	if err := h.wait(t); err == nil {
		t.Fatalf("vmtest.sh passed without a kernel:\n%s", h.out.String())
	}
	if !strings.Contains(h.out.String(), "could not download") {
		t.Errorf("no clear error:\n%s", h.out.String())
	}
	if ents, _ := filepath.Glob(filepath.Join(h.cache, "linux-image-*")); len(ents) > 0 {
		t.Errorf("left in the cache: %v", ents)
	}
	h.checkClean(t)
}
