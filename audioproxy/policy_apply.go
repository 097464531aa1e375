package audioproxy

import (
	"cmp"
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"droidplex/audioproxy/policy"
	"droidplex/container/client"
	cwire "droidplex/container/wire"
)

// Policy is the live side of the audio policy: it keeps what the pure
// policy.Decide looks at (the foreground, the calls, the routes the shims
// asked for, the accessories), decides again whenever any of it or the set
// of streams changes, and applies the decision to the engine's streams and
// the capture device. Its methods are safe for concurrent use.
type Policy struct {
	eng  *Engine
	capt *Capture
	log  *slog.Logger

	mu        sync.Mutex
	in        policy.Input // without Streams
	calls     map[callKey]policy.Call
	requested map[string]policy.Route
	dec       policy.Decision
}

type callKey struct {
	container string
	index     int
}

// NewPolicy returns the policy for eng's containers and makes the engine
// consult it whenever a stream is attached or detached. capt may be nil (no
// capture device).
func NewPolicy(eng *Engine, capt *Capture, log *slog.Logger) *Policy {
	p := &Policy{eng: eng, capt: capt, log: log, calls: map[callKey]policy.Call{}, requested: map[string]policy.Route{}}
	apply := func() { p.Apply() }
	eng.pol.onChange.Store(&apply)
	return p
}

// Follow applies droidplexd's events (foreground, call state, container
// state) until ctx ends, reconnecting as needed; while droidplexd is
// unreachable the policy keeps its last state.
func (p *Policy) Follow(ctx context.Context, c *client.Client) error {
	return c.Follow(ctx, p.log, p.Event)
}

// Event applies one control-plane event.
func (p *Policy) Event(ev cwire.Event) {
	p.mu.Lock()
	switch {
	case ev.Type == cwire.EventForeground && ev.Foreground != nil:
		p.in.Foreground = ev.Foreground.Container
	case ev.Type == cwire.EventCallState && ev.CallState != nil:
		cs := ev.CallState
		k := callKey{cs.Container, cs.Index}
		if cs.State == cwire.CallEnded {
			delete(p.calls, k)
		} else {
			p.calls[k] = policy.Call{Container: cs.Container, Index: cs.Index, State: cs.State}
		}
	case ev.Type == cwire.EventContainerState && ev.ContainerState != nil:
		st := ev.ContainerState.State
		if st == cwire.StateStopped || st == cwire.StateFailed { // a container that dies loses its calls
			maps.DeleteFunc(p.calls, func(k callKey, _ policy.Call) bool { return k.container == ev.ContainerState.Container })
		}
	default:
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.Apply()
}

// SetRoute records the route container's shim asked for (set_parameters
// "routing="); an invalid route clears the wish.
func (p *Policy) SetRoute(container string, r policy.Route) {
	p.mu.Lock()
	if r.Valid() {
		p.requested[container] = r
	} else {
		delete(p.requested, container)
	}
	p.mu.Unlock()
	p.Apply()
}

// SetAccessories says whether a headset and a Bluetooth audio device are
// present.
func (p *Policy) SetAccessories(headset, bluetooth bool) {
	p.mu.Lock()
	p.in.Headset, p.in.Bluetooth = headset, bluetooth
	p.mu.Unlock()
	p.Apply()
}

// Decision returns the decision last applied.
func (p *Policy) Decision() policy.Decision {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.dec
	d.Streams = slices.Clone(d.Streams)
	return d
}

// Apply decides again from the current state and streams and applies the
// result: each stream's policy gain and microphone, and the capture device
// (opened only while some stream has the microphone). The microphone is
// taken away before the device is closed and given after it is open.
func (p *Policy) Apply() policy.Decision {
	p.mu.Lock()
	defer p.mu.Unlock()
	streams := p.eng.Streams(nil)
	in := p.in
	in.Containers = nil
	for _, c := range p.eng.Containers() {
		in.Containers = append(in.Containers, c.Name())
	}
	in.Requested = p.requested
	in.Calls = slices.SortedFunc(maps.Values(p.calls), func(a, b policy.Call) int {
		if a.Container != b.Container {
			return cmp.Compare(a.Container, b.Container)
		}
		return a.Index - b.Index
	})
	in.Streams = make([]policy.Stream, len(streams))
	for i, s := range streams {
		in.Streams[i] = policy.Stream{ID: s.ID(), Container: s.Container().Name(), Dir: s.Direction(), Usage: s.Usage()}
	}
	d := policy.Decide(in)
	for i, s := range streams {
		s.pol.setGain(d.Streams[i].Gain)
		if !d.Streams[i].Mic {
			s.pol.mic.Store(false)
		}
	}
	if p.capt != nil {
		if err := p.capt.Set(d.Capture); err != nil && p.log != nil {
			p.log.Warn("capture device", "err", err)
		}
	}
	handover := false
	for i, s := range streams {
		if d.Streams[i].Mic && !s.pol.mic.Load() {
			handover = true
		}
	}
	if handover && p.capt != nil {
		p.capt.Handover()
	}
	for i, s := range streams {
		if d.Streams[i].Mic {
			s.pol.mic.Store(true)
		}
	}
	if p.log != nil && (d.Mode != p.dec.Mode || d.Route != p.dec.Route || d.Owner != p.dec.Owner) {
		p.log.Info("audio policy", "mode", d.Mode, "route", d.Route, "owner", d.Owner, "capture", d.Capture)
	}
	p.dec = d
	return d
}
