package inputproxy

import (
	"context"
	"errors"
	"time"

	"droidplex/inputproxy/route"
	"droidplex/inputproxy/wire"
)

// Source is a real input device, opened and grabbed for exclusive use.
type Source interface {
	// Read reads whole input_event records; it blocks until events arrive,
	// the read deadline passes (os.ErrDeadlineExceeded) or the device goes.
	Read(p []byte) (int, error)
	// SetReadDeadline wakes a blocked Read at t (zero: never).
	SetReadDeadline(t time.Time) error
	// Snapshot reads the device's current key and axis state (EVIOCGKEY,
	// EVIOCGABS, EVIOCGMTSLOTS), used after SYN_DROPPED.
	Snapshot(s *route.State) error
	// Close releases the grab and closes the device.
	Close() error
}

// Node is the character device of a clone, for the container's /dev/input
// and its devices cgroup.
type Node = wire.Node

// Sink is one clone of a device in one container.
type Sink interface {
	// Write writes whole input_event records (one or more frames).
	Write(p []byte) (int, error)
	// Node returns the clone's device node.
	Node() Node
	// Close destroys the clone.
	Close() error
}

// Backend is the OS edge: real devices, clones and hot-plug.
type Backend interface {
	// Open opens the device at path and reads its caps; if accept(caps)
	// is true it grabs the device and returns it, else it closes it and
	// returns ErrNotRouted.
	Open(path string, accept func(*route.Caps) bool) (Source, route.Caps, error)
	// Clone creates a clone of a device with caps for container. The
	// clone's physical location (Caps.Phys when opened) is ClonePhys+container.
	Clone(container string, caps route.Caps) (Sink, error)
	// List returns the paths of the input devices present now.
	List() ([]string, error)
	// Watch calls fn for every device added (added true) or removed until
	// ctx ends. It returns once watching has started; fn runs on a
	// goroutine Watch owns, which has ended when ctx is done and Watch's
	// returned wait function returns.
	Watch(ctx context.Context, fn func(path string, added bool)) (wait func(), err error)
}

// ErrNotRouted is returned by Backend.Open for a device the router leaves
// alone.
var ErrNotRouted = errors.New("device not routed")

// ClonePhys prefixes the physical location of every clone, so the router
// never mistakes a clone for a real device.
const ClonePhys = "droidplex/"
