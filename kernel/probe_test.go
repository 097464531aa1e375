package kernel

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func result(t *testing.T, rs []Result, name string) Result {
	t.Helper()
	for _, r := range rs {
		if r.Feature.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %q", name)
	return Result{}
}

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

// The probe agrees with facts this test establishes on its own, from
// /proc/filesystems, /proc/misc, /dev and the shell.
func TestProbeMatchesIndependentFacts(t *testing.T) {
	rs := Probe()
	fsList := readFile(t, "/proc/filesystems")
	misc := readFile(t, "/proc/misc")
	_, uinputErr := os.Stat("/dev/uinput")
	facts := map[string]bool{
		"overlayfs":        strings.Contains(fsList, "\toverlay\n"),
		"uinput":           uinputErr == nil && strings.Contains(misc, " uinput\n"),
		"binderfs":         strings.Contains(fsList, "\tbinder\n"),
		"memfd with seals": true, // every kernel droidplex supports (>= 3.17) has it
		"eventfd":          true,
		"mnt namespace":    true,
	}
	if _, err := os.Stat("/proc/self/ns/user"); err == nil {
		facts["user namespace"] = true
	}
	if strings.Contains(misc, " binder\n") {
		facts["binder device"] = true
	}
	for name, want := range facts {
		if r := result(t, rs, name); r.OK != want {
			t.Errorf("%s: probe says %v (%s), the system says %v", name, r.OK, r.Detail, want)
		}
	}
	if len(rs) != len(Features) {
		t.Fatalf("%d results for %d features", len(rs), len(Features))
	}
}

// In the qemu VM (make vmtest) the kernel has uinput and the binder misc
// devices; the probe must see them there.
func TestProbeInVM(t *testing.T) {
	if os.Getenv("DROIDPLEX_IN_VM") != "1" {
		testutil.SkipCoveredElsewhere(t, "needs the qemu VM's kernel", "make vmtest")
	}
	rs := Probe()
	for _, name := range []string{"uinput", "evdev", "binder device", "memfd with seals"} {
		if r := result(t, rs, name); !r.OK {
			t.Errorf("%s missing in the VM: %s", name, r.Detail)
		}
	}
}

func TestProbeBinderfsNeedsRootToAllocate(t *testing.T) {
	testutil.RequireRoot(t)
	r := result(t, Probe(), "binderfs")
	hasFS := strings.Contains(readFile(t, "/proc/filesystems"), "\tbinder\n")
	if hasFS != r.OK {
		t.Fatalf("binderfs: probe %v (%s), /proc/filesystems %v", r.OK, r.Detail, hasFS)
	}
	if hasFS && !strings.Contains(r.Detail, "allocated") {
		t.Fatalf("binderfs detail %q does not show an allocation", r.Detail)
	}
	if !hasFS {
		_, _, err := AllocBinderDevice("x")
		var nse *NotSupportedError
		if !errors.Is(err, ErrNotSupported) || !errors.As(err, &nse) {
			t.Fatalf("AllocBinderDevice without binderfs: %v", err)
		}
	}
}

func fakeResults(ok map[string]bool) []Result {
	rs := make([]Result, len(Features))
	for i, f := range Features {
		rs[i] = Result{Feature: f, OK: ok[f.Name]}
	}
	return rs
}

func allOK(except ...string) map[string]bool {
	m := map[string]bool{}
	for _, f := range Features {
		m[f.Name] = true
	}
	for _, e := range except {
		m[e] = false
	}
	return m
}

func names(fs []Feature) string {
	var n []string
	for _, f := range fs {
		n = append(n, f.Name)
	}
	return strings.Join(n, ",")
}

func TestMissingByMode(t *testing.T) {
	for _, c := range []struct {
		mode    Mode
		without []string
		want    string
	}{
		{ModeKernelless, []string{"uinput", "binder device", "binderfs", "overlayfs"}, ""},
		{ModeKernelless, []string{"memfd with seals"}, "memfd with seals"},
		{ModeLXC, []string{"uinput", "binderfs", "binder device", "ashmem"}, ""},
		{ModeLXC, []string{"overlayfs", "pid namespace"}, "pid namespace,overlayfs"},
		{ModeAndroid, []string{"binderfs", "ashmem"}, ""}, // binder device is enough
		{ModeAndroid, []string{"binder device"}, ""},      // binderfs is enough
		{ModeAndroid, []string{"binderfs", "binder device", "uinput"}, "uinput,binder device,binderfs"},
		{ModeAndroid, []string{"user namespace", "cgroup v2"}, ""},
	} {
		got := names(Missing(fakeResults(allOK(c.without...)), c.mode))
		if got != c.want {
			t.Errorf("%s without %v: missing %q, want %q", c.mode, c.without, got, c.want)
		}
	}
}

func TestReportMarksRequiredAndMissing(t *testing.T) {
	var b bytes.Buffer
	missing := Report(&b, fakeResults(allOK("uinput", "ashmem")), ModeAndroid)
	out := b.String()
	if len(missing) != 1 || !strings.Contains(out, "! uinput") || !strings.Contains(out, "  ashmem") ||
		!strings.Contains(out, "CONFIG_INPUT_UINPUT") || !strings.Contains(out, "cannot run: missing uinput") {
		t.Fatalf("report:\n%s", out)
	}
}

func TestNotSupportedError(t *testing.T) {
	err := fmt.Errorf("clone device: %w", &NotSupportedError{Feature: "/dev/uinput", Fix: "modprobe uinput"})
	if !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), "modprobe uinput") {
		t.Fatal(err)
	}
}

func TestPeerMatching(t *testing.T) {
	self, err := PidNamespace(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPeer(os.Getpid(), self); err != nil {
		t.Fatal(err)
	}
	if err := CheckPeer(os.Getpid(), self+1); !errors.Is(err, ErrWrongContainer) {
		t.Fatalf("err = %v", err)
	}
	if name, err := MatchPeer(os.Getpid(), map[string]uint64{"a": self + 1, "b": self}); err != nil || name != "b" {
		t.Fatalf("MatchPeer = %q %v", name, err)
	}
}

// A process in a new pid namespace is told apart from the caller.
func TestPeerInOtherPidNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command("unshare", "--pid", "--fork", "sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	self, _ := PidNamespace(0)
	// unshare forks: its child (sleep) is in the new namespace.
	var child int
	for range 200 {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
		if _, err := fmt.Sscan(string(b), &child); err == nil {
			break
		}
		exec.Command("sleep", "0.01").Run()
	}
	if child == 0 {
		t.Fatal("unshare's child did not appear")
	}
	ns, err := PidNamespace(child)
	if err != nil || ns == self {
		t.Fatalf("child ns %d (self %d), %v", ns, self, err)
	}
	if err := CheckPeer(child, self); !errors.Is(err, ErrWrongContainer) {
		t.Fatalf("CheckPeer = %v", err)
	}
}

// Only a kernel without binderfs (ENODEV from mount) is "not supported";
// a mount refused for want of privilege is reported as that. Before, every
// mount failure became a NotSupportedError telling the user to rebuild a
// kernel that was fine.
func TestBinderfsMountErrorNamesTheCause(t *testing.T) {
	for _, c := range []struct {
		errno        error
		notSupported bool
	}{
		{unix.ENODEV, true},
		{unix.EPERM, false},
		{unix.EBUSY, false},
	} {
		err := binderfsMountError(&os.PathError{Op: "mount binder", Path: "/x", Err: c.errno})
		var nse *NotSupportedError
		if got := errors.As(err, &nse); got != c.notSupported || errors.Is(err, ErrNotSupported) != c.notSupported {
			t.Errorf("%v: not supported = %v, want %v (%v)", c.errno, got, c.notSupported, err)
		}
		if c.notSupported && !strings.Contains(nse.Fix, "CONFIG_ANDROID_BINDERFS") {
			t.Errorf("%v: fix %q names no kernel option", c.errno, nse.Fix)
		}
		if !c.notSupported && !errors.Is(err, c.errno) {
			t.Errorf("%v: the errno is lost: %v", c.errno, err)
		}
	}
}

// A device name too long for struct binderfs_device is refused, not cut
// short to another name (before, the ioctl got the first 255 bytes).
func TestBinderDeviceNameTooLong(t *testing.T) {
	_, _, err := addBinderDevice(os.DevNull, strings.Repeat("b", 300))
	if !errors.Is(err, unix.ENAMETOOLONG) {
		t.Fatalf("err = %v, want ENAMETOOLONG", err)
	}
}
