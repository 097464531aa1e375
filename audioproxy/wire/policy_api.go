package wire

// The audio policy's part of audioproxyd's HTTP API:
//
//	GET /v1/policy                        PolicyStatus
//	PUT /v1/accessories                   AccessoriesRequest → PolicyStatus
//	PUT /v1/containers/{name}/route       RouteRequest → PolicyStatus

// PolicyStatus is what the audio policy decided and from what.
type PolicyStatus struct {
	Mode       string               `json:"mode"`            // normal | ringtone | in-call
	Route      string               `json:"route"`           // speaker | earpiece | headset | bluetooth
	Owner      string               `json:"owner,omitempty"` // the container in a call, or ringing
	Foreground string               `json:"foreground,omitempty"`
	Calls      []PolicyCall         `json:"calls"`
	Requested  map[string]string    `json:"requested"` // container → route its shim asked for
	Headset    bool                 `json:"headset"`
	Bluetooth  bool                 `json:"bluetooth"`
	Capture    bool                 `json:"capture"`        // the capture device is open
	Opened     int                  `json:"capture_opened"` // times it was opened
	Streams    []PolicyStreamStatus `json:"streams"`
}

// PolicyCall is a call the policy knows of.
type PolicyCall struct {
	Container string `json:"container"`
	Index     int    `json:"index"`
	State     string `json:"state"`
}

// PolicyStreamStatus is the policy's decision for one stream.
type PolicyStreamStatus struct {
	ID        uint32  `json:"id"`
	Container string  `json:"container"`
	Direction string  `json:"direction"`
	Gain      float32 `json:"gain"`
	Mic       bool    `json:"mic"`
}

// AccessoriesRequest says which audio accessories are present.
type AccessoriesRequest struct {
	Headset   bool `json:"headset"`
	Bluetooth bool `json:"bluetooth"`
}

// RouteRequest sets the route a container asks for ("" clears it), as its
// shim does with set_parameters("routing=...").
type RouteRequest struct {
	Route string `json:"route"`
}
