// Package spec is the pure description of one container as droidplexd runs
// it, and its rendering to an LXC config. Building a Spec needs facts about
// the host (device numbers, binderfs), which the container manager gathers;
// validating and rendering one is deterministic and needs no root.
package spec

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrInvalid is matched by every Validate error.
var ErrInvalid = errors.New("invalid container spec")

// Spec is everything needed to start one container.
type Spec struct {
	Name string
	// RootFS is the read-only root filesystem (shared by containers).
	RootFS string
	// Init is pid 1's command line inside the container.
	Init []string
	// System, Upper and Work form the overlay mounted at /system: the
	// shared read-only lower and this container's writable upper and work
	// directories. Empty System: no overlay.
	System, Upper, Work string
	// Data and Sdcard are bound at /data and /sdcard (Sdcard optional).
	Data, Sdcard string
	// RunDir is the host directory holding this container's proxy sockets;
	// it is bound (as a directory) at /dev/droidplex.
	RunDir string
	// SocketDir is the host directory bound at /dev/socket; it holds links
	// such as rild -> /dev/droidplex/rild.
	SocketDir string
	// Devices are the only nodes in the container's /dev (a tmpfs), each
	// bound from the host and allowed in the devices cgroup.
	Devices []Device
	// MemoryBytes, CPUShares and CPUs are cgroup limits (0/"" = none).
	MemoryBytes int64
	CPUShares   int
	CPUs        string
	// Mounts are extra bind mounts.
	Mounts []Mount
	// Seccomp is a seccomp policy file ("" = none).
	Seccomp string
	// CapKeep lists the only capabilities the container keeps (LXC names,
	// such as "sys_admin"; empty = all).
	CapKeep []string
	// LogFile is LXC's log for this container ("" = none).
	LogFile string
}

// Device is a host device node given to the container.
type Device struct {
	Host  string // node on the host, e.g. /dev/input/event20
	Path  string // absolute path inside the container, under /dev
	Type  byte   // 'c' or 'b'
	Major uint32
	Minor uint32
}

// Mount is an extra bind mount.
type Mount struct {
	Source   string // host path
	Target   string // absolute path inside the container
	ReadOnly bool
	File     bool // the source is a file, not a directory
}

// Validate checks s. Every path must be absolute and free of whitespace, so
// it can be written into an LXC config line without changing its meaning.
func (s *Spec) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
	}
	abs := func(field, v string, required bool) {
		switch {
		case v == "" && !required:
		case v == "":
			bad(field, "is required")
		case !path.IsAbs(v) || path.Clean(v) != v:
			bad(field, "%q is not a clean absolute path", v)
		case strings.ContainsAny(v, " \t\r\n\\#"):
			bad(field, "%q contains whitespace, '\\' or '#'", v)
		}
	}
	if s.Name == "" || strings.ContainsAny(s.Name, " \t\r\n/\\#.") {
		bad("name", "%q is not a container name", s.Name)
	}
	abs("rootfs", s.RootFS, true)
	if len(s.Init) == 0 {
		bad("init", "is required")
	}
	for _, a := range s.Init {
		if a == "" || strings.ContainsAny(a, " \t\r\n\\#") {
			bad("init", "argument %q is empty or contains whitespace, '\\' or '#'", a)
		}
	}
	abs("system", s.System, false)
	abs("upper", s.Upper, s.System != "")
	abs("work", s.Work, s.System != "")
	abs("data", s.Data, true)
	abs("sdcard", s.Sdcard, false)
	abs("run dir", s.RunDir, true)
	abs("socket dir", s.SocketDir, true)
	abs("seccomp", s.Seccomp, false)
	for _, c := range s.CapKeep {
		if !isCapName(c) {
			bad("capabilities", "%q is not a capability name such as \"sys_admin\"", c)
		}
	}
	abs("log file", s.LogFile, false)
	for _, d := range s.Devices {
		abs("device host", d.Host, true)
		abs("device path", d.Path, true)
		if !strings.HasPrefix(d.Path, "/dev/") {
			bad("device path", "%q is not under /dev", d.Path)
		}
		if d.Type != 'c' && d.Type != 'b' {
			bad("device type", "%q is not 'c' or 'b'", d.Type)
		}
	}
	for _, m := range s.Mounts {
		abs("mount source", m.Source, true)
		abs("mount target", m.Target, true)
		if m.Target == "/" {
			bad("mount target", "cannot mount over /")
		}
	}
	if s.MemoryBytes < 0 || s.CPUShares < 0 {
		bad("limits", "negative memory or cpu shares")
	}
	if strings.Trim(s.CPUs, "0123456789,-") != "" {
		bad("cpus", "%q is not a cpu list", s.CPUs)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w %q: %w", ErrInvalid, s.Name, errors.Join(errs...))
	}
	return nil
}

// StandardDevices are the nodes every container gets when the host has
// them: null, zero, full, random, urandom, tty and fuse.
var StandardDevices = []Device{
	{Host: "/dev/null", Path: "/dev/null", Type: 'c', Major: 1, Minor: 3},
	{Host: "/dev/zero", Path: "/dev/zero", Type: 'c', Major: 1, Minor: 5},
	{Host: "/dev/full", Path: "/dev/full", Type: 'c', Major: 1, Minor: 7},
	{Host: "/dev/random", Path: "/dev/random", Type: 'c', Major: 1, Minor: 8},
	{Host: "/dev/urandom", Path: "/dev/urandom", Type: 'c', Major: 1, Minor: 9},
	{Host: "/dev/tty", Path: "/dev/tty", Type: 'c', Major: 5, Minor: 0},
	{Host: "/dev/fuse", Path: "/dev/fuse", Type: 'c', Major: 10, Minor: 229},
}

// BinderDevices are the binder nodes allocated in a container's binderfs
// instance and bound at the same names in its /dev.
var BinderDevices = []string{"binder", "hwbinder", "vndbinder"}

// CPUWeight converts cgroup v1 cpu.shares to cgroup v2 cpu.weight.
func CPUWeight(shares int) int {
	if shares < 2 {
		shares = 2
	}
	if shares > 262144 {
		shares = 262144
	}
	return 1 + ((shares-2)*9999)/262142
}

// isCapName reports whether c looks like an LXC capability name: lowercase
// letters, digits and '_'.
func isCapName(c string) bool {
	if c == "" {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
