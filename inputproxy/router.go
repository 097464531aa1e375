package inputproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"droidplex/inputproxy/route"
)

// RouterConfig is what the Router routes and how.
type RouterConfig struct {
	// Devices lists the real devices to route (paths under /dev/input, or
	// links to them such as /dev/input/by-id/...). Empty: every
	// touchscreen and every device with keys.
	Devices []string
	// Chord is the key chord that switches the foreground to the next
	// container; it is never delivered. Its keys may be on different
	// devices. Empty: no chord.
	Chord []uint16
	// Virtual: create a virtual touchscreen and keyboard at start when no
	// real one exists, so injection has somewhere to go.
	Virtual bool
	// VirtualWidth and VirtualHeight size the virtual touchscreen.
	VirtualWidth, VirtualHeight int32
	// OnChord is called on Run's goroutine with the new foreground after
	// the chord switched it (to tell droidplexd); it must not block long.
	OnChord func(container string)
	// OnNodes is told which clone nodes a container gained (a device was
	// plugged in, or the container was given clones) or lost (a device
	// went away), so droidplexd can change a running container's
	// /dev/input. It is called with the router's lock held and must not
	// block. Clones without a node (recording) are not reported.
	OnNodes func(container string, added, removed []Node)
}

// virtualPrefix names the pumps of virtual devices.
const virtualPrefix = "virtual:"

// Router routes real input devices to the foreground container's clones.
type Router struct {
	b   Backend
	cfg RouterConfig
	log *slog.Logger

	mu         sync.Mutex
	containers []string
	fg         string
	pumps      map[string]*pump
	opening    map[string][]bool // paths being opened: hot-plug reports (added?) that came meanwhile
	stop       chan struct{}
	closed     bool

	wg      sync.WaitGroup
	chord   *route.Chord
	chordCh chan struct{}
	errs    atomic.Uint64
}

// NewRouter returns a router over backend b. Call Run to start it.
func NewRouter(b Backend, cfg RouterConfig, log *slog.Logger) *Router {
	return &Router{b: b, cfg: cfg, log: log, pumps: map[string]*pump{}, opening: map[string][]bool{},
		stop: make(chan struct{}), chord: route.NewChord(cfg.Chord), chordCh: make(chan struct{}, 1)}
}

// accept is the device selection policy.
func (r *Router) accept(path string) func(*route.Caps) bool {
	return func(c *route.Caps) bool {
		if strings.HasPrefix(c.Phys, ClonePhys) {
			return false
		}
		if len(r.cfg.Devices) > 0 {
			return slices.ContainsFunc(r.cfg.Devices, func(d string) bool {
				// Configured paths may be links (/dev/input/by-id/...).
				real, err := filepath.EvalSymlinks(d)
				return d == path || (err == nil && real == path)
			})
		}
		return c.Touchscreen() || c.Keys()
	}
}

// Run opens the devices present, follows hot-plug and routes until ctx
// ends; then it destroys every clone and releases every device.
func (r *Router) Run(ctx context.Context) error {
	wait, err := r.b.Watch(ctx, func(path string, added bool) {
		if added {
			r.addDevice(path)
		} else {
			r.removeDevice(path)
		}
	})
	if err != nil {
		return fmt.Errorf("watch input devices: %w", err)
	}
	paths, err := r.b.List()
	if err != nil {
		r.log.Warn("list input devices", "err", err)
	}
	for _, p := range paths {
		r.addDevice(p)
	}
	if r.cfg.Virtual {
		r.addVirtual()
	}
	for {
		select {
		case <-ctx.Done():
			wait()
			r.shutdown()
			return nil
		case <-r.chordCh:
			r.chordSwitch()
		}
	}
}

func (r *Router) shutdown() {
	r.mu.Lock()
	r.closed = true
	close(r.stop)
	for _, p := range r.pumps {
		if p.src != nil {
			_ = p.src.Close()
		}
	}
	r.mu.Unlock()
	r.wg.Wait()
}

func (r *Router) addVirtual() {
	r.mu.Lock()
	var touch, keys bool
	for _, p := range r.pumps {
		touch = touch || p.caps.Touchscreen()
		keys = keys || p.caps.Keys()
	}
	r.mu.Unlock()
	if !touch {
		r.addPump(virtualPrefix+"touchscreen", route.VirtualTouchscreen(r.cfg.VirtualWidth, r.cfg.VirtualHeight), nil)
	}
	if !keys {
		r.addPump(virtualPrefix+"keyboard", route.VirtualKeyboard(), nil)
	}
}

func (r *Router) addDevice(path string) {
	r.mu.Lock()
	_, have := r.pumps[path]
	pending, busy := r.opening[path]
	switch {
	case busy:
		// Either a second report of the device being opened (hot-plug
		// and the initial listing) or a replug that came while it was
		// opened: looked at again once the open is done.
		r.opening[path] = append(pending, true)
	case !have:
		r.opening[path] = nil
	}
	r.mu.Unlock()
	if have || busy {
		return
	}
	r.open(path)
	r.mu.Lock()
	pending = r.opening[path]
	delete(r.opening, path)
	r.mu.Unlock()
	for _, added := range pending {
		if added {
			r.addDevice(path)
		} else {
			r.removeDevice(path)
		}
	}
}

func (r *Router) open(path string) {
	src, caps, err := r.b.Open(path, r.accept(path))
	if errors.Is(err, ErrNotRouted) {
		r.log.Debug("input device not routed", "path", path, "name", caps.Name)
		return
	}
	if err != nil {
		r.log.Warn("open input device", "path", path, "err", err)
		return
	}
	r.addPump(path, caps, src)
}

// addPump clones the device into every container and starts its pump. It
// takes ownership of src.
func (r *Router) addPump(path string, caps route.Caps, src Source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, have := r.pumps[path]; have || r.closed {
		if src != nil {
			_ = src.Close()
		}
		return
	}
	p := newPump(path, caps, src, r.chord, r.onChord, &r.errs)
	p.fgName = r.fg
	for _, c := range r.containers {
		s, err := r.b.Clone(c, caps)
		if err != nil {
			r.log.Warn("clone input device", "path", path, "container", c, "err", err)
			continue
		}
		p.addClone(c, s)
		r.nodes(c, []Sink{s}, nil)
	}
	r.pumps[path] = p
	r.log.Info("routing input device", "path", path, "device", caps.Describe())
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		err := p.run(r.stop)
		r.pumpEnded(p, err)
	}()
}

func (r *Router) pumpEnded(p *pump, err error) {
	r.mu.Lock()
	if r.pumps[p.path] == p {
		delete(r.pumps, p.path)
	}
	closing := r.closed
	r.mu.Unlock()
	if !closing {
		r.log.Info("input device gone", "path", p.path, "err", err)
	}
	// The pump goroutine has ended: its fields are ours now.
	p.write(p.fg, p.dev.Release())
	if !closing {
		r.mu.Lock()
		for c, s := range p.clones {
			r.nodes(c, nil, []Sink{s})
		}
		r.mu.Unlock()
	}
	for _, s := range p.clones {
		_ = s.Close()
	}
	if p.src != nil {
		_ = p.src.Close()
	}
}

func (r *Router) removeDevice(path string) {
	r.mu.Lock()
	if pending, busy := r.opening[path]; busy {
		// Unplugged while being opened: the pump the open adds is removed
		// once it is there.
		r.opening[path] = append(pending, false)
		r.mu.Unlock()
		return
	}
	p := r.pumps[path]
	if p != nil && p.src != nil {
		// Forgotten at once: a device plugged in at the same node before
		// this pump has ended is a new device, not a duplicate report.
		delete(r.pumps, path)
	}
	r.mu.Unlock()
	if p != nil && p.src != nil {
		_ = p.src.Close() // the pump's read fails; pumpEnded cleans up
	}
}

// nodes reports added and removed clones' nodes to OnNodes; r.mu is held.
func (r *Router) nodes(container string, added, removed []Sink) {
	if r.cfg.OnNodes == nil {
		return
	}
	var a, d []Node
	for _, s := range added {
		if n := s.Node(); n.Path != "" {
			a = append(a, n)
		}
	}
	for _, s := range removed {
		if n := s.Node(); n.Path != "" {
			d = append(d, n)
		}
	}
	if len(a)+len(d) > 0 {
		r.cfg.OnNodes(container, a, d)
	}
}
