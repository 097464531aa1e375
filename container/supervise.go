package container

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"droidplex/container/wire"
	"droidplex/internal/revert"
)

// Backoff is the restart policy for a container whose init died: the n-th
// consecutive restart waits Min·2ⁿ, at most Max. A run that lasted Stable
// resets the count.
type Backoff struct {
	Min, Max, Stable time.Duration
}

// DefaultBackoff waits 200ms, 400ms, ... up to 30s between restarts.
var DefaultBackoff = Backoff{Min: 200 * time.Millisecond, Max: 30 * time.Second, Stable: time.Minute}

// Delay returns the wait before restart number n (0-based).
func (b Backoff) Delay(n int) time.Duration {
	d := b.Min
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// running records inst as e's init and starts supervising it.
func (m *Manager) running(e *entry, inst Instance, undo *revert.Reverter) {
	m.mu.Lock()
	e.inst, e.undo = inst, undo
	e.exited = make(chan struct{})
	m.mu.Unlock()
	m.setState(e, wire.StateRunning, "")
	m.log.Info("container running", "container", e.conf.Name, "pid", inst.Pid())
	m.wg.Add(1)
	go m.supervise(e, inst, time.Now())
}

// supervise waits for inst to exit; if the container should still be
// running, it restarts it after a backoff.
func (m *Manager) supervise(e *entry, inst Instance, since time.Time) {
	defer m.wg.Done()
	err := inst.Wait()
	m.mu.Lock()
	undo, exited := e.undo, e.exited
	e.inst, e.undo, e.inputs = nil, nil, nil
	if time.Since(since) >= m.cfg.Backoff.Stable {
		e.starts = 0
	}
	m.mu.Unlock()
	if undo != nil {
		undo.Fail()
	}
	reason := "init exited"
	if err != nil {
		reason = fmt.Sprintf("init exited: %v", err)
	}
	// Whether the exit was wanted is read, and the state set, under the
	// lock a stop takes to clear want: a stop racing the init's death is
	// neither missed nor overwritten by "failed".
	m.mu.Lock()
	want := e.want
	if want {
		m.setStateLocked(e, wire.StateFailed, reason)
	} else {
		m.setStateLocked(e, wire.StateStopped, "")
	}
	m.mu.Unlock()
	close(exited)
	if !want {
		m.log.Info("container stopped", "container", e.conf.Name)
		return
	}
	m.log.Warn("container init died; restarting", "container", e.conf.Name, "err", err)
	m.restartLoop(e)
}

// restartLoop waits out the backoff and starts e again, until a start
// succeeds, the container is stopped, or the manager closes.
func (m *Manager) restartLoop(e *entry) {
	for {
		m.mu.Lock()
		delay := m.cfg.Backoff.Delay(e.starts)
		e.starts++
		wake := make(chan struct{})
		e.wake = wake
		m.mu.Unlock()
		t := time.NewTimer(delay)
		select {
		case <-m.ctx.Done():
			t.Stop()
			return
		case <-wake:
			t.Stop()
		case <-t.C:
		}
		e.op.Lock()
		m.mu.Lock()
		want, running := e.want, e.inst != nil
		if want && !running {
			e.runs++
		}
		m.mu.Unlock()
		if !want || running || m.ctx.Err() != nil {
			e.op.Unlock()
			return
		}
		m.setState(e, wire.StateStarting, "restart")
		inst, undo, err := m.launch(m.ctx, e)
		if err == nil {
			m.running(e, inst, undo)
			e.op.Unlock()
			return
		}
		// "failed" is set before the op lock goes, so a stop waiting for it
		// comes after and ends "stopped" (set after, it overwrote the stop's)
		m.setState(e, wire.StateFailed, err.Error())
		e.op.Unlock()
		m.log.Warn("container restart failed", "container", e.conf.Name, "err", err)
	}
}

// Stop stops name's init and waits until it has exited. Stopping a stopped
// container is a no-op.
func (m *Manager) Stop(ctx context.Context, name string) error {
	e, err := m.entry(name)
	if err != nil {
		return err
	}
	e.op.Lock()
	defer e.op.Unlock()
	return m.stop(ctx, e)
}

// stop runs with e.op held.
func (m *Manager) stop(ctx context.Context, e *entry) error {
	m.mu.Lock()
	e.want = false
	inst, exited, wake := e.inst, e.exited, e.wake
	e.wake = nil
	m.mu.Unlock()
	if wake != nil {
		close(wake) // end a pending restart wait
	}
	if inst == nil {
		if m.info(e).State != wire.StateStopped {
			m.setState(e, wire.StateStopped, "")
		}
		return nil
	}
	m.setState(e, wire.StateStopping, "")
	if err := inst.Stop(m.cfg.StopTimeout); err != nil {
		return fmt.Errorf("stop %s: %w", e.conf.Name, err)
	}
	select {
	case <-exited:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop %s: %w", e.conf.Name, ctx.Err())
	}
}

// Restart stops name (if running) and starts it again.
func (m *Manager) Restart(ctx context.Context, name string) error {
	e, err := m.entry(name)
	if err != nil {
		return err
	}
	e.op.Lock()
	defer e.op.Unlock()
	if err := m.created("restart", name); err != nil {
		return err
	}
	if err := m.stop(ctx, e); err != nil {
		return err
	}
	return m.start(ctx, e)
}

// StopAll stops every running container, all at once, so that it takes as
// long as the slowest init's stop and not their sum (droidplexd does this
// on exit when its containers cannot outlive it, under a deadline). The
// errors are joined in config order.
func (m *Manager) StopAll(ctx context.Context) error {
	errs := make([]error, len(m.order))
	var wg sync.WaitGroup
	for i, name := range m.order {
		wg.Go(func() { errs[i] = m.Stop(ctx, name) })
	}
	wg.Wait()
	return joinErrs(errs)
}

// Close ends supervision: pending restarts are dropped and the supervisors
// return once their inits exit. Containers are left as they are.
func (m *Manager) Close() {
	m.cancel()
}

// Wait waits for every supervisor to return (after Close and the inits'
// exit); tests use it to prove no goroutine is left behind.
func (m *Manager) Wait() { m.wg.Wait() }

func (m *Manager) setState(e *entry, state, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.setStateLocked(e, state, reason)
}

// setStateLocked records and publishes e's state with m.mu held, so the
// events come in the order the states were set (Publish never blocks).
func (m *Manager) setStateLocked(e *entry, state, reason string) {
	e.state, e.reason = state, reason
	if m.cfg.Events != nil {
		m.cfg.Events.Publish(wire.Event{Type: wire.EventContainerState,
			ContainerState: &wire.ContainerState{Container: e.conf.Name, State: state, Reason: reason}})
	}
}

// List returns every configured container, in config order.
func (m *Manager) List() []wire.ContainerInfo {
	out := make([]wire.ContainerInfo, 0, len(m.order))
	for _, n := range m.order {
		out = append(out, m.info(m.entries[n]))
	}
	return out
}

// Status returns one container.
func (m *Manager) Status(name string) (wire.ContainerInfo, error) {
	e, err := m.entry(name)
	if err != nil {
		return wire.ContainerInfo{}, err
	}
	return m.info(e), nil
}

func (m *Manager) info(e *entry) wire.ContainerInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	ci := wire.ContainerInfo{Name: e.conf.Name, State: e.state, Reason: e.reason,
		Autostart: e.conf.Autostart, Foreground: e.conf.Foreground, TelephonyOwner: e.conf.TelephonyOwner,
		Restarts: e.runs}
	if e.inst != nil {
		ci.Pid = e.inst.Pid()
	}
	return ci
}

func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}

// Act runs a start, stop or restart of name.
func (m *Manager) Act(ctx context.Context, name string, a wire.Action) error {
	switch a {
	case wire.ActionStart:
		return m.Start(ctx, name)
	case wire.ActionStop:
		return m.Stop(ctx, name)
	case wire.ActionRestart:
		return m.Restart(ctx, name)
	}
	return fmt.Errorf("%w %q", ErrBadAction, a)
}

// Adopt starts supervising the configured containers whose init already
// runs (left by an earlier droidplexd) and returns their names.
func (m *Manager) Adopt() []string {
	var adopted []string
	for _, name := range m.order {
		e := m.entries[name]
		e.op.Lock()
		if inst, err := m.cfg.Runtime.Attach(name); err == nil {
			m.mu.Lock()
			e.want, e.inputs, e.adopted = true, nil, true
			m.mu.Unlock()
			m.running(e, inst, m.adoptedUndo(name))
			adopted = append(adopted, name)
		}
		e.op.Unlock()
	}
	return adopted
}

// adoptedUndo is the host setup to undo once an adopted init (started by
// an earlier droidplexd) exits: the binderfs mounted for it then.
func (m *Manager) adoptedUndo(name string) *revert.Reverter {
	dir := PathsFor(m.cfg.File, name).Binder
	r := revert.New()
	r.Add(func() { m.cfg.Host.UnmountBinder(dir) })
	return r
}
