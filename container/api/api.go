// Package api is droidplexd's HTTP+JSON API on its unix socket: readiness,
// the event stream, publishing (the proxies post call-state events) and the
// foreground container. Routes are listed in one table in Handler.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"droidplex/container/events"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/version"
)

// ErrUnknownContainer is returned when a request names a container that the
// server's Containers does not know.
var ErrUnknownContainer = errors.New("unknown container")

// Containers is what the API needs to know about containers. The container
// manager implements it; nil means any name is accepted.
type Containers interface {
	// Exists reports whether name is a configured container.
	Exists(name string) bool
}

// Server holds the control plane's state: the hub and the foreground.
type Server struct {
	Hub        *events.Hub
	Containers Containers
	// WriteTimeout bounds each write of the event stream (0: 10 s): a
	// subscriber that stops reading is disconnected instead of holding a
	// goroutine and a connection for as long as it lives.
	WriteTimeout time.Duration

	mu         sync.Mutex
	ready      bool
	foreground string
}

// New returns a server publishing through hub.
func New(hub *events.Hub) *Server { return &Server{Hub: hub} }

// SetReady marks the daemon ready (GET /v1/status says so); autostart waits
// for it.
func (s *Server) SetReady(ready bool) {
	s.mu.Lock()
	s.ready = ready
	s.mu.Unlock()
}

// Foreground returns the foreground container ("" if none).
func (s *Server) Foreground() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.foreground
}

// SetForeground makes name the foreground container and publishes a
// foreground event, unless it already is.
func (s *Server) SetForeground(name string) error {
	if name == "" {
		return errors.New("set foreground: empty container name")
	}
	if s.Containers != nil && !s.Containers.Exists(name) {
		return fmt.Errorf("set foreground %q: %w", name, ErrUnknownContainer)
	}
	s.mu.Lock()
	prev := s.foreground
	if prev == name {
		s.mu.Unlock()
		return nil
	}
	s.foreground = name
	// Publish under the lock so foreground events are in switch order.
	s.Hub.Publish(wire.Event{Type: wire.EventForeground,
		Foreground: &wire.Foreground{Container: name, Previous: prev}})
	s.mu.Unlock()
	return nil
}

// Handler returns the API's routes. extra adds routes (the container
// manager's) to the same mux.
func (s *Server) Handler(extra func(*http.ServeMux)) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", s.status)
	mux.HandleFunc("GET /v1/events", s.streamEvents)
	mux.HandleFunc("POST /v1/events", s.publish)
	mux.HandleFunc("GET /v1/foreground", s.getForeground)
	mux.HandleFunc("PUT /v1/foreground", s.putForeground)
	if extra != nil {
		extra(mux)
	}
	return mux
}

func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	st := wire.Status{Ready: s.ready, Version: version.String(), Foreground: s.foreground}
	s.mu.Unlock()
	ctlhttp.WriteJSON(w, http.StatusOK, st)
}

func (s *Server) getForeground(w http.ResponseWriter, _ *http.Request) {
	ctlhttp.WriteJSON(w, http.StatusOK, wire.SetForeground{Container: s.Foreground()})
}

func (s *Server) putForeground(w http.ResponseWriter, r *http.Request) {
	var req wire.SetForeground
	if err := ctlhttp.DecodeJSON(r, &req); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if err := s.SetForeground(req.Container); err != nil {
		code := http.StatusBadRequest
		if errors.Is(err, ErrUnknownContainer) {
			code = http.StatusNotFound
		}
		ctlhttp.WriteError(w, code, err)
		return
	}
	ctlhttp.WriteJSON(w, http.StatusOK, req)
}

// publish accepts events from the proxies. Only call-state events may be
// posted: foreground and container state belong to droidplexd itself.
func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	var ev wire.Event
	if err := ctlhttp.DecodeJSON(r, &ev); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if ev.Type != wire.EventCallState || ev.CallState == nil || ev.CallState.Container == "" {
		ctlhttp.WriteError(w, http.StatusBadRequest,
			errors.New("only call-state events with a call_state.container may be published"))
		return
	}
	ev.Seq = 0
	ctlhttp.WriteJSON(w, http.StatusOK, s.Hub.Publish(ev))
}

// streamEvents writes newline-delimited JSON events until the client goes
// away. It starts with the current state (snapshot), so a subscriber, and
// one that reconnects after missing events, knows the state it is following
// from; if the hub cuts the subscriber off it ends with a "missed" event.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request) {
	sub := s.Hub.Subscribe(0)
	defer sub.Close()
	w.Header().Set("Content-Type", "application/x-ndjson")
	// A stream ends only when it failed or was cut off; the connection ends
	// with it instead of idling on for a request that will not come.
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	rc := http.NewResponseController(w)
	timeout := s.WriteTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	write := func(ev wire.Event, flush bool) error {
		_ = rc.SetWriteDeadline(time.Now().Add(timeout))
		if err := enc.Encode(ev); err != nil || !flush {
			return err
		}
		return rc.Flush()
	}
	for _, ev := range s.snapshot() {
		if write(ev, false) != nil {
			return
		}
	}
	_ = rc.SetWriteDeadline(time.Now().Add(timeout))
	if rc.Flush() != nil {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case ev, ok := <-sub.C:
			if !ok {
				_ = write(wire.Event{Type: wire.EventMissed, Missed: &wire.Missed{From: sub.MissedFrom()}}, true)
				return
			}
			if write(ev, len(sub.C) == 0) != nil {
				return
			}
		}
	}
}

// lister is the part of a container manager the event stream's snapshot
// reads (Manager has it; a plain Containers may not).
type lister interface{ List() []wire.ContainerInfo }

// snapshot is the state a new subscriber starts from: the foreground, then
// every container's state. It is taken after the subscription, so a change
// racing it arrives again in the stream; applying a state twice is harmless.
func (s *Server) snapshot() []wire.Event {
	seq := s.Hub.Seq()
	var evs []wire.Event
	if fg := s.Foreground(); fg != "" {
		evs = append(evs, wire.Event{Seq: seq, Type: wire.EventForeground, Foreground: &wire.Foreground{Container: fg}})
	}
	if l, ok := s.Containers.(lister); ok {
		for _, c := range l.List() {
			evs = append(evs, wire.Event{Seq: seq, Type: wire.EventContainerState,
				ContainerState: &wire.ContainerState{Container: c.Name, State: c.State, Reason: c.Reason}})
		}
	}
	return evs
}
