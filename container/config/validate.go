package config

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// MaxNameLen bounds a container name (it appears in socket paths, which the
// kernel limits to 107 bytes, and in cgroup names).
const MaxNameLen = 32

var (
	nameRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	cpusetRE = regexp.MustCompile(`^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$`)
	capRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// pathElem is one step of a key path: a key, and an array index (-1: none).
type pathElem struct {
	key   string
	index int
}

func keyPath(p []pathElem) string {
	var b strings.Builder
	for i, e := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.key)
		if e.index >= 0 {
			fmt.Fprintf(&b, "[%d]", e.index)
		}
	}
	return b.String()
}

type checker struct{ errs []*Error }

func (c *checker) fail(p []pathElem, format string, args ...any) {
	c.errs = append(c.errs, &Error{Key: keyPath(p), Msg: fmt.Sprintf(format, args...), path: p})
}

func at(parent []pathElem, key string, index int) []pathElem {
	out := make([]pathElem, len(parent), len(parent)+1)
	copy(out, parent)
	return append(out, pathElem{key, index})
}

// absPath checks an absolute, clean path; empty is allowed unless required.
func (c *checker) absPath(p []pathElem, v string, required bool) {
	switch {
	case v == "" && required:
		c.fail(p, "is required")
	case v == "":
	case !path.IsAbs(v):
		c.fail(p, "%q is not an absolute path", v)
	case path.Clean(v) != v:
		c.fail(p, "%q is not a clean path (want %q)", v, path.Clean(v))
	}
}

// lineUnsafe are the characters a path written into an LXC config line
// cannot hold (spec.Validate refuses them too).
const lineUnsafe = " \t\r\n\\#"

// linePath checks a path that ends up in the container's LXC config: an
// absolute, clean path with no whitespace, '\' or '#'.
func (c *checker) linePath(p []pathElem, v string, required bool) {
	c.absPath(p, v, required)
	if strings.ContainsAny(v, lineUnsafe) {
		c.fail(p, "%q contains whitespace, '\\' or '#', which a container config line cannot hold", v)
	}
}

func (f *File) validate() []*Error {
	c := &checker{}
	for _, k := range []struct{ key, v string }{{"lxcpath", f.LXCPath}, {"state_dir", f.StateDir}, {"run_dir", f.RunDir}} {
		c.linePath(at(nil, k.key, -1), k.v, true)
		if k.v == "/" {
			c.fail(at(nil, k.key, -1), "cannot be the root directory")
		}
	}
	if len(f.Containers) == 0 {
		c.fail(at(nil, "container", -1), "no [[container]] tables: nothing to run")
	}
	seen := map[string]int{}
	owner := map[string]string{} // data dirs and input nodes: one container's each
	var fg, tel []string
	for i, ct := range f.Containers {
		p := at(nil, "container", i)
		c.container(p, ct, f.RunDir)
		if j, dup := seen[ct.Name]; dup && ct.Name != "" {
			c.fail(at(p, "name", -1), "%q is already used by container[%d]", ct.Name, j)
		}
		seen[ct.Name] = i
		claim := func(key, v string) {
			if o, taken := owner[key+" "+v]; taken && o != ct.Name {
				c.fail(at(p, key, -1), "%q is container %q's already", v, o)
			}
			owner[key+" "+v] = ct.Name
		}
		if ct.Data != "" {
			claim("data", ct.Data)
		}
		for _, n := range ct.Input {
			claim("input", n)
		}
		if ct.Foreground {
			fg = append(fg, ct.Name)
			if len(fg) > 1 {
				c.fail(at(p, "foreground", -1), "only one container can start in the foreground (%s)", strings.Join(fg, ", "))
			}
			if !ct.Autostart {
				c.fail(at(p, "foreground", -1), "the foreground container %q must also set autostart = true", ct.Name)
			}
		}
		if ct.TelephonyOwner {
			tel = append(tel, ct.Name)
			if len(tel) > 1 {
				c.fail(at(p, "telephony_owner", -1), "only one container can own telephony (%s)", strings.Join(tel, ", "))
			}
		}
	}
	return c.errs
}

func (c *checker) container(p []pathElem, ct Container, runDir string) {
	np := at(p, "name", -1)
	switch {
	case ct.Name == "":
		c.fail(np, "is required")
	case len(ct.Name) > MaxNameLen:
		c.fail(np, "%q is longer than %d characters", ct.Name, MaxNameLen)
	case !nameRE.MatchString(ct.Name):
		c.fail(np, "%q must be lowercase letters, digits, '-' or '_', starting with a letter or digit", ct.Name)
	case len(runDir)+len(ct.Name)+len("//audioproxyd.sock") > 107:
		c.fail(np, "%q makes socket paths under run_dir longer than 107 bytes", ct.Name)
	}
	c.linePath(at(p, "rootfs", -1), ct.RootFS, true)
	c.linePath(at(p, "system", -1), ct.System, false)
	c.linePath(at(p, "data", -1), ct.Data, true)
	c.linePath(at(p, "sdcard", -1), ct.Sdcard, false)
	if len(ct.Init) > 0 {
		c.linePath(at(p, "init", -1), ct.Init[0], true)
	}
	for _, a := range ct.Init[min(1, len(ct.Init)):] {
		if a == "" || strings.ContainsAny(a, lineUnsafe) {
			c.fail(at(p, "init", -1), "argument %q is empty or contains whitespace, '\\' or '#'", a)
		}
	}
	if ct.Memory != "" {
		if n, err := ParseSize(ct.Memory); err != nil {
			c.fail(at(p, "memory", -1), "%v", err)
		} else if n < 16<<20 {
			c.fail(at(p, "memory", -1), "%q is below the 16M minimum", ct.Memory)
		}
	}
	if ct.CPUShares != 0 && (ct.CPUShares < 2 || ct.CPUShares > 262144) {
		c.fail(at(p, "cpu_shares", -1), "%d is outside 2..262144", ct.CPUShares)
	}
	if ct.CPUs != "" && !cpusetRE.MatchString(ct.CPUs) {
		c.fail(at(p, "cpus", -1), "%q is not a cpu list such as \"0-1\" or \"0,2\"", ct.CPUs)
	}
	c.linePath(at(p, "seccomp", -1), ct.Seccomp, false)
	for _, cp := range ct.Capabilities {
		if !capRE.MatchString(cp) {
			c.fail(at(p, "capabilities", -1), "%q is not a capability name such as \"sys_admin\"", cp)
		}
	}
	for _, n := range ct.Input {
		c.linePath(at(p, "input", -1), n, true)
	}
	for _, n := range ct.Devices {
		kp := at(p, "devices", -1)
		c.linePath(kp, n, true)
		if !strings.HasPrefix(n, "/dev/") && path.IsAbs(n) {
			c.fail(kp, "%q is not under /dev", n)
		}
	}
	for j, m := range ct.Mounts {
		mp := at(p, "mount", j)
		c.linePath(at(mp, "source", -1), m.Source, true)
		c.linePath(at(mp, "target", -1), m.Target, true)
		if m.Target == "/" {
			c.fail(at(mp, "target", -1), "cannot mount over the container's root")
		}
	}
}

// ParseSize parses a byte size: a number with an optional K, M or G suffix
// (powers of 1024), for example "512M".
func ParseSize(s string) (int64, error) {
	mult := int64(1)
	num := strings.TrimSpace(s)
	if n := len(num); n > 0 {
		switch num[n-1] {
		case 'K', 'k':
			mult, num = 1<<10, num[:n-1]
		case 'M', 'm':
			mult, num = 1<<20, num[:n-1]
		case 'G', 'g':
			mult, num = 1<<30, num[:n-1]
		}
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size such as \"512M\" or \"2G\"", s)
	}
	return v * mult, nil
}
