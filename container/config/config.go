// Package config reads droidplexd's TOML file: the containers to run, where
// their images and state live, their limits and mounts. Load parses and
// validates it; every problem is reported with the line and the key.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

// Defaults used when the file leaves a path empty.
const (
	DefaultLXCPath  = "/var/lib/droidplex/lxc"
	DefaultStateDir = "/var/lib/droidplex/containers"
	DefaultRunDir   = "/run/droidplex"
)

// ErrInvalid is matched (errors.Is) by every validation error.
var ErrInvalid = errors.New("invalid config")

// File is the whole configuration file.
type File struct {
	// LXCPath is where LXC keeps each container's directory and config.
	LXCPath string `toml:"lxcpath"`
	// StateDir holds each container's writable state (overlay upper, work,
	// /dev/socket links).
	StateDir string `toml:"state_dir"`
	// RunDir holds the proxies' sockets; <RunDir>/<name>/ is bind-mounted
	// into container name.
	RunDir string `toml:"run_dir"`
	// Containers lists the containers, in file order.
	Containers []Container `toml:"container"`
}

// Container is one [[container]] table.
type Container struct {
	Name string `toml:"name"`
	// RootFS is the read-only root filesystem image directory.
	RootFS string `toml:"rootfs"`
	// System is the shared read-only lower of the /system overlay; each
	// container gets its own writable upper. Empty: no overlay.
	System string `toml:"system"`
	// Data and Sdcard are bind-mounted at /data and /sdcard.
	Data   string `toml:"data"`
	Sdcard string `toml:"sdcard"`
	// Init is the command run as the container's pid 1 (default "/init").
	Init []string `toml:"init"`
	// Autostart: `droidplex autostart` creates or starts it at boot.
	Autostart bool `toml:"autostart"`
	// Foreground: this container starts in the foreground (at most one).
	Foreground bool `toml:"foreground"`
	// TelephonyOwner: this container may change shared-modem settings
	// (at most one).
	TelephonyOwner bool `toml:"telephony_owner"`
	// Memory is a memory limit such as "512M" or "2G"; empty means none.
	Memory string `toml:"memory"`
	// CPUShares is the relative CPU weight (cgroup v1 cpu.shares, 2..262144).
	CPUShares int `toml:"cpu_shares"`
	// CPUs is a cpuset list such as "0-1" or "0,2".
	CPUs string `toml:"cpus"`
	// Input lists host device nodes (the container's uinput clones); each
	// appears in the container as /dev/input/<base name>.
	Input []string `toml:"input"`
	// Devices lists extra host device nodes under /dev, given to the
	// container at the same path.
	Devices []string `toml:"devices"`
	// Seccomp is a seccomp policy file (LXC's format) for the container.
	Seccomp string `toml:"seccomp"`
	// Capabilities lists the only capabilities the container keeps (LXC
	// names such as "sys_admin"; empty keeps all).
	Capabilities []string `toml:"capabilities"`
	// Mounts are extra bind mounts of host directories.
	Mounts []Mount `toml:"mount"`
}

// Mount is one [[container.mount]] table: a host path bound into the
// container.
type Mount struct {
	Source   string `toml:"source"`
	Target   string `toml:"target"`
	ReadOnly bool   `toml:"readonly"`
}

// Load reads and validates the file at path.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Parse decodes and validates TOML text. Unknown keys are refused.
func Parse(text []byte) (*File, error) {
	var f File
	md, err := toml.Decode(string(text), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}
		}
		return nil, &Error{Msg: err.Error()}
	}
	loc := newLocator(string(text))
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, &Error{Line: loc.line(k), Key: keyString(k), Msg: "unknown key"}
	}
	f.setDefaults()
	if errs := f.validate(); len(errs) > 0 {
		for i := range errs {
			errs[i].Line = loc.lineOf(errs[i].path)
		}
		return nil, joinErrors(errs)
	}
	return &f, nil
}

func (f *File) setDefaults() {
	if f.LXCPath == "" {
		f.LXCPath = DefaultLXCPath
	}
	if f.StateDir == "" {
		f.StateDir = DefaultStateDir
	}
	if f.RunDir == "" {
		f.RunDir = DefaultRunDir
	}
	for i := range f.Containers {
		if len(f.Containers[i].Init) == 0 {
			f.Containers[i].Init = []string{"/init"}
		}
	}
}

// Lookup returns the container called name.
func (f *File) Lookup(name string) (Container, bool) {
	for _, c := range f.Containers {
		if c.Name == name {
			return c, true
		}
	}
	return Container{}, false
}

// Foreground returns the name of the container that starts in the
// foreground: the one marked so, else the first autostart one, else "".
func (f *File) Foreground() string {
	first := ""
	for _, c := range f.Containers {
		if c.Foreground {
			return c.Name
		}
		if first == "" && c.Autostart {
			first = c.Name
		}
	}
	return first
}

// Error is one validation problem, located by line (0 if unknown) and key.
type Error struct {
	Line int
	Key  string
	Msg  string
	path []pathElem
}

// Error renders "line N: key: message".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, "%s: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Is makes every Error match ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Errors is several validation problems, in file order.
type Errors []*Error

// Error joins the problems with "; ".
func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

// Unwrap lets errors.As and errors.Is see each problem.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func joinErrors(es []*Error) error {
	if len(es) == 1 {
		return es[0]
	}
	return Errors(es)
}

func keyString(k toml.Key) string { return k.String() }
