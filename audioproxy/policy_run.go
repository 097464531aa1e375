package audioproxy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"

	"droidplex/audioproxy/policy"
	"droidplex/audioproxy/wire"
	"droidplex/container/client"
	cwire "droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// startPolicy sets up the capture device and the live policy for eng and
// follows droidplexd's events (cfg.Droidplexd; "none" does not) until ctx
// ends or stop is called; observe (if not nil) also hears every event.
// stop waits for the follower and closes the capture device.
func startPolicy(ctx context.Context, cfg Config, eng *Engine, log *slog.Logger, observe func(cwire.Event)) (p *Policy, stop func(), err error) {
	open, err := sourceOpener(cfg.Capture, cfg.OpenCapture)
	if err != nil {
		return nil, nil, err
	}
	capt := NewCapture(eng, open)
	p = NewPolicy(eng, capt, log)
	p.in.Foreground = cfg.Foreground // until droidplexd says otherwise
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if cfg.Droidplexd != "" && cfg.Droidplexd != "none" {
		c := client.New(cfg.Droidplexd)
		if observe == nil {
			wg.Go(func() { p.Follow(ctx, c) })
		} else {
			wg.Go(func() { c.Follow(ctx, log, func(ev cwire.Event) { observe(ev); p.Event(ev) }) })
		}
	}
	stop = func() {
		cancel()
		wg.Wait()
		eng.pol.onChange.Store(nil)
		if err := capt.Set(false); err != nil {
			log.Warn("capture device", "err", err)
		}
	}
	p.Apply()
	return p, stop, nil
}

// Status returns the policy's state and decision for the API.
func (p *Policy) Status() wire.PolicyStatus {
	p.mu.Lock()
	d, in := p.dec, p.in
	st := wire.PolicyStatus{Mode: string(d.Mode), Route: string(d.Route), Owner: d.Owner, Foreground: in.Foreground,
		Headset: in.Headset, Bluetooth: in.Bluetooth, Calls: []wire.PolicyCall{}, Requested: map[string]string{},
		Streams: []wire.PolicyStreamStatus{}}
	for _, c := range p.calls {
		st.Calls = append(st.Calls, wire.PolicyCall{Container: c.Container, Index: c.Index, State: c.State})
	}
	for c, r := range p.requested {
		st.Requested[c] = string(r)
	}
	p.mu.Unlock()
	slices.SortFunc(st.Calls, func(a, b wire.PolicyCall) int {
		if a.Container != b.Container {
			return cmp.Compare(a.Container, b.Container)
		}
		return a.Index - b.Index
	})
	if p.capt != nil {
		st.Capture, st.Opened = p.capt.Status()
	}
	for _, s := range p.eng.Streams(nil) {
		dir := "output"
		if s.Direction() == wire.Input {
			dir = "input"
		}
		st.Streams = append(st.Streams, wire.PolicyStreamStatus{ID: s.ID(), Container: s.Container().Name(),
			Direction: dir, Gain: s.PolicyGain(), Mic: s.Microphone()})
	}
	return st
}

// Handler serves the policy's routes (wire/policy_api.go) and passes every
// other request to next.
func (p *Policy) Handler(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/policy", func(w http.ResponseWriter, _ *http.Request) {
		ctlhttp.WriteJSON(w, http.StatusOK, p.Status())
	})
	mux.HandleFunc("PUT /v1/accessories", func(w http.ResponseWriter, r *http.Request) {
		var req wire.AccessoriesRequest
		if err := ctlhttp.DecodeJSON(r, &req); err != nil {
			ctlhttp.WriteError(w, http.StatusBadRequest, err)
			return
		}
		p.SetAccessories(req.Headset, req.Bluetooth)
		ctlhttp.WriteJSON(w, http.StatusOK, p.Status())
	})
	mux.HandleFunc("PUT /v1/containers/{name}/route", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if !slices.ContainsFunc(p.eng.Containers(), func(c *Container) bool { return c.Name() == name }) {
			ctlhttp.WriteError(w, http.StatusNotFound, fmt.Errorf("no container %q", name))
			return
		}
		var req wire.RouteRequest
		err := ctlhttp.DecodeJSON(r, &req)
		if err == nil && req.Route != "" && !policy.Route(req.Route).Valid() {
			err = errors.New("route must be speaker, earpiece, headset, bluetooth or empty")
		}
		if err != nil {
			ctlhttp.WriteError(w, http.StatusBadRequest, err)
			return
		}
		p.SetRoute(name, policy.Route(req.Route))
		ctlhttp.WriteJSON(w, http.StatusOK, p.Status())
	})
	mux.Handle("/", next)
	return mux
}

// ShimRoute applies the route container's shim asked for: an Android
// audio_devices_t mask (wire.Route). A mask naming no known device
// withdraws the wish. Repeating the current wish changes nothing.
func (p *Policy) ShimRoute(container string, devices uint32) {
	r, _ := policy.RouteFromAndroid(devices)
	p.mu.Lock()
	same := p.requested[container] == r
	p.mu.Unlock()
	if !same {
		p.SetRoute(container, r)
	}
}
