package container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"droidplex/container/spec"
	"droidplex/internal/linux"
)

// ErrBadNode: a device node handed to a running container is not a
// character device under /dev/input.
var ErrBadNode = errors.New("invalid input node")

// InputDevice describes the input clone node at host path hostPath, with
// device number major:minor, as a device of a container: the node keeps
// its name under the container's /dev/input.
func InputDevice(hostPath string, major, minor uint32) (spec.Device, error) {
	if !path.IsAbs(hostPath) || path.Clean(hostPath) != hostPath || strings.ContainsAny(hostPath, " \t\r\n\\#") ||
		major == 0 || path.Base(hostPath) == "/" {
		return spec.Device{}, fmt.Errorf("%w: %q (%d:%d)", ErrBadNode, hostPath, major, minor)
	}
	return spec.Device{Host: hostPath, Path: "/dev/input/" + path.Base(hostPath), Type: 'c', Major: major, Minor: minor}, nil
}

// inputName checks that d is a character node directly in /dev/input and
// returns its name there.
func inputName(d spec.Device) (string, error) {
	dir, name := path.Split(d.Path)
	if dir != "/dev/input/" || name == "" || name == "." || name == ".." || d.Type != 'c' || d.Major == 0 {
		return "", fmt.Errorf("%w: %q %c %d:%d", ErrBadNode, d.Path, d.Type, d.Major, d.Minor)
	}
	return name, nil
}

// openInputDir opens the running init pid's /dev/input (creating it if
// missing), resolved inside the container's root so that links the
// container made cannot lead out of it.
func openInputDir(pid int, create bool) (*os.File, error) {
	root, err := os.Open(fmt.Sprintf("/proc/%d/root", pid))
	if err != nil {
		return nil, err
	}
	defer root.Close()
	dir, err := linux.OpenInRoot(root, "dev/input")
	if !create || !errors.Is(err, fs.ErrNotExist) {
		return dir, err
	}
	dev, err := linux.OpenInRoot(root, "dev")
	if err != nil {
		return nil, err
	}
	defer dev.Close()
	if err := linux.MkdirAt(dev, "input", 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return linux.OpenInRoot(root, "dev/input")
}

// MakeNode creates device node d (d.Path under /dev/input) in the mount
// namespace of the running init pid, readable and writable by all (the
// devices cgroup is what guards it). A node already there with d's number
// is kept; one with another number or type is an error.
func MakeNode(pid int, d spec.Device) error {
	name, err := inputName(d)
	if err != nil {
		return err
	}
	dir, err := openInputDir(pid, true)
	if err != nil {
		return fmt.Errorf("container /dev/input: %w", err)
	}
	defer dir.Close()
	want := linux.Mkdev(d.Major, d.Minor)
	err = linux.MknodAt(dir, name, unix.S_IFCHR, want, 0o666)
	if errors.Is(err, fs.ErrExist) {
		mode, rdev, serr := linux.LstatAt(dir, name)
		if serr == nil && mode == unix.S_IFCHR && rdev == want {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("create %s in container: %w", d.Path, err)
	}
	return nil
}

// RemoveNode removes device node d from the mount namespace of the running
// init pid. A missing node, or one that is now another device, is left
// alone and is not an error.
func RemoveNode(pid int, d spec.Device) error {
	name, err := inputName(d)
	if err != nil {
		return err
	}
	dir, err := openInputDir(pid, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("container /dev/input: %w", err)
	}
	defer dir.Close()
	mode, rdev, err := linux.LstatAt(dir, name)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && (mode != unix.S_IFCHR || rdev != linux.Mkdev(d.Major, d.Minor))) {
		return nil
	}
	if err == nil {
		err = linux.UnlinkAt(dir, name)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s from container: %w", d.Path, err)
	}
	return nil
}
