package inputproxy

import (
	"fmt"
	"slices"

	"droidplex/internal/revert"
)

// AddContainer gives container a clone of every device (a device unplugged
// meanwhile is skipped). On failure no clone of it is left.
func (r *Router) AddContainer(container string) error {
	if err := checkName(container); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.Contains(r.containers, container) {
		return nil
	}
	rev := revert.New()
	defer rev.Fail()
	var made []Sink
	for _, p := range r.pumps {
		s, err := r.b.Clone(container, p.caps)
		if err != nil {
			return fmt.Errorf("clone %s for %s: %w", p.path, container, err)
		}
		if !p.do(func(p *pump) { p.addClone(container, s) }) {
			// The device was unplugged just now: that is no failure of the
			// container, which gets the clones of every other device.
			_ = s.Close()
			continue
		}
		rev.Add(func() { _ = s.Close() })
		rev.Add(func() { p.do(func(p *pump) { p.removeClone(container) }) })
		made = append(made, s)
	}
	r.containers = append(r.containers, container)
	rev.Success()
	r.nodes(container, made, nil)
	return nil
}

// RemoveContainer destroys container's clones (after releasing whatever
// they hold, if it is the foreground) and reports their nodes to OnNodes.
// A foreground container stays the foreground (as droidplexd keeps it):
// when it gets clones again, they receive the input.
func (r *Router) RemoveContainer(container string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.containers = slices.DeleteFunc(r.containers, func(c string) bool { return c == container })
	var gone []Sink
	for _, p := range r.pumps {
		var s Sink
		p.do(func(p *pump) { s = p.removeClone(container) })
		if s != nil {
			gone = append(gone, s)
		}
	}
	// Reported even though the container is normally stopped by now: if
	// this was a late stop event and the container already runs again,
	// droidplexd takes the dead nodes out of it (and the clones its start
	// event brings are reported as added).
	r.nodes(container, nil, gone)
	for _, s := range gone {
		_ = s.Close()
	}
}

// SetForeground makes container the one that receives input. Every clone
// of the old foreground container is first released. "" routes nowhere.
func (r *Router) SetForeground(container string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.setForegroundLocked(container)
}

func (r *Router) setForegroundLocked(container string) {
	r.fg = container
	for _, p := range r.pumps {
		p.do(func(p *pump) { p.setForeground(container) })
	}
}

func (r *Router) onChord() {
	select {
	case r.chordCh <- struct{}{}:
	default:
	}
}

func (r *Router) chordSwitch() {
	r.mu.Lock()
	if len(r.containers) == 0 {
		r.mu.Unlock()
		return
	}
	i := slices.Index(r.containers, r.fg)
	next := r.containers[(i+1)%len(r.containers)]
	r.setForegroundLocked(next)
	r.mu.Unlock()
	r.log.Info("foreground switched by key chord", "container", next)
	if r.cfg.OnChord != nil {
		r.cfg.OnChord(next)
	}
}
