package kernel

// Mode is what the machine is going to run; it decides which features are
// required.
type Mode string

// Modes, from least to most demanding.
const (
	// ModeKernelless runs every proxy, the mock modem and stand-in
	// containers as plain processes (the demo and most tests).
	ModeKernelless Mode = "kernel-less"
	// ModeLXC runs stand-in containers under LXC.
	ModeLXC Mode = "lxc"
	// ModeAndroid runs real Android systems in LXC containers.
	ModeAndroid Mode = "android"
)

// Modes lists the modes in order.
var Modes = []Mode{ModeKernelless, ModeLXC, ModeAndroid}

// Feature is one thing the probe checks.
type Feature struct {
	Name     string
	Fix      string // kernel option or remedy shown when missing
	Required []Mode // modes that cannot work without it
	// Group names features of which any one will do; Required then applies
	// to the group (binder: the misc device or binderfs).
	Group string
}

// requiredFrom is every mode at or above m.
func requiredFrom(m Mode) []Mode {
	for i, x := range Modes {
		if x == m {
			return Modes[i:]
		}
	}
	return nil
}

// Features is the probe's checklist, in the order the report prints it.
var Features = []Feature{
	{Name: "mnt namespace", Fix: "CONFIG_NAMESPACES", Required: requiredFrom(ModeKernelless)},
	{Name: "pid namespace", Fix: "CONFIG_PID_NS", Required: requiredFrom(ModeLXC)},
	{Name: "uts namespace", Fix: "CONFIG_UTS_NS", Required: requiredFrom(ModeLXC)},
	{Name: "ipc namespace", Fix: "CONFIG_IPC_NS", Required: requiredFrom(ModeLXC)},
	{Name: "net namespace", Fix: "CONFIG_NET_NS", Required: requiredFrom(ModeLXC)},
	{Name: "user namespace", Fix: "CONFIG_USER_NS (optional: privileged containers do without)"},
	{Name: "cgroup v1", Fix: "CONFIG_CGROUPS, mount cgroup hierarchies"},
	{Name: "cgroup v2", Fix: "CONFIG_CGROUPS, mount -t cgroup2"},
	{Name: "cgroup devices controller", Fix: "CONFIG_CGROUP_DEVICE (v1) or CONFIG_CGROUP_BPF (v2)", Required: requiredFrom(ModeLXC)},
	{Name: "overlayfs", Fix: "CONFIG_OVERLAY_FS; modprobe overlay", Required: requiredFrom(ModeLXC)},
	{Name: "memfd with seals", Fix: "CONFIG_MEMFD_CREATE (Linux >= 3.17)", Required: requiredFrom(ModeKernelless)},
	{Name: "eventfd", Fix: "CONFIG_EVENTFD", Required: requiredFrom(ModeKernelless)},
	{Name: "evdev", Fix: "CONFIG_INPUT_EVDEV; modprobe evdev", Required: requiredFrom(ModeAndroid)},
	{Name: "uinput", Fix: "CONFIG_INPUT_UINPUT; modprobe uinput", Required: requiredFrom(ModeAndroid)},
	{Name: "binder device", Fix: "CONFIG_ANDROID_BINDER_IPC; modprobe binder_linux devices=binder,hwbinder,vndbinder",
		Required: requiredFrom(ModeAndroid), Group: "binder"},
	{Name: "binderfs", Fix: "CONFIG_ANDROID_BINDERFS (one binder instance per container)",
		Required: requiredFrom(ModeAndroid), Group: "binder"},
	{Name: "ashmem", Fix: "CONFIG_ASHMEM (optional: Android >= 10 uses memfd; set sys.use_memfd=true)"},
}

// Result is the outcome of probing one feature.
type Result struct {
	Feature Feature
	OK      bool
	Detail  string // what was seen, e.g. "version 5" or the error
}

// RequiredFor reports whether the feature is required in mode m.
func (f Feature) RequiredFor(m Mode) bool {
	for _, x := range f.Required {
		if x == m {
			return true
		}
	}
	return false
}
