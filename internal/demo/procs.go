package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// procs starts the demo's daemons and stops them all, newest first.
type procs struct {
	logDir  string
	running []*daemon
}

// daemon is one started process; done is closed once it has exited, with
// err its exit status.
type daemon struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// start runs argv in the background with its output in logDir/name.log.
func (p *procs) start(name string, env []string, argv ...string) (*daemon, error) {
	logf, err := os.OpenFile(filepath.Join(p.logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), env...)
	// SIGTERM when the demo dies: a daemon stops what it started
	// (droidplexd its containers) before it exits.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := startDying(cmd, syscall.SIGTERM); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	d := &daemon{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { d.err = cmd.Wait(); close(d.done) }()
	p.running = append(p.running, d)
	return d, nil
}

// serving waits until d accepts connections on the unix socket at path,
// and fails at once, with the end of its log, if d exits first.
func (p *procs) serving(ctx context.Context, d *daemon, path string, timeout time.Duration) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-d.done:
			cancel()
		case <-wctx.Done():
		}
	}()
	err := waitSocket(wctx, "unix", path, timeout)
	select {
	case <-d.done:
		if ctx.Err() == nil {
			return fmt.Errorf("%s exited before serving %s (%v); its log (%s) ends: %s", d.name, path, d.err,
				filepath.Join(p.logDir, d.name+".log"), lastLine(filepath.Join(p.logDir, d.name+".log")))
		}
	default:
	}
	return err
}

// lastLine returns the last non-empty line of the file at path.
func lastLine(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// stopAll sends SIGTERM to every process group, newest first, and SIGKILL
// to any still running after a grace period.
func (p *procs) stopAll() {
	for i := len(p.running) - 1; i >= 0; i-- {
		d := p.running[i]
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-d.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
			<-d.done
		}
	}
	p.running = nil
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
