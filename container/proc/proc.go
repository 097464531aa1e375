// Package proc is the plain-process container runtime: a stand-in container
// is its init run as an ordinary process in its own mount and pid
// namespaces, with a private /dev holding only its allowed nodes, its proxy
// sockets at /dev/droidplex and /dev/socket, and the other containers'
// runtime directories hidden. It needs no LXC and no Android kernel, so the
// demo and the kernel-less tests use it. The init is the image's (RootFS
// joined with Init[0]) but runs on the host's filesystem: RootFS is not
// entered. /data and /sdcard are passed as
// DROIDPLEX_DATA and DROIDPLEX_SDCARD. It sets no cgroup limits and mounts
// no /system overlay: those are the LXC runtime's.
//
// The namespace setup runs in a re-executed helper (the caller's own binary,
// which must call RunHelperIfRequested first thing in main or TestMain)
// between fork and the init's exec.
package proc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"droidplex/container"
	"droidplex/container/spec"
	"droidplex/internal/linux"
)

// Runtime runs stand-in containers as processes. It implements
// container.Runtime.
type Runtime struct {
	// Root holds one directory per created container: spec.json, pid and
	// console.log.
	Root string
	// Helper is the command that re-executes the caller's binary (default:
	// /proc/self/exe).
	Helper []string
}

func (r *Runtime) dir(name string) string { return filepath.Join(r.Root, name) }

// Exists implements container.Runtime.
func (r *Runtime) Exists(name string) (bool, error) {
	_, err := os.Stat(filepath.Join(r.dir(name), "spec.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Create implements container.Runtime: the root directory and spec.json.
func (r *Runtime) Create(s *spec.Spec) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(r.dir(s.Name), 0o700); err != nil {
		return err
	}
	return r.writeSpec(s)
}

func (r *Runtime) writeSpec(s *spec.Spec) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(r.dir(s.Name), "spec.json")
	if err := os.WriteFile(p+".tmp", b, 0o600); err != nil {
		return err
	}
	return os.Rename(p+".tmp", p)
}

// Start implements container.Runtime. It returns once the helper has set up
// the namespaces and exec'd the init, or with the helper's error.
func (r *Runtime) Start(ctx context.Context, s *spec.Spec) (container.Instance, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := r.writeSpec(s); err != nil {
		return nil, err
	}
	dir := r.dir(s.Name)
	console, err := os.OpenFile(filepath.Join(dir, "console.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer console.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	helper := r.Helper
	if len(helper) == 0 {
		helper = []string{"/proc/self/exe"}
	}
	cmd := exec.Command(helper[0], helper[1:]...)
	cmd.Env = append(os.Environ(), helperEnv+"="+filepath.Join(dir, "spec.json"))
	cmd.Stdout, cmd.Stderr = console, console
	cmd.ExtraFiles = []*os.File{pw} // fd 3: setup errors; closed by the init's exec
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID, Setsid: true}
	err = cmd.Start()
	pw.Close()
	if err != nil {
		return nil, fmt.Errorf("run helper: %w", err)
	}
	in := newChild(cmd)
	msg := make(chan string, 1)
	go func() {
		b, _ := readAll(pr)
		msg <- b
	}()
	select {
	case m := <-msg:
		if m != "" {
			_ = in.Stop(0)
			return nil, fmt.Errorf("container setup: %s", m)
		}
	case <-ctx.Done():
		_ = in.Stop(0)
		return nil, ctx.Err()
	}
	if err := os.WriteFile(filepath.Join(dir, "pid"), []byte(pidLine(in.Pid())), 0o600); err != nil {
		_ = in.Stop(0)
		return nil, err
	}
	return in, nil
}

func readAll(f *os.File) (string, error) {
	var b strings.Builder
	buf := make([]byte, 512)
	for b.Len() < 4096 {
		n, err := f.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String(), nil
}

// pidLine is "PID STARTTIME": the start time tells a recycled pid apart.
func pidLine(pid int) string { return fmt.Sprintf("%d %s\n", pid, startTime(pid)) }

func startTime(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19] // field 22 of stat
}

// Attach implements container.Runtime: the init recorded in the pid file,
// if it still runs.
func (r *Runtime) Attach(name string) (container.Instance, error) {
	b, err := os.ReadFile(filepath.Join(r.dir(name), "pid"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, container.ErrNotRunning)
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return nil, fmt.Errorf("%s: %w", name, container.ErrNotRunning)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 1 || startTime(pid) != f[1] {
		return nil, fmt.Errorf("%s: %w", name, container.ErrNotRunning)
	}
	pidfd, err := linux.PidfdOpen(pid)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, container.ErrNotRunning)
	}
	if startTime(pid) != f[1] { // recycled between the check and the open
		pidfd.Close()
		return nil, fmt.Errorf("%s: %w", name, container.ErrNotRunning)
	}
	return newAttached(pid, pidfd), nil
}

// instance is a running init: a child (Wait from exec) or an adopted one
// (pidfd).
type instance struct {
	pid  int
	done chan struct{}
	err  error
}

func newChild(cmd *exec.Cmd) *instance {
	in := &instance{pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		in.err = cmd.Wait()
		close(in.done)
	}()
	return in
}

func newAttached(pid int, pidfd *os.File) *instance {
	in := &instance{pid: pid, done: make(chan struct{})}
	go func() {
		in.err = linux.PidfdWait(pidfd)
		pidfd.Close()
		close(in.done)
	}()
	return in
}

func (in *instance) Pid() int { return in.pid }

func (in *instance) Wait() error {
	<-in.done
	return in.err
}

// AddDevice implements container.Instance: the node is created in the
// private /dev (there is no devices cgroup).
func (in *instance) AddDevice(d spec.Device) error {
	if in.exited() {
		return container.ErrNotRunning
	}
	return container.MakeNode(in.pid, d)
}

// RemoveDevice implements container.Instance.
func (in *instance) RemoveDevice(d spec.Device) error {
	if in.exited() {
		return container.ErrNotRunning
	}
	return container.RemoveNode(in.pid, d)
}

// exited reports whether the init is gone (its pid may name another
// process by now).
func (in *instance) exited() bool {
	select {
	case <-in.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM, then SIGKILL after timeout. Killing the init of a pid
// namespace kills every process in it.
func (in *instance) Stop(timeout time.Duration) error {
	select {
	case <-in.done:
		return nil
	default:
	}
	if timeout > 0 {
		_ = linux.Kill(in.pid, syscall.SIGTERM)
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case <-in.done:
			return nil
		case <-t.C:
		}
	}
	_ = linux.Kill(in.pid, syscall.SIGKILL)
	<-in.done
	return nil
}
