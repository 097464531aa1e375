package lxc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"droidplex/container"
	"droidplex/container/spec"
)

// deviceCgroup is the devices cgroup of one running container.
type deviceCgroup interface {
	// Allow adds rule ("c 13:64 rwm") to the container's allowed devices.
	Allow(rule string) error
	// Deny removes it.
	Deny(rule string) error
}

// nodes creates and removes device nodes inside one running container.
type nodes interface {
	Make(d spec.Device) error
	Remove(d spec.Device) error
}

func deviceRule(d spec.Device) string { return fmt.Sprintf("%c %d:%d rwm", d.Type, d.Major, d.Minor) }

// addDevice allows d, then creates its node; a node that cannot be made
// leaves the device denied again.
func addDevice(cg deviceCgroup, n nodes, d spec.Device) error {
	if err := cg.Allow(deviceRule(d)); err != nil {
		return fmt.Errorf("allow %s: %w", d.Path, err)
	}
	if err := n.Make(d); err != nil {
		if derr := cg.Deny(deviceRule(d)); derr != nil {
			err = errors.Join(err, fmt.Errorf("deny %s again: %w", d.Path, derr))
		}
		return err
	}
	return nil
}

// removeDevice denies d first (access ends even if the node stays), then
// removes its node.
func removeDevice(cg deviceCgroup, n nodes, d spec.Device) error {
	var errs []error
	if err := cg.Deny(deviceRule(d)); err != nil {
		errs = append(errs, fmt.Errorf("deny %s: %w", d.Path, err))
	}
	if err := n.Remove(d); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// pidNodes makes nodes through the init's /proc/<pid>/root.
type pidNodes int

func (p pidNodes) Make(d spec.Device) error   { return container.MakeNode(int(p), d) }
func (p pidNodes) Remove(d spec.Device) error { return container.RemoveNode(int(p), d) }

// v1Devices is a cgroup v1 devices hierarchy: the init's cgroup there and
// its children (rules are allowed top down; a deny propagates by itself).
type v1Devices struct{ dir string }

func (v v1Devices) Allow(rule string) error {
	var dirs []string
	err := filepath.WalkDir(v.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(dirs) // parents before children
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, "devices.allow"), []byte(rule), 0); err != nil {
			return err
		}
	}
	return nil
}

func (v v1Devices) Deny(rule string) error {
	return os.WriteFile(filepath.Join(v.dir, "devices.deny"), []byte(rule), 0)
}

// v1DevicesDir returns the directory of pid's cgroup in the v1 devices
// hierarchy, or "" when the host has none (cgroup v2 only).
func v1DevicesDir(mountinfo, cgroup []byte) string {
	var root string
	s := bufio.NewScanner(bytes.NewReader(mountinfo))
	for s.Scan() {
		pre, post, ok := strings.Cut(s.Text(), " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if ok && len(f) >= 5 && len(g) >= 3 && g[0] == "cgroup" && slices.Contains(strings.Split(g[2], ","), "devices") {
			root = f[4]
			break
		}
	}
	if root == "" {
		return ""
	}
	s = bufio.NewScanner(bytes.NewReader(cgroup))
	for s.Scan() {
		f := strings.SplitN(s.Text(), ":", 3)
		if len(f) == 3 && slices.Contains(strings.Split(f[1], ","), "devices") && filepath.IsAbs(f[2]) {
			return filepath.Join(root, filepath.Clean(f[2]))
		}
	}
	return ""
}

// lxcDevices is the cgroup v2 way: LXC's monitor keeps the container's
// device BPF program and go-lxc's SetCgroupItem asks it for a rule.
type lxcDevices struct{ in *instance }

func (l lxcDevices) Allow(rule string) error { return l.in.setCgroupItem("devices.allow", rule) }
func (l lxcDevices) Deny(rule string) error  { return l.in.setCgroupItem("devices.deny", rule) }

func (in *instance) setCgroupItem(key, value string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.c == nil {
		return container.ErrNotRunning
	}
	return in.c.SetCgroupItem(key, value)
}

// deviceCgroup returns the running container's devices cgroup: the v1
// hierarchy's files where the host has one (LXC ignores cgroup2 device
// rules on a hybrid host), else LXC's cgroup v2 device program.
func (in *instance) deviceCgroup() (deviceCgroup, error) {
	select {
	case <-in.done:
		return nil, container.ErrNotRunning
	default:
	}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	cg, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", in.pid))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", container.ErrNotRunning, err)
	}
	if dir := v1DevicesDir(mi, cg); dir != "" {
		return v1Devices{dir: dir}, nil
	}
	return lxcDevices{in: in}, nil
}

// AddDevice implements container.Instance: the device is allowed in the
// container's devices cgroup and its node created in its /dev/input.
func (in *instance) AddDevice(d spec.Device) error {
	cg, err := in.deviceCgroup()
	if err != nil {
		return err
	}
	return addDevice(cg, pidNodes(in.pid), d)
}

// RemoveDevice implements container.Instance. A node bound in at start
// (a mount point) cannot be unlinked from outside the container's mount
// namespace: it stays, denied.
func (in *instance) RemoveDevice(d spec.Device) error {
	cg, err := in.deviceCgroup()
	if err != nil {
		return err
	}
	return removeDevice(cg, pidNodes(in.pid), d)
}
