package wire

// The HTTP+JSON API audioproxyd serves on its control socket
// (/run/droidplex/audioproxyd.sock by default):
//
//	GET  /v1/status                        → Status
//	PUT  /v1/containers/{name}/volume      VolumeRequest → ContainerStatus
//	PUT  /v1/containers/{name}/mute        MuteRequest   → ContainerStatus
//	PUT  /v1/streams/{id}/volume           VolumeRequest → StreamStatus
//	GET  /v1/containers/{name}/record?seconds=N
//	                                       → audio/wav, s16 at the device rate,
//	                                         what the container plays before its
//	                                         volume; streamed until N seconds (0:
//	                                         until the client hangs up)
//	GET  /metrics                          → Prometheus text format
//
// Errors come back as {"error": "..."} with a 4xx or 5xx status.

// DefaultAPISocket is where audioproxyd serves its API.
const DefaultAPISocket = "/run/droidplex/audioproxyd.sock"

// Status is the server's state.
type Status struct {
	Device      DeviceStatus `json:"device"`
	FramesMixed uint64       `json:"frames_mixed"`
	Callbacks   uint64       `json:"callbacks"`
	// DeviceLate counts callbacks that came more than twice the previous
	// callback's span after it (the device or the machine stalled).
	DeviceLate uint64            `json:"device_late"`
	Containers []ContainerStatus `json:"containers"`
}

// DeviceStatus is the output device's format.
type DeviceStatus struct {
	Name     string `json:"name"`
	Rate     uint32 `json:"rate"`
	Channels uint16 `json:"channels"`
	Format   string `json:"format"`
	Period   uint32 `json:"period_frames"`
}

// ContainerStatus is one container's audio state.
type ContainerStatus struct {
	Name      string         `json:"name"`
	Volume    float32        `json:"volume"`
	Muted     bool           `json:"muted"`
	Recording bool           `json:"recording"`
	Underruns uint64         `json:"underruns"`
	Streams   []StreamStatus `json:"streams"`
}

// StreamStatus is one open stream.
type StreamStatus struct {
	ID        uint32  `json:"id"`
	Direction string  `json:"direction"`
	Usage     string  `json:"usage"`
	Volume    float32 `json:"volume"`
	Frames    uint32  `json:"ring_frames"`
	Buffered  uint32  `json:"buffered_frames"`
	LatencyMs float64 `json:"latency_ms"`
	Underruns uint64  `json:"underruns"`
	Broken    bool    `json:"broken,omitempty"`
}

// VolumeRequest sets a linear volume (1 = unity, 0..4).
type VolumeRequest struct {
	Volume float32 `json:"volume"`
}

// MuteRequest mutes or unmutes.
type MuteRequest struct {
	Muted bool `json:"muted"`
}
