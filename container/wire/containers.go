package wire

// ContainerInfo is one container as GET /v1/containers and
// GET /v1/containers/{name} report it.
type ContainerInfo struct {
	Name       string `json:"name"`
	State      string `json:"state"` // one of the State* constants
	Reason     string `json:"reason,omitempty"`
	Pid        int    `json:"pid,omitempty"` // the init's pid on the host
	Autostart  bool   `json:"autostart"`
	Foreground bool   `json:"foreground"` // starts in the foreground
	// TelephonyOwner: this container may change shared-modem settings.
	TelephonyOwner bool `json:"telephony_owner"`
	Restarts       int  `json:"restarts"` // restarts after its init died
}

// EnsureResult is the answer to POST /v1/containers/{name}/ensure, which
// creates the container if it is missing and else starts it.
type EnsureResult struct {
	Container string `json:"container"`
	Created   bool   `json:"created"`
	State     string `json:"state"`
}

// Action is what POST /v1/containers/{name}/{action} does.
type Action string

// Actions on a container.
const (
	ActionStart   Action = "start"
	ActionStop    Action = "stop"
	ActionRestart Action = "restart"
)
