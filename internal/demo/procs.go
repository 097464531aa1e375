package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// procs starts the demo's daemons and stops them all, newest first.
type procs struct {
	logDir  string
	running []*exec.Cmd
	names   []string
}

// start runs argv in the background with its output in logDir/name.log.
func (p *procs) start(name string, env []string, argv ...string) (*exec.Cmd, error) {
	logf, err := os.OpenFile(filepath.Join(p.logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p.running = append(p.running, cmd)
	p.names = append(p.names, name)
	return cmd, nil
}

// stopAll sends SIGTERM to every process group, newest first, and SIGKILL
// to any still running after a grace period.
func (p *procs) stopAll() {
	for i := len(p.running) - 1; i >= 0; i-- {
		cmd := p.running[i]
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	p.running, p.names = nil, nil
}

// waitSocket waits until something accepts connections on the unix socket
// at path of kind ("unix" or "unixpacket").
func waitSocket(parent context.Context, kind, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	for {
		c, err := net.Dial(kind, path)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			if parent.Err() != nil {
				return fmt.Errorf("waiting for %s: %w", path, context.Cause(parent))
			}
			return fmt.Errorf("nothing listening on %s after %v: %w", path, timeout, errors.Join(err, ctx.Err()))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitFor polls cond until it returns true or the timeout passes.
func waitFor(parent context.Context, timeout time.Duration, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	var last error
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			if parent.Err() != nil {
				return fmt.Errorf("%s: %w", what, context.Cause(parent))
			}
			if last != nil {
				return fmt.Errorf("%s: not within %v: %w", what, timeout, last)
			}
			return fmt.Errorf("%s: not within %v", what, timeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
