// Package inputproxytest fakes inputproxy's OS edge on pipes: a Backend
// whose real devices are pipes the test writes events into, and whose
// clones record every frame written to them as a text transcript.
package inputproxytest

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"droidplex/inputproxy"
	"droidplex/inputproxy/route"
)

// Backend is a recording inputproxy.Backend.
type Backend struct {
	mu      sync.Mutex
	cond    *sync.Cond
	devices map[string]*Device
	all     []*Device
	watch   func(path string, added bool)
	log     []string
	minor   uint32
	// FailClone makes Clone fail for this container (to test cleanup).
	FailClone string
}

// NewBackend returns an empty fake backend.
func NewBackend() *Backend {
	b := &Backend{devices: map[string]*Device{}, minor: 64}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// Device is a fake real device: the test writes events into it.
type Device struct {
	b     *Backend
	path  string
	caps  route.Caps
	r, w  *os.File
	once  sync.Once
	mu    sync.Mutex
	state route.State
}

// Plug adds a device (announced to a running Watch) and returns it. The
// caller must Unplug it or let the router close it.
func (b *Backend) Plug(path string, caps route.Caps) *Device {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	d := &Device{b: b, path: path, caps: caps, r: r, w: w}
	d.state.Reset()
	b.mu.Lock()
	b.devices[path] = d
	b.all = append(b.all, d)
	fn := b.watch
	b.mu.Unlock()
	if fn != nil {
		fn(path, true)
	}
	return d
}

// Send writes events as the device would report them.
func (d *Device) Send(evs ...route.Event) {
	d.mu.Lock()
	for _, e := range evs {
		d.state.Apply(e)
	}
	d.mu.Unlock()
	if _, err := d.w.Write(route.AppendEncode(nil, evs...)); err != nil {
		panic(fmt.Sprintf("fake device %s: %v", d.path, err))
	}
}

// SendRaw writes raw bytes (possibly partial records).
func (d *Device) SendRaw(b []byte) {
	if _, err := d.w.Write(b); err != nil {
		panic(err)
	}
}

// Unplug removes the device: readers see it gone, a Watch is told.
func (d *Device) Unplug() {
	d.w.Close()
	d.b.mu.Lock()
	delete(d.b.devices, d.path)
	fn := d.b.watch
	d.b.mu.Unlock()
	if fn != nil {
		fn(d.path, false)
	}
}

// Open implements inputproxy.Backend.
func (b *Backend) Open(path string, accept func(*route.Caps) bool) (inputproxy.Source, route.Caps, error) {
	b.mu.Lock()
	d := b.devices[path]
	b.mu.Unlock()
	if d == nil {
		return nil, route.Caps{}, fmt.Errorf("open %s: %w", path, os.ErrNotExist)
	}
	if !accept(&d.caps) {
		return nil, d.caps, inputproxy.ErrNotRouted
	}
	b.record("grab %s %q", path, d.caps.Name)
	return (*source)(d), d.caps, nil
}

type source Device

func (s *source) Read(p []byte) (int, error)        { return s.r.Read(p) }
func (s *source) SetReadDeadline(t time.Time) error { return s.r.SetReadDeadline(t) }
func (s *source) Snapshot(st *route.State) error {
	s.mu.Lock()
	*st = s.state
	s.mu.Unlock()
	return nil
}
func (s *source) Close() error {
	s.once.Do(func() {
		s.r.Close()
		s.b.record("release %s", s.path)
	})
	return nil
}

// Clone implements inputproxy.Backend.
func (b *Backend) Clone(container string, caps route.Caps) (inputproxy.Sink, error) {
	if container == b.FailClone {
		return nil, fmt.Errorf("clone for %s: injected failure", container)
	}
	b.mu.Lock()
	b.minor++
	node := inputproxy.Node{Path: fmt.Sprintf("/dev/input/event%d", b.minor-64), Major: 13, Minor: b.minor}
	b.mu.Unlock()
	b.record("clone %s: %s", container, caps.Describe())
	return &Sink{b: b, name: container + "/" + caps.Name, node: node}, nil
}

// List implements inputproxy.Backend.
func (b *Backend) List() ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var paths []string
	for p := range b.devices {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths, nil
}

// Watch implements inputproxy.Backend: Plug and Unplug report to fn.
func (b *Backend) Watch(ctx context.Context, fn func(path string, added bool)) (func(), error) {
	b.mu.Lock()
	b.watch = fn
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		b.watch = nil
		b.mu.Unlock()
	}, nil
}

// Sink is a recording clone.
type Sink struct {
	b    *Backend
	name string
	node inputproxy.Node
}

// Write records each frame as "container/device: events".
func (s *Sink) Write(p []byte) (int, error) {
	var frame []route.Event
	for b := p; len(b) >= route.EventSize; b = b[route.EventSize:] {
		e, _ := route.Decode(b)
		frame = append(frame, e)
		if e == route.Syn {
			s.b.record("%s: %s", s.name, strings.TrimSuffix(route.Transcript(frame), "\n"))
			frame = frame[:0]
		}
	}
	if len(frame) > 0 {
		s.b.record("%s: UNTERMINATED %s", s.name, strings.TrimSuffix(route.Transcript(frame), "\n"))
	}
	return len(p), nil
}

// Node returns a made-up node.
func (s *Sink) Node() inputproxy.Node { return s.node }

// Close records the clone's destruction.
func (s *Sink) Close() error {
	s.b.record("destroy %s", s.name)
	return nil
}

func (b *Backend) record(format string, args ...any) {
	b.mu.Lock()
	b.log = append(b.log, fmt.Sprintf(format, args...))
	b.cond.Broadcast()
	b.mu.Unlock()
}

// Transcript returns every line recorded so far whose text contains
// filter ("" for all), one per line.
func (b *Backend) Transcript(filter string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out strings.Builder
	for _, l := range b.log {
		if strings.Contains(l, filter) {
			out.WriteString(l + "\n")
		}
	}
	return out.String()
}

// WaitFor blocks until a recorded line contains s, or fails the test
// after 10 s (a deadlock guard, not a timing assertion).
func (b *Backend) WaitFor(t interface{ Fatalf(string, ...any) }, s string) {
	deadline := time.AfterFunc(10*time.Second, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer deadline.Stop()
	start := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		for _, l := range b.log {
			if strings.Contains(l, s) {
				return
			}
		}
		if time.Since(start) >= 10*time.Second {
			t.Fatalf("no transcript line contains %q; transcript:\n%s", s, strings.Join(b.log, "\n"))
		}
		b.cond.Wait()
	}
}

// Close unplugs every device still plugged and closes both ends of every
// pipe. Call it after the router has stopped.
func (b *Backend) Close() {
	b.mu.Lock()
	devs := make([]*Device, 0, len(b.devices))
	for _, d := range b.devices {
		devs = append(devs, d)
	}
	all := b.all
	b.mu.Unlock()
	for _, d := range devs {
		d.Unplug()
	}
	for _, d := range all {
		d.once.Do(func() { d.r.Close() })
	}
}

// Touchscreen returns the caps of a 10-finger 1080×2400 touchscreen.
func Touchscreen(name string) route.Caps {
	c := route.VirtualTouchscreen(1080, 2400)
	c.Name = name
	c.ID = route.ID{Bus: 0x18, Vendor: 0x27c6, Product: 0x0f21, Version: 0x100}
	c.Abs[route.AbsMTPositionX] = route.AbsInfo{Maximum: 1079, Resolution: 12}
	return c
}

// Keyboard returns the caps of a small keyboard: KEY_ESC..KEY_F12 range
// plus KEY_LEFTMETA, KEY_POWER, KEY_VOLUMEDOWN and KEY_VOLUMEUP.
func Keyboard(name string) route.Caps {
	var keys []uint16
	for k := uint16(1); k <= 88; k++ {
		keys = append(keys, k)
	}
	keys = append(keys, 114, 115, 116, 125)
	return route.Caps{Name: name, ID: route.ID{Bus: 0x03, Vendor: 0x46d, Product: 0xc31c, Version: 0x111},
		Codes: map[uint16][]uint16{route.EvKey: keys, route.EvMsc: {4}}}
}
