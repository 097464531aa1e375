// Package wire holds the types of inputproxyd's HTTP+JSON API, shared by
// the daemon and its clients (the droidplex CLI, droidplexd). It imports
// nothing of the daemon.
//
// Routes:
//
//	GET    /v1/status                   Status
//	PUT    /v1/foreground               SetForeground → Status
//	PUT    /v1/containers/{name}        → Container (creates its clones; their nodes)
//	DELETE /v1/containers/{name}        destroys its clones
//	POST   /v1/containers/{name}/tap    Tap
//	POST   /v1/containers/{name}/swipe  Swipe
//	POST   /v1/containers/{name}/key    Key
//	POST   /v1/containers/{name}/text   Text
//	GET    /v1/containers/{name}/log    Log (clones that record, without uinput)
//	GET    /metrics                     Prometheus metrics
package wire

// DefaultAPISocket is where inputproxyd serves its API.
const DefaultAPISocket = "/run/droidplex/inputproxyd.sock"

// Node is a clone's character device: droidplexd creates it in the
// container's /dev/input and allows it in the container's devices cgroup.
type Node struct {
	Path  string `json:"path"` // on the service side, e.g. /dev/input/event7
	Major uint32 `json:"major"`
	Minor uint32 `json:"minor"`
}

// Range is an axis' range in device units.
type Range struct {
	Min int32 `json:"min"`
	Max int32 `json:"max"`
}

// Device is one routed device: a real one (grabbed) or a virtual one.
type Device struct {
	Path    string          `json:"path"` // /dev/input/eventN, or virtual:touchscreen|keyboard
	Name    string          `json:"name"`
	Bus     uint16          `json:"bus"`
	Vendor  uint16          `json:"vendor"`
	Product uint16          `json:"product"`
	Version uint16          `json:"version"`
	Virtual bool            `json:"virtual,omitempty"`
	Kind    string          `json:"kind"`        // touchscreen | keys | other
	X       *Range          `json:"x,omitempty"` // touchscreens: tap/swipe units
	Y       *Range          `json:"y,omitempty"`
	Clones  map[string]Node `json:"clones"` // container → clone
}

// Status is inputproxyd's state.
type Status struct {
	Version     string   `json:"version"`
	Clones      string   `json:"clones"` // uinput | record
	Foreground  string   `json:"foreground"`
	Chord       string   `json:"chord,omitempty"` // keys that switch to the next container
	Containers  []string `json:"containers"`
	Devices     []Device `json:"devices"`
	WriteErrors uint64   `json:"write_errors"`
}

// Container lists the device nodes of one container's clones (none when
// clones only record, without uinput).
type Container struct {
	Name  string `json:"name"`
	Nodes []Node `json:"nodes"`
}

// SetForeground switches the container that receives input ("" for none).
type SetForeground struct {
	Container string `json:"container"`
}

// Tap taps at (X, Y) in the touchscreen's units.
type Tap struct {
	X int32 `json:"x"`
	Y int32 `json:"y"`
}

// Swipe swipes from (X1, Y1) to (X2, Y2) over DurationMs.
type Swipe struct {
	X1         int32 `json:"x1"`
	Y1         int32 `json:"y1"`
	X2         int32 `json:"x2"`
	Y2         int32 `json:"y2"`
	DurationMs int   `json:"duration_ms"`
}

// Key presses and releases one key: a name ("KEY_HOME", "home", "BTN_0")
// or a decimal code.
type Key struct {
	Key string `json:"key"`
}

// Text types text on a US layout (at most 4096 bytes: route.MaxText).
type Text struct {
	Text string `json:"text"`
}

// Log is what a container's recording clones were sent, one frame per
// line ("<device>: <events>"), oldest first.
type Log struct {
	Frames []string `json:"frames"`
}
