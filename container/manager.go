package container

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"droidplex/container/config"
	"droidplex/container/spec"
	"droidplex/container/wire"
	"droidplex/internal/revert"
	"droidplex/kernel"
)

// Config is what a Manager needs.
type Config struct {
	File    *config.File
	Runtime Runtime
	Host    Host
	Events  Publisher
	// Inputs gives containers their input clones (nil: none). When it
	// fails, the container starts without them.
	Inputs Inputs
	Log    *slog.Logger
	// Backoff is the restart policy (zero value: DefaultBackoff).
	Backoff Backoff
	// StopTimeout is how long a stopping init gets before it is killed
	// (0: 10s).
	StopTimeout time.Duration
	// InputsTimeout bounds the wait for Inputs (0: 5s): a container starts
	// without clones rather than wait for an input proxy that does not answer.
	InputsTimeout time.Duration
}

// Manager owns the configured containers' lifecycle.
type Manager struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context // ends at Close: stops supervision
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*entry
	order   []string
}

// entry is one container's live state. op serializes lifecycle operations
// on it; the fields below are guarded by Manager.mu.
type entry struct {
	op     sync.Mutex
	conf   config.Container
	state  string
	reason string
	inst   Instance
	undo   *revert.Reverter       // host setup to undo after the init exits
	inputs map[string]spec.Device // input clone nodes given to the running init, by path
	want   bool                   // supervision should keep it running
	starts int                    // consecutive failed runs, for backoff
	runs   int                    // restarts after the init died
	wake   chan struct{}          // closed to cut a backoff wait short
	exited chan struct{}          // closed when the supervised init is gone

	// adopted: the running init was started by an earlier droidplexd, so
	// the input nodes it was given before are not in inputs.
	adopted bool
}

// New returns a Manager for cfg.File's containers. Nothing starts until
// Ensure or Start is called.
func New(cfg Config) *Manager {
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.StopTimeout == 0 {
		cfg.StopTimeout = 10 * time.Second
	}
	if cfg.InputsTimeout == 0 {
		cfg.InputsTimeout = 5 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{cfg: cfg, log: cfg.Log, ctx: ctx, cancel: cancel, entries: map[string]*entry{}}
	for _, c := range cfg.File.Containers {
		m.entries[c.Name] = &entry{conf: c, state: wire.StateStopped}
		m.order = append(m.order, c.Name)
	}
	return m
}

// Exists reports whether name is a configured container.
func (m *Manager) Exists(name string) bool {
	_, ok := m.entries[name]
	return ok
}

func (m *Manager) entry(name string) (*entry, error) {
	e, ok := m.entries[name]
	if !ok {
		return nil, fmt.Errorf("%q: %w", name, ErrUnknown)
	}
	return e, nil
}

// Ensure creates name if it does not exist yet, then starts it unless it is
// running: the boot-time master's request.
func (m *Manager) Ensure(ctx context.Context, name string) (wire.EnsureResult, error) {
	e, err := m.entry(name)
	if err != nil {
		return wire.EnsureResult{}, err
	}
	e.op.Lock()
	defer e.op.Unlock()
	res := wire.EnsureResult{Container: name}
	ok, err := m.cfg.Runtime.Exists(name)
	if err != nil {
		return res, fmt.Errorf("ensure %s: %w", name, err)
	}
	if !ok {
		if err := m.create(e); err != nil {
			return res, err
		}
		res.Created = true
	}
	if err := m.start(ctx, e); err != nil {
		return res, err
	}
	res.State = m.info(e).State
	return res, nil
}

func (m *Manager) create(e *entry) error {
	s := BuildSpec(m.cfg.File, e.conf, nil)
	if err := m.cfg.Runtime.Create(s); err != nil {
		return fmt.Errorf("create %s: %w", e.conf.Name, err)
	}
	m.log.Info("container created", "container", e.conf.Name)
	return nil
}

// Start starts name (it must exist); starting a running container is a no-op.
func (m *Manager) Start(ctx context.Context, name string) error {
	e, err := m.entry(name)
	if err != nil {
		return err
	}
	e.op.Lock()
	defer e.op.Unlock()
	if err := m.created("start", name); err != nil {
		return err
	}
	return m.start(ctx, e)
}

// created returns an error matching ErrNotCreated if name was never
// created (only Ensure creates).
func (m *Manager) created(op, name string) error {
	ok, err := m.cfg.Runtime.Exists(name)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	if !ok {
		return fmt.Errorf("%s %s: %w", op, name, ErrNotCreated)
	}
	return nil
}

// start runs with e.op held.
func (m *Manager) start(ctx context.Context, e *entry) error {
	m.mu.Lock()
	running := e.inst != nil
	e.want = true
	m.mu.Unlock()
	if running {
		return nil
	}
	m.setState(e, wire.StateStarting, "")
	inst, undo, err := m.launch(ctx, e)
	if err != nil {
		// Started behind droidplexd's back (or left by an earlier one)?
		if inst, aerr := m.cfg.Runtime.Attach(e.conf.Name); aerr == nil {
			m.log.Info("container already running; supervising it", "container", e.conf.Name, "pid", inst.Pid())
			m.mu.Lock()
			e.inputs, e.adopted = nil, true
			m.mu.Unlock()
			m.running(e, inst, m.adoptedUndo(e.conf.Name))
			return nil
		}
		m.setState(e, wire.StateFailed, err.Error())
		return err
	}
	m.running(e, inst, undo)
	return nil
}

// launch prepares the host and starts the init; on failure everything it
// set up is undone.
func (m *Manager) launch(ctx context.Context, e *entry) (Instance, *revert.Reverter, error) {
	name := e.conf.Name
	r := revert.New()
	defer r.Fail()
	devs, err := m.prepare(e.conf, r)
	if err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", name, err)
	}
	clones := m.clones(ctx, name)
	s := BuildSpec(m.cfg.File, e.conf, devs)
	inst, err := m.cfg.Runtime.Start(ctx, s)
	if err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", name, err)
	}
	// Input clones are given to the running container like hot-plugged
	// devices (made nodes, not LXC bind mounts), so that a clone whose real
	// device is unplugged can be taken out again.
	m.mu.Lock()
	e.inputs, e.adopted = nil, false // a new init
	m.mu.Unlock()
	for _, d := range clones {
		if err := m.giveInput(e, inst, d); err != nil {
			m.log.Warn("input clone not given", "container", name, "node", d.Path, "err", err)
		}
	}
	return inst, r.Clone(), nil
}

// prepare makes the host directories, the /dev/socket links and binderfs,
// and lists the device nodes the container gets.
func (m *Manager) prepare(c config.Container, r *revert.Reverter) ([]spec.Device, error) {
	h := m.cfg.Host
	p := PathsFor(m.cfg.File, c.Name)
	dirs := []string{p.State, p.Socket, p.Run, c.Data}
	if c.Sdcard != "" {
		dirs = append(dirs, c.Sdcard)
	}
	if c.System != "" {
		dirs = append(dirs, p.Upper, p.Work)
	}
	for _, d := range dirs {
		if err := h.MkdirAll(d); err != nil {
			return nil, err
		}
	}
	for _, link := range slices.Sorted(maps.Keys(SocketLinks)) {
		if err := h.Symlink(SocketLinks[link], filepath.Join(p.Socket, link)); err != nil {
			return nil, err
		}
	}
	var devs []spec.Device
	for _, d := range spec.StandardDevices {
		hd, err := h.Device(d.Host)
		if errors.Is(err, fs.ErrNotExist) {
			continue // only nodes the host has
		}
		if err != nil {
			return nil, err
		}
		devs = append(devs, hd)
	}
	for i, n := range slices.Concat(c.Input, c.Devices) {
		d, err := h.Device(n)
		if err != nil {
			return nil, fmt.Errorf("device %s: %w", n, err)
		}
		if i < len(c.Input) {
			d.Path = "/dev/input/" + filepath.Base(n)
		}
		devs = append(devs, d)
	}
	if err := h.MkdirAll(p.Binder); err != nil {
		return nil, err
	}
	bdevs, undo, err := h.Binder(p.Binder)
	switch {
	case errors.Is(err, kernel.ErrNotSupported):
		m.log.Debug("no binderfs; container gets no binder nodes", "container", c.Name, "err", err)
	case err != nil:
		return nil, fmt.Errorf("binderfs: %w", err)
	default:
		r.Add(undo)
		devs = append(devs, bdevs...)
	}
	return devs, nil
}

// clones asks Inputs for name's input clones; without them the container
// still boots (inputproxyd may not be running yet).
func (m *Manager) clones(ctx context.Context, name string) []spec.Device {
	if m.cfg.Inputs == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.InputsTimeout)
	defer cancel()
	devs, err := m.cfg.Inputs.Clones(ctx, name)
	if err != nil {
		m.log.Warn("starting without input clones", "container", name, "err", err)
		return nil
	}
	for i := range devs {
		devs[i].Path = "/dev/input/" + filepath.Base(devs[i].Host)
	}
	return devs
}
