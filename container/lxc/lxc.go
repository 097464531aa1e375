// Package lxc is the LXC container runtime, and the only importer of
// go-lxc. Containers are started from a short-lived re-executed helper
// process, never from droidplexd itself: liblxc forks its monitor from the
// caller (so the monitor would keep a copy-on-write image of the daemon's
// heap) and moves the caller into the monitor's cgroups. The helper starts
// the container and exits; droidplexd then follows the init through a pidfd.
package lxc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	golxc "github.com/lxc/go-lxc"

	"droidplex/container"
	"droidplex/container/spec"
	"droidplex/internal/linux"
)

// Runtime runs containers with LXC. It implements container.Runtime.
type Runtime struct {
	// LXCPath is LXC's container directory (absolute).
	LXCPath string
	// Helper is the command that re-executes the caller's binary (default:
	// /proc/self/exe); the binary must call RunHelperIfRequested in main.
	Helper []string
	// ColdHelper execs a new helper at each start instead of keeping the
	// next one already running (waiting for a name on its stdin). Call
	// Close when done with a Runtime that keeps one.
	ColdHelper bool

	mu     sync.Mutex
	warm   *helperProc
	closed bool
}

func (r *Runtime) configPath(name string) string {
	return filepath.Join(r.LXCPath, name, "config")
}

// Exists implements container.Runtime: the container has an LXC config
// (what go-lxc's Defined checks, without loading it).
func (r *Runtime) Exists(name string) (bool, error) {
	_, err := os.Stat(r.configPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Create implements container.Runtime: the container's directory and its
// config rendered from s. The rootfs is never copied or owned: it is the
// shared read-only image.
func (r *Runtime) Create(s *spec.Spec) error {
	return r.writeConfig(s)
}

func (r *Runtime) writeConfig(s *spec.Spec) error {
	text, err := spec.Render(s)
	if err != nil {
		return err
	}
	dir := filepath.Join(r.LXCPath, s.Name)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	p := r.configPath(s.Name)
	if err := os.WriteFile(p+".tmp", []byte(text), 0o640); err != nil {
		return err
	}
	return os.Rename(p+".tmp", p)
}

// Start implements container.Runtime: it re-renders the config (device
// numbers may have changed), hands the name to a start helper and follows
// the init.
func (r *Runtime) Start(ctx context.Context, s *spec.Spec) (container.Instance, error) {
	if err := r.writeConfig(s); err != nil {
		return nil, err
	}
	out, err := r.runHelper(ctx, s.Name)
	if err != nil {
		_ = removeCgroups(s.Name)
		msg := strings.TrimSpace(out)
		if s.LogFile != "" {
			msg += " (see " + s.LogFile + ")"
		}
		return nil, fmt.Errorf("lxc start helper: %w: %s", err, msg)
	}
	in, err := r.attach(s.Name)
	if err != nil {
		return nil, fmt.Errorf("lxc %s started but: %w", s.Name, err)
	}
	return in, nil
}

// Attach implements container.Runtime.
func (r *Runtime) Attach(name string) (container.Instance, error) {
	return r.attach(name)
}

func (r *Runtime) attach(name string) (*instance, error) {
	c, err := golxc.NewContainer(name, r.LXCPath)
	if err != nil {
		return nil, fmt.Errorf("lxc %s: %w", name, err)
	}
	if !c.Running() {
		golxc.Release(c)
		return nil, fmt.Errorf("%s: %w", name, container.ErrNotRunning)
	}
	pid := c.InitPid()
	pidfd, err := c.InitPidFd()
	if err != nil {
		if pidfd, err = linux.PidfdOpen(pid); err != nil {
			golxc.Release(c)
			return nil, fmt.Errorf("%s: %w: %w", name, container.ErrNotRunning, err)
		}
	}
	in := &instance{c: c, pid: pid, done: make(chan struct{})}
	go func() {
		err := linux.PidfdWait(pidfd)
		pidfd.Close()
		in.mu.Lock()
		golxc.Release(in.c)
		in.c = nil
		in.mu.Unlock()
		in.err = err
		close(in.done)
	}()
	return in, nil
}

// instance is a running container's init, followed through its pidfd.
type instance struct {
	mu   sync.Mutex
	c    *golxc.Container // nil once the init has exited
	pid  int
	done chan struct{}
	err  error
}

func (in *instance) Pid() int { return in.pid }

// Wait returns once the init has exited (LXC's monitor then tears the
// container down on its own).
func (in *instance) Wait() error {
	<-in.done
	return in.err
}

// Stop shuts the container down with its halt signal, killing it if it
// does not stop within timeout.
func (in *instance) Stop(timeout time.Duration) error {
	if err := in.stop(timeout); err != nil {
		return err
	}
	<-in.done
	return nil
}

func (in *instance) stop(timeout time.Duration) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.c == nil {
		return nil
	}
	var err error
	if timeout >= time.Second {
		err = in.c.Shutdown(timeout)
	}
	if timeout < time.Second || err != nil {
		if kerr := in.c.Stop(); kerr != nil && !errors.Is(kerr, golxc.ErrNotRunning) {
			return fmt.Errorf("lxc stop %s: %w", in.c.Name(), kerr)
		}
	}
	return nil
}
