package inputproxy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"droidplex/inputproxy/route"
)

// Errors the injection API maps to HTTP statuses.
var (
	ErrUnknownContainer = errors.New("unknown container")
	ErrNoDevice         = errors.New("no device for this input")
	ErrOutOfRange       = errors.New("coordinates out of the touchscreen's range")
)

// DeviceStatus describes one routed device and its clones.
type DeviceStatus struct {
	Path    string          `json:"path"`
	Virtual bool            `json:"virtual,omitempty"`
	Caps    route.Caps      `json:"caps"`
	Clones  map[string]Node `json:"clones"`
}

// Status is the router's state, for the API.
type Status struct {
	Foreground  string         `json:"foreground"`
	Containers  []string       `json:"containers"`
	Devices     []DeviceStatus `json:"devices"`
	WriteErrors uint64         `json:"write_errors"`
}

// Status returns the router's state: containers, foreground, and every
// device with its clones' nodes.
func (r *Router) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := Status{Foreground: r.fg, Containers: slices.Clone(r.containers), WriteErrors: r.errs.Load()}
	for path, p := range r.pumps {
		ds := DeviceStatus{Path: path, Virtual: p.src == nil, Caps: p.caps, Clones: map[string]Node{}}
		p.do(func(p *pump) {
			for c, s := range p.clones {
				ds.Clones[c] = s.Node()
			}
		})
		st.Devices = append(st.Devices, ds)
	}
	sort.Slice(st.Devices, func(i, j int) bool { return st.Devices[i].Path < st.Devices[j].Path })
	return st
}

// pick returns the pump that injection of this kind uses: a real device
// if one fits, else a virtual one. The caller holds r.mu.
func (r *Router) pick(container string, fits func(*route.Caps) bool) (*pump, error) {
	if !slices.Contains(r.containers, container) {
		return nil, fmt.Errorf("%w %q", ErrUnknownContainer, container)
	}
	var best *pump
	for _, p := range r.pumps {
		if !fits(&p.caps) {
			continue
		}
		if best == nil || (best.src == nil && p.src != nil) || (best.src == nil) == (p.src == nil) && p.path < best.path {
			best = p
		}
	}
	if best == nil {
		return nil, ErrNoDevice
	}
	return best, nil
}

// inject writes frames to container's clone of the chosen device, one
// every interval.
func (r *Router) inject(ctx context.Context, container string, fits func(*route.Caps) bool, frames func(*route.Caps) ([][]route.Event, error), interval time.Duration) error {
	r.mu.Lock()
	p, err := r.pick(container, fits)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	fs, err := frames(&p.caps)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := 0; i < len(fs); i++ {
		if i > 0 && interval > 0 {
			t := time.NewTimer(interval)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		}
		if ctx.Err() != nil && i > 0 {
			// The client went away: finish the gesture so nothing stays down.
			i = len(fs) - 1
		}
		var werr error
		if !p.do(func(p *pump) { werr = p.inject(container, fs[i]) }) {
			return fmt.Errorf("inject into %s: device %s gone", container, p.path)
		}
		if werr != nil {
			return fmt.Errorf("inject into %s via %s: %w", container, p.path, werr)
		}
	}
	return ctx.Err()
}

func touchscreen(c *route.Caps) bool { return c.Touchscreen() }

func inRange(c *route.Caps, x, y int32) error {
	ax, ay := c.TouchRange()
	if x < ax.Minimum || x > ax.Maximum || y < ay.Minimum || y > ay.Maximum {
		return fmt.Errorf("%w: (%d,%d) not in %d..%d × %d..%d", ErrOutOfRange, x, y, ax.Minimum, ax.Maximum, ay.Minimum, ay.Maximum)
	}
	return nil
}

// Tap taps at (x, y), in the touchscreen's own units, in container.
func (r *Router) Tap(ctx context.Context, container string, x, y int32) error {
	return r.inject(ctx, container, touchscreen, func(c *route.Caps) ([][]route.Event, error) {
		if err := inRange(c, x, y); err != nil {
			return nil, err
		}
		return c.Touch().Tap(x, y), nil
	}, 0)
}

// Swipe swipes from (x1, y1) to (x2, y2) over d in container.
func (r *Router) Swipe(ctx context.Context, container string, x1, y1, x2, y2 int32, d time.Duration) error {
	steps := min(max(int(d/(10*time.Millisecond)), 1), 200)
	return r.inject(ctx, container, touchscreen, func(c *route.Caps) ([][]route.Event, error) {
		if err := inRange(c, x1, y1); err != nil {
			return nil, err
		}
		if err := inRange(c, x2, y2); err != nil {
			return nil, err
		}
		return c.Touch().Swipe(x1, y1, x2, y2, steps), nil
	}, d/time.Duration(steps+1))
}

// Key presses and releases key code in container.
func (r *Router) Key(ctx context.Context, container string, code uint16) error {
	return r.inject(ctx, container, func(c *route.Caps) bool { return c.Has(route.EvKey, code) },
		func(*route.Caps) ([][]route.Event, error) { return route.KeyPress(code), nil }, 0)
}

// Text types s (US layout) in container.
func (r *Router) Text(ctx context.Context, container, s string) error {
	frames, err := route.Text(s)
	if err != nil {
		return err
	}
	return r.inject(ctx, container, func(c *route.Caps) bool { return c.Has(route.EvKey, route.KeyLeftShift) && c.Has(route.EvKey, 30) },
		func(*route.Caps) ([][]route.Event, error) { return frames, nil }, 0)
}
