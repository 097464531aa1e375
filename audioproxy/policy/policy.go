// Package policy is the audio policy of droidplex as one pure function:
// given the containers, the foreground, the calls, the routes each shim asked
// for and whether a headset or Bluetooth device is present, Decide says where
// the sound goes, how loud each stream plays and which capture streams hear
// the microphone. It holds no state and performs no I/O, so every case is a
// table row; audioproxy applies a Decision to the live engine.
//
// The defaults follow "least surprise":
//   - every container is heard, on the speaker (or the headset, or Bluetooth);
//   - during a call, the calling container's audio goes to the earpiece
//     (unless a headset or Bluetooth device is present, or the caller asked for
//     the speaker), other containers' streams are ducked, and only the
//     calling container's microphone is live;
//   - a ringing container's ring is heard over the others, which are ducked;
//   - otherwise only the foreground container receives microphone audio;
//     every other capture stream is fed silence and is told nothing else.
package policy

import (
	"slices"

	"droidplex/audioproxy/wire"
)

// Route is a physical output route.
type Route string

// Routes, in the words set_parameters("routing=...") is translated to.
const (
	RouteSpeaker   Route = "speaker"
	RouteEarpiece  Route = "earpiece"
	RouteHeadset   Route = "headset"
	RouteBluetooth Route = "bluetooth"
)

// Valid reports whether r is one of the known routes.
func (r Route) Valid() bool {
	switch r {
	case RouteSpeaker, RouteEarpiece, RouteHeadset, RouteBluetooth:
		return true
	}
	return false
}

// Mode is the device's audio mode, as Android's set_mode names it.
type Mode string

// Modes.
const (
	ModeNormal   Mode = "normal"   // no call
	ModeRingtone Mode = "ringtone" // a call rings, none is up
	ModeInCall   Mode = "in-call"  // a call is up (dialling, alerting, active or held)
)

// Call states the policy distinguishes (the control plane's call-state words).
const (
	CallDialing  = "dialing"
	CallAlerting = "alerting"
	CallActive   = "active"
	CallHolding  = "holding"
	CallIncoming = "incoming"
	CallWaiting  = "waiting"
	CallEnded    = "ended"
)

// Call is one call as the control plane reports it.
type Call struct {
	Container string
	Index     int
	State     string
}

// Stream is one open stream as the policy sees it.
type Stream struct {
	ID        uint32
	Container string
	Dir       wire.Direction
	Usage     wire.Usage
}

// Input is everything the policy looks at. Containers lists the containers
// that may be heard; a stream of any other container stays silent.
// Requested holds, per container, the route its shim last asked for through
// set_parameters (absent: no preference).
type Input struct {
	Containers []string
	Foreground string
	Calls      []Call
	Requested  map[string]Route
	Headset    bool
	Bluetooth  bool
	Streams    []Stream
}

// StreamDecision is what the policy decided for one stream.
type StreamDecision struct {
	ID uint32
	// Gain is the linear gain of an output stream (1 full, DuckGain ducked,
	// 0 silent). For a capture stream it is 1 when Mic is true, else 0.
	Gain float32
	// Mic is true for a capture stream that receives the microphone.
	Mic bool
}

// Decision is the policy's answer. Streams is parallel to Input.Streams.
type Decision struct {
	Mode Mode
	// Route is the one physical output route.
	Route Route
	// Owner is the container in a call (ModeInCall) or ringing (ModeRingtone).
	Owner string
	// Streams holds one decision per input stream, in the same order.
	Streams []StreamDecision
	// Capture is true when at least one capture stream gets the microphone:
	// only then does the server open the capture device.
	Capture bool
}

// DuckGain is the gain of streams ducked under a call or a ring (-14 dB).
const DuckGain float32 = 0.2

// Decide computes the decision for in. It is deterministic and never panics;
// the returned Streams slice is freshly allocated.
func Decide(in Input) Decision {
	d := Decision{Mode: ModeNormal, Streams: make([]StreamDecision, len(in.Streams))}
	known := func(name string) bool { return name != "" && slices.Contains(in.Containers, name) }

	d.Owner, d.Mode = callOwner(in, known)
	d.Route = route(in, d)

	micOwner := in.Foreground
	if d.Mode == ModeInCall {
		micOwner = d.Owner
	}
	for i, s := range in.Streams {
		sd := StreamDecision{ID: s.ID}
		switch {
		case !known(s.Container):
			// unknown container: silent, deaf
		case s.Dir == wire.Input:
			sd.Mic = s.Container == micOwner
			if sd.Mic {
				sd.Gain = 1
				d.Capture = true
			}
		default:
			sd.Gain = outputGain(d, s)
		}
		d.Streams[i] = sd
	}
	return d
}

// callOwner picks the container whose call shapes the audio: a call that is
// up beats one that rings; among equals the foreground wins, then the first
// by name, so the answer does not depend on the order of in.Calls.
func callOwner(in Input, known func(string) bool) (string, Mode) {
	best, bestRank := "", 0
	for _, c := range in.Calls {
		if !known(c.Container) {
			continue
		}
		rank := 0
		switch c.State {
		case CallActive, CallDialing, CallAlerting, CallHolding:
			rank = 4
		case CallIncoming, CallWaiting:
			rank = 2
		}
		if rank == 0 {
			continue
		}
		if c.Container == in.Foreground {
			rank++
		}
		if rank > bestRank || rank == bestRank && c.Container < best {
			best, bestRank = c.Container, rank
		}
	}
	switch {
	case bestRank >= 4:
		return best, ModeInCall
	case bestRank >= 2:
		return best, ModeRingtone
	}
	return "", ModeNormal
}

// route picks the physical route. Plugged accessories win (headset over
// Bluetooth). In a call the caller's wish counts (speakerphone), otherwise
// the earpiece; outside a call only the foreground container's wish counts.
// A wish for an absent accessory is ignored.
func route(in Input, d Decision) Route {
	if in.Headset {
		return RouteHeadset
	}
	if in.Bluetooth {
		return RouteBluetooth
	}
	chooser := in.Foreground
	if d.Mode == ModeInCall {
		chooser = d.Owner
	}
	switch in.Requested[chooser] {
	case RouteSpeaker:
		return RouteSpeaker
	case RouteEarpiece:
		return RouteEarpiece
	}
	if d.Mode == ModeInCall {
		return RouteEarpiece
	}
	return RouteSpeaker
}

// outputGain is the gain of an output stream of a known container: under a
// call or a ring, the owner's streams play at full gain and everyone else's
// are ducked.
func outputGain(d Decision, s Stream) float32 {
	if d.Mode != ModeNormal && s.Container != d.Owner {
		return DuckGain
	}
	return 1
}
