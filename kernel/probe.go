package kernel

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
)

// uiGetVersion is UI_GET_VERSION: _IOR('U', 45, unsigned int) (linux/uinput.h).
const uiGetVersion = 0x8004552d

// Probe checks every feature on the running kernel. Checks that need root
// (mounting binderfs) say so when run without it.
func Probe() []Result {
	checks := map[string]func() (bool, string){
		"mnt namespace":             nsCheck("mnt"),
		"pid namespace":             nsCheck("pid"),
		"uts namespace":             nsCheck("uts"),
		"ipc namespace":             nsCheck("ipc"),
		"net namespace":             nsCheck("net"),
		"user namespace":            nsCheck("user"),
		"cgroup v1":                 cgroupV1,
		"cgroup v2":                 cgroupV2,
		"cgroup devices controller": cgroupDevices,
		"overlayfs":                 filesystemCheck("overlay"),
		"memfd with seals":          memfdSeals,
		"eventfd":                   eventfdCheck,
		"evdev":                     evdevCheck,
		"uinput":                    uinputCheck,
		"binder device":             binderDevice,
		"binderfs":                  binderfsCheck,
		"ashmem":                    charDevCheck("/dev/ashmem"),
	}
	out := make([]Result, 0, len(Features))
	for _, f := range Features {
		ok, detail := checks[f.Name]()
		out = append(out, Result{Feature: f, OK: ok, Detail: detail})
	}
	return out
}

func nsCheck(kind string) func() (bool, string) {
	return func() (bool, string) {
		ino, err := linux.NamespaceInode(0, kind)
		if err != nil {
			return false, err.Error()
		}
		return true, fmt.Sprintf("%s:[%d]", kind, ino)
	}
}

// mounts returns /proc/self/mounts as fields per line.
func mounts() [][]string {
	b, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return nil
	}
	var out [][]string
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 4 {
			out = append(out, f)
		}
	}
	return out
}

func cgroupV1() (bool, string) {
	var ctrls []string
	for _, m := range mounts() {
		if m[2] == "cgroup" {
			for _, o := range strings.Split(m[3], ",") {
				switch o {
				case "rw", "ro", "nosuid", "nodev", "noexec", "relatime":
				default:
					ctrls = append(ctrls, o)
				}
			}
		}
	}
	if len(ctrls) == 0 {
		return false, "no cgroup v1 hierarchy mounted"
	}
	return true, strings.Join(ctrls, ",")
}

func cgroupV2() (bool, string) {
	for _, m := range mounts() {
		if m[2] == "cgroup2" {
			ctrl, _ := os.ReadFile(filepath.Join(m[1], "cgroup.controllers"))
			c := strings.TrimSpace(string(ctrl))
			if c == "" {
				c = "no controllers"
			}
			return true, m[1] + " (" + c + ")"
		}
	}
	return false, "no cgroup2 mount"
}

// cgroupDevices: the v1 devices controller, or cgroup v2 (which restricts
// devices with BPF programs).
func cgroupDevices() (bool, string) {
	for _, m := range mounts() {
		if m[2] == "cgroup" && strings.Contains(","+m[3]+",", ",devices,") {
			return true, "v1 at " + m[1]
		}
	}
	if ok, d := cgroupV2(); ok && !strings.Contains(d, "no controllers") {
		return true, "v2 (BPF device filter) at " + strings.Fields(d)[0]
	}
	return false, "no devices controller mounted"
}

// filesystems returns the names in /proc/filesystems.
func filesystems() map[string]bool {
	fs := map[string]bool{}
	b, _ := os.ReadFile("/proc/filesystems")
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			fs[f[len(f)-1]] = true
		}
	}
	return fs
}

func filesystemCheck(name string) func() (bool, string) {
	return func() (bool, string) {
		if filesystems()[name] {
			return true, "in /proc/filesystems"
		}
		return false, "not in /proc/filesystems"
	}
}

func memfdSeals() (bool, string) {
	f, err := linux.MemfdCreate("droidplex-probe", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return false, err.Error()
	}
	defer f.Close()
	if err := linux.AddSeals(f, unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_SEAL); err != nil {
		return false, err.Error()
	}
	return true, "sealed grow, shrink and seal"
}

func eventfdCheck() (bool, string) {
	f, err := linux.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		return false, err.Error()
	}
	f.Close()
	return true, ""
}

func evdevCheck() (bool, string) {
	b, err := os.ReadFile("/proc/bus/input/handlers")
	if err != nil {
		return false, "no input subsystem (/proc/bus/input)"
	}
	if bytes.Contains(b, []byte("Name=evdev")) {
		return true, "evdev handler registered"
	}
	return false, "evdev handler not registered"
}

func uinputCheck() (bool, string) {
	f, err := os.OpenFile("/dev/uinput", os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, err.Error()
	}
	defer f.Close()
	var v uint32
	if err := linux.IoctlPtr(int(f.Fd()), uiGetVersion, unsafe.Pointer(&v)); err != nil {
		return false, "UI_GET_VERSION: " + err.Error()
	}
	return true, fmt.Sprintf("uinput version %d", v)
}

func charDevCheck(path string) func() (bool, string) {
	return func() (bool, string) {
		st, err := os.Stat(path)
		if err != nil {
			return false, err.Error()
		}
		if st.Mode()&os.ModeCharDevice == 0 {
			return false, path + " is not a character device"
		}
		return true, path
	}
}

func binderDevice() (bool, string) {
	for _, p := range []string{"/dev/binder", "/dev/binderfs/binder"} {
		if ok, d := charDevCheck(p)(); ok {
			return true, d
		}
	}
	if miscHas("binder") {
		return true, "binder in /proc/misc"
	}
	return false, "no /dev/binder and no binder in /proc/misc"
}

// miscHas reports whether /proc/misc lists a device called name.
func miscHas(name string) bool {
	b, _ := os.ReadFile("/proc/misc")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[1] == name {
			return true
		}
	}
	return false
}
