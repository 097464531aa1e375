// Package peercheck cross-checks a proxy client against the container whose
// socket it arrived on (DESIGN.md, Control plane): the socket names the
// container, SO_PEERCRED gives the client's pid, and the client must be in
// the pid namespace of that container's init. Decide is the pure policy;
// Checker applies it to a live connection, and Guard to a listener.
//
// Where the container's namespace comes from is the Namespaces interface
// (droidplexd's answer: container/client.PidNamespaces). When it is unknown
// (no droidplexd, the container not running, kernel-less defaults) the mode
// decides: ModeAuto accepts as if there were no check, ModeStrict refuses.
//
// The comparison is equality: a client in a pid namespace nested inside its
// container's is refused too (Android does not nest pid namespaces), and so
// is a client whose pid namespace cannot be read (it has no pid in this
// process's namespace, or it is gone) when the container's is known.
package peercheck

import (
	"fmt"
)

// Mode is the peer_check setting of a proxy.
type Mode string

// Modes.
const (
	// ModeAuto checks when the container's pid namespace is known and
	// accepts unchecked when it is not (the default).
	ModeAuto Mode = "auto"
	// ModeStrict also refuses clients of a container whose pid namespace
	// is unknown.
	ModeStrict Mode = "strict"
	// ModeOff trusts the socket alone.
	ModeOff Mode = "off"
)

// ParseMode parses a peer_check value; "" is ModeAuto.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case "":
		return ModeAuto, nil
	case ModeAuto, ModeStrict, ModeOff:
		return m, nil
	}
	return "", fmt.Errorf("peer_check %q: want auto, strict or off", s)
}

// Facts are what is known about one connection. A zero inode is unknown.
type Facts struct {
	ContainerNS uint64 // pid namespace of the container's init
	PeerNS      uint64 // pid namespace of the connecting process
}

// Decision is Decide's answer.
type Decision struct {
	Accept  bool
	Checked bool   // the namespaces were compared (and matched, if Accept)
	Reason  string // why, for logs
}

// Decide is the policy: whether a client with facts f is accepted in mode.
func Decide(mode Mode, f Facts) Decision {
	switch {
	case mode == ModeOff:
		return Decision{Accept: true, Reason: "peer check off"}
	case f.ContainerNS == 0 && mode == ModeStrict:
		return Decision{Reason: "container's pid namespace unknown (peer_check strict)"}
	case f.ContainerNS == 0:
		return Decision{Accept: true, Reason: "container's pid namespace unknown; accepted unchecked"}
	case f.PeerNS == 0:
		return Decision{Checked: true, Reason: "peer's pid namespace unknown"}
	case f.PeerNS != f.ContainerNS:
		return Decision{Checked: true, Reason: "peer in another pid namespace"}
	}
	return Decision{Accept: true, Checked: true, Reason: "peer in the container's pid namespace"}
}
