package container

import (
	"context"
	"errors"
	"time"

	"droidplex/container/spec"
	"droidplex/container/wire"
)

// Errors returned by the Manager and Runtimes.
var (
	// ErrUnknown: no container of that name is configured.
	ErrUnknown = errors.New("unknown container")
	// ErrNotRunning: the container has no running init.
	ErrNotRunning = errors.New("container is not running")
	// ErrNotCreated: Start was asked for a container never created.
	ErrNotCreated = errors.New("container has not been created")
	// ErrBadAction: Act was given something other than start, stop, restart.
	ErrBadAction = errors.New("unknown container action")
)

// Runtime runs containers: LXC (container/lxc) or plain processes in their
// own namespaces (container/proc). containertest has a recording fake.
type Runtime interface {
	// Exists reports whether name has been created.
	Exists(name string) (bool, error)
	// Create makes the container's root directory and config from s.
	Create(s *spec.Spec) error
	// Start starts the created container described by s and returns its
	// running init. ctx bounds the start only, not the container's life.
	Start(ctx context.Context, s *spec.Spec) (Instance, error)
	// Attach returns the already-running init of name (after a droidplexd
	// restart), or an error matching ErrNotRunning.
	Attach(name string) (Instance, error)
}

// Instance is one running container init.
type Instance interface {
	// Pid is the init's pid in droidplexd's pid namespace.
	Pid() int
	// Wait blocks until the init has exited and returns why.
	Wait() error
	// Stop asks the init to stop (SIGTERM), kills it after timeout, and
	// returns once it has exited.
	Stop(timeout time.Duration) error
	// AddDevice gives the running container device node d (a hot-plugged
	// input clone): it is allowed in the container's devices cgroup and
	// created at d.Path. On failure nothing of it is left.
	AddDevice(d spec.Device) error
	// RemoveDevice takes d away again: denied, and its node removed. A
	// device the container does not have is not an error.
	RemoveDevice(d spec.Device) error
}

// Host prepares the host side of a container before it starts. OSHost is
// the real one; containertest has a recording fake.
type Host interface {
	// MkdirAll creates a directory and its parents.
	MkdirAll(path string) error
	// Symlink makes link point at target, replacing an old link.
	Symlink(target, link string) error
	// Device describes the host node at path; an error matching
	// fs.ErrNotExist if there is none.
	Device(path string) (spec.Device, error)
	// Binder mounts a binderfs instance at dir and allocates spec.BinderDevices
	// in it. undo unmounts it. A kernel without binderfs gives an error
	// matching kernel.ErrNotSupported.
	Binder(dir string) (devs []spec.Device, undo func(), err error)
	// UnmountBinder unmounts the binderfs instance at dir, if one is
	// mounted there: Binder's undo for a container an earlier droidplexd
	// started (and this one adopted).
	UnmountBinder(dir string)
}

// Inputs hands out a container's input clones (inputproxyd's uinput clones
// of the real devices). Once its init runs, their nodes are created in the
// container's /dev/input and allowed in its devices cgroup
// (Instance.AddDevice), as hot-plugged ones are later.
type Inputs interface {
	// Clones makes sure name has its clones and returns their nodes.
	Clones(ctx context.Context, name string) ([]spec.Device, error)
}

// Publisher receives the manager's events (the events.Hub).
type Publisher interface {
	Publish(ev wire.Event) wire.Event
}
