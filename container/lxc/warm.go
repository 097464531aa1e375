package lxc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
)

// helperProc is one start helper: a fresh re-execution of the caller's
// binary, used for exactly one start. Runtime keeps the next one running
// ahead of time so a start does not wait for an exec and the Go runtime's
// start-up.
type helperProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	// out is a memfd, not a pipe: LXC's monitor, forked from the helper,
	// inherits it, and reading a pipe would wait for the monitor to close it.
	out *os.File
	// nice is its parent's priority, which it gets back for work.
	nice int
}

func (r *Runtime) spawn() (*helperProc, error) {
	helper := r.Helper
	if len(helper) == 0 {
		helper = []string{"/proc/self/exe"}
	}
	cmd := exec.Command(helper[0], helper[1:]...)
	nice, err := linux.Nice()
	if err != nil {
		return nil, err
	}
	cmd.Env = append(os.Environ(), helperEnv+"=-", helperPathEnv+"="+r.LXCPath, helperNiceEnv+"="+strconv.Itoa(nice))
	out, err := linux.MemfdCreate("lxc-start-helper", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	h := &helperProc{cmd: cmd, out: out, nice: nice}
	cmd.Stdout, cmd.Stderr = out, out
	if h.stdin, err = cmd.StdinPipe(); err != nil {
		out.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		h.stdin.Close()
		out.Close()
		return nil, fmt.Errorf("run start helper: %w", err)
	}
	_ = linux.SetNice(cmd.Process.Pid, min(nice+10, 19)) // while it starts up
	return h, nil
}

// take returns the waiting helper, or a new one.
func (r *Runtime) take() (*helperProc, error) {
	r.mu.Lock()
	h := r.warm
	r.warm = nil
	r.mu.Unlock()
	if h != nil {
		return h, nil
	}
	return r.spawn()
}

// scheduleRefill spawns the next helper. It spawns at once, at a lower CPU
// priority (nice +10), so its start-up does not slow the container that is
// booting on a small machine; once started up, before it waits for a name,
// it takes back its parent's priority.
func (r *Runtime) scheduleRefill() {
	if r.ColdHelper {
		return
	}
	r.refill()
}

// Warm starts the helper the next start will use (droidplexd calls it at
// start-up, so that even the first start does not wait for an exec).
func (r *Runtime) Warm() { r.scheduleRefill() }

// refill starts the next helper unless r is closed or has one.
func (r *Runtime) refill() {
	r.mu.Lock()
	skip := r.closed || r.warm != nil
	r.mu.Unlock()
	if skip {
		return
	}
	h, err := r.spawn()
	if err != nil {
		return // the next start spawns one itself
	}
	r.mu.Lock()
	if r.closed || r.warm != nil {
		r.mu.Unlock()
		h.dismiss()
		return
	}
	r.warm = h
	r.mu.Unlock()
}

// runHelper has a helper start container name and returns its output.
func (r *Runtime) runHelper(ctx context.Context, name string) (string, error) {
	h, err := r.take()
	if err != nil {
		return "", err
	}
	_ = linux.SetNice(h.cmd.Process.Pid, h.nice)
	if _, err := io.WriteString(h.stdin, name+"\n"); err != nil {
		// The waiting helper died; use a fresh one.
		h.dismiss()
		if h, err = r.spawn(); err != nil {
			return "", err
		}
		if _, err := io.WriteString(h.stdin, name+"\n"); err != nil {
			h.dismiss()
			return "", fmt.Errorf("start helper: %w", err)
		}
	}
	h.stdin.Close()
	defer r.scheduleRefill()
	done := make(chan error, 1)
	go func() { done <- h.cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = h.cmd.Process.Kill()
		<-done
		err = ctx.Err()
	}
	return h.output(), err
}

// output returns what the helper wrote (at most 4 KiB) and closes it.
func (h *helperProc) output() string {
	defer h.out.Close()
	b := make([]byte, 4096)
	n, _ := h.out.ReadAt(b, 0)
	return string(b[:n])
}

// dismiss ends a helper that was given no name: it exits on EOF.
func (h *helperProc) dismiss() {
	h.stdin.Close()
	_ = h.cmd.Wait()
	h.out.Close()
}

// Close ends the waiting helper. Containers keep running.
func (r *Runtime) Close() error {
	r.mu.Lock()
	r.closed = true
	h := r.warm
	r.warm = nil
	r.mu.Unlock()
	if h != nil {
		h.dismiss()
	}
	return nil
}

// errNoName is the helper's answer to an empty name.
var errNoName = errors.New("no container name on stdin")
