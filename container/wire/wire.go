// Package wire holds the types of droidplexd's control-plane API: the events
// on its stream and the request and response bodies. It is shared by
// droidplexd, its Go client, the proxies and the CLI, and imports nothing
// from droidplex. Changes are additive: a field's meaning never changes.
package wire

import "time"

// DefaultSocket is where droidplexd serves its API.
const DefaultSocket = "/run/droidplex/droidplexd.sock"

// EventType names an event on the stream.
type EventType string

// Event types.
const (
	// EventForeground: the foreground container changed.
	EventForeground EventType = "foreground"
	// EventContainerState: a container changed state.
	EventContainerState EventType = "container-state"
	// EventCallState: a call changed state (published by rilproxyd).
	EventCallState EventType = "call-state"
	// EventMissed: the subscriber was too slow and events were dropped for
	// it; it should re-read current state.
	EventMissed EventType = "missed"
)

// Event is one line of GET /v1/events. Exactly one of the pointer fields
// matching Type is set.
type Event struct {
	Seq            uint64          `json:"seq"`
	Time           time.Time       `json:"time"`
	Type           EventType       `json:"type"`
	Foreground     *Foreground     `json:"foreground,omitempty"`
	ContainerState *ContainerState `json:"container_state,omitempty"`
	CallState      *CallState      `json:"call_state,omitempty"`
	Missed         *Missed         `json:"missed,omitempty"`
}

// Foreground says which container now has the screen, keys and microphone.
type Foreground struct {
	Container string `json:"container"`
	Previous  string `json:"previous,omitempty"`
}

// Container states.
const (
	StateStopped  = "stopped"
	StateStarting = "starting"
	StateRunning  = "running"
	StateStopping = "stopping"
	StateFailed   = "failed"
)

// ContainerState reports a container's new state.
type ContainerState struct {
	Container string `json:"container"`
	State     string `json:"state"`
	Reason    string `json:"reason,omitempty"`
}

// Call states, as RIL reports them, plus "ended".
const (
	CallActive   = "active"
	CallHolding  = "holding"
	CallDialing  = "dialing"
	CallAlerting = "alerting"
	CallIncoming = "incoming"
	CallWaiting  = "waiting"
	CallEnded    = "ended"
)

// CallState reports a change of one call owned by (or ringing in) a container.
type CallState struct {
	Container string `json:"container"`
	Index     int    `json:"index"`
	State     string `json:"state"`
	Direction string `json:"direction"` // "mo" (dialled) or "mt" (incoming)
	Number    string `json:"number,omitempty"`
}

// Missed is the last event a subscriber that fell behind receives: events
// from sequence number From on were not delivered to it. It should re-read
// the current state and subscribe again.
type Missed struct {
	From uint64 `json:"from"`
}

// Status is the body of GET /v1/status.
type Status struct {
	Ready      bool   `json:"ready"`
	Version    string `json:"version"`
	Foreground string `json:"foreground,omitempty"`
}

// SetForeground is the body of PUT /v1/foreground.
type SetForeground struct {
	Container string `json:"container"`
}
