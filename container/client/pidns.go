package client

import (
	"context"
	"net/http"
	"net/url"
	"sync"

	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/kernel"
)

// PidNamespaces answers which pid namespace each container's init is in,
// from droidplexd: a container's init pid is looked up (GET
// /v1/containers/{name}) when first asked for and remembered until a
// container-state event for that container (Observe) or until the
// remembered init is no longer in that namespace. It is safe for
// concurrent use and implements internal/peercheck's Namespaces.
type PidNamespaces struct {
	c *Client
	// nsOf returns the pid namespace of a host pid (kernel.PidNamespace).
	nsOf func(pid int) (uint64, error)

	mu    sync.Mutex
	known map[string]initNS
}

type initNS struct {
	pid int
	ino uint64
}

// NewPidNamespaces returns an empty cache asking c.
func NewPidNamespaces(c *Client) *PidNamespaces {
	return &PidNamespaces{c: c, nsOf: kernel.PidNamespace, known: map[string]initNS{}}
}

// Observe forgets what is remembered of a container whose state changed
// (a restarted container has a new init and a new namespace). Call it
// for every event from Follow.
func (p *PidNamespaces) Observe(ev wire.Event) {
	if ev.Type != wire.EventContainerState || ev.ContainerState == nil {
		return
	}
	p.mu.Lock()
	delete(p.known, ev.ContainerState.Container)
	p.mu.Unlock()
}

// PidNamespace returns the inode of the pid namespace of the container's
// init, or false when droidplexd cannot be asked, does not know the
// container or says it is not running.
func (p *PidNamespaces) PidNamespace(ctx context.Context, container string) (uint64, bool) {
	p.mu.Lock()
	e, ok := p.known[container]
	p.mu.Unlock()
	// Still the same init? Its pid would be in another namespace (or
	// gone) after a restart whose event was missed.
	if ok {
		if ino, err := p.nsOf(e.pid); err == nil && ino == e.ino {
			return e.ino, true
		}
	}
	var info wire.ContainerInfo
	err := ctlhttp.Do(ctx, p.c.http, http.MethodGet, "/v1/containers/"+url.PathEscape(container), nil, &info)
	// A pid is reported while an init is alive (running, or still
	// stopping): that init's namespace is the container's.
	if err != nil || info.Pid <= 0 || info.State == wire.StateStopped || info.State == wire.StateFailed {
		p.forget(container, e)
		return 0, false
	}
	ino, err := p.nsOf(info.Pid)
	if err != nil {
		p.forget(container, e)
		return 0, false
	}
	p.mu.Lock()
	p.known[container] = initNS{pid: info.Pid, ino: ino}
	p.mu.Unlock()
	return ino, true
}

// forget drops container's entry if it is still old.
func (p *PidNamespaces) forget(container string, old initNS) {
	p.mu.Lock()
	if p.known[container] == old {
		delete(p.known, container)
	}
	p.mu.Unlock()
}
