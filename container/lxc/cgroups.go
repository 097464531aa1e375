package lxc

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// cgroupRoots lists the mount points of every cgroup (v1) and cgroup2
// hierarchy in mountinfo.
func cgroupRoots(mountinfo []byte) []string {
	var roots []string
	s := bufio.NewScanner(bytes.NewReader(mountinfo))
	for s.Scan() {
		pre, post, ok := strings.Cut(s.Text(), " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 1 {
			continue
		}
		if g[0] == "cgroup" || g[0] == "cgroup2" {
			roots = append(roots, f[4])
		}
	}
	return roots
}

// removeCgroups removes container name's LXC cgroups that are empty (a
// failed start can leave lxc.monitor.<name> behind: liblxc moved the
// starting helper into it, so it could not remove it itself). Cgroups that
// still hold processes are kept: rmdir refuses them.
func removeCgroups(name string) error {
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	var errs []error
	for _, root := range cgroupRoots(mi) {
		for _, prefix := range []string{"lxc.payload.", "lxc.monitor."} {
			if err := removeTree(filepath.Join(root, prefix+name)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// removeTree rmdirs a cgroup directory and its child cgroups, deepest first.
func removeTree(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	slices.Reverse(dirs)
	for _, d := range dirs {
		if err := os.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
