package peercheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"droidplex/internal/linux"
	"droidplex/internal/unixsock"
	"droidplex/kernel"
)

// Namespaces answers which pid namespace a container's init is in now.
type Namespaces interface {
	// PidNamespace returns the inode of the pid namespace of container's
	// init, or false when that is unknown (no droidplexd, the container
	// not running).
	PidNamespace(ctx context.Context, container string) (uint64, bool)
}

// Checker applies the policy to connections.
type Checker struct {
	// Mode is the policy; "" is ModeAuto.
	Mode Mode
	// NS says where containers are; nil: always unknown.
	NS Namespaces
	// PeerNS returns the pid namespace of a host pid (kernel.PidNamespace
	// if nil).
	PeerNS func(pid int) (uint64, error)
	// Timeout bounds one NS lookup (default 2 s): a stuck droidplexd
	// delays a client by at most this, then the namespace is unknown.
	Timeout time.Duration
}

// Result describes one checked connection, for logs.
type Result struct {
	Container string
	PeerPID   int // from SO_PEERCRED, in this process's pid namespace; 0: unknown
	Facts
	Decision
}

// RefusedError is Check's error for a refused client. errors.Is matches it
// to kernel.ErrWrongContainer.
type RefusedError struct{ Result }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("client pid %d of container %s refused: %s (peer pid:[%d], container pid:[%d])",
		e.PeerPID, e.Container, e.Reason, e.PeerNS, e.ContainerNS)
}

// Is makes errors.Is(err, kernel.ErrWrongContainer) true.
func (e *RefusedError) Is(target error) bool { return target == kernel.ErrWrongContainer }

// Check decides on a client with host pid peerPID (0: unknown) that
// connected to container's socket. The error is a *RefusedError.
func (c *Checker) Check(ctx context.Context, container string, peerPID int) (Result, error) {
	return c.check(ctx, container, peerPID, nil)
}

// check is Check; stillPeer (if not nil) says, after the peer's namespace
// has been read through its pid, whether that pid still named the peer.
func (c *Checker) check(ctx context.Context, container string, peerPID int, stillPeer func() bool) (Result, error) {
	mode := c.Mode
	if mode == "" {
		mode = ModeAuto
	}
	res := Result{Container: container, PeerPID: peerPID}
	if mode != ModeOff && c.NS != nil {
		timeout := c.Timeout
		if timeout <= 0 {
			timeout = 2 * time.Second
		}
		lctx, cancel := context.WithTimeout(ctx, timeout)
		if ino, ok := c.NS.PidNamespace(lctx, container); ok {
			res.ContainerNS = ino
		}
		cancel()
	}
	// The peer's namespace matters only when there is one to compare with.
	// Pid 0 means the peer's pid has no number here: never read /proc/0.
	if res.ContainerNS != 0 && peerPID > 0 {
		peerNS := c.PeerNS
		if peerNS == nil {
			peerNS = kernel.PidNamespace
		}
		if ino, err := peerNS(peerPID); err == nil && (stillPeer == nil || stillPeer()) {
			res.PeerNS = ino
		}
	}
	res.Decision = Decide(mode, res.Facts)
	if !res.Accept {
		return res, &RefusedError{res}
	}
	return res, nil
}

// CheckConn reads conn's SO_PEERCRED and checks it; a conn that is not a
// unix socket, or whose credentials cannot be read, has an unknown peer.
//
// SO_PEERCRED's pid is the one the peer had when it connected: once the
// peer has exited, the pid may name another process, in another pid
// namespace (a client that connects and exits while its pid is recycled
// into the container would pass for the container's). Where the kernel
// gives the peer's pidfd (SO_PEERPIDFD, Linux 6.5), a peer that has
// exited, before or while its namespace is read, is unknown instead.
func (c *Checker) CheckConn(ctx context.Context, container string, conn net.Conn) (Result, error) {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return c.check(ctx, container, 0, nil)
	}
	cred, err := unixsock.PeerCred(uc)
	if err != nil {
		return c.check(ctx, container, 0, nil)
	}
	pidfd, err := unixsock.PeerPidfd(uc)
	switch {
	case errors.Is(err, linux.ErrPeerGone):
		return c.check(ctx, container, 0, nil)
	case err != nil: // an older kernel: the pid alone
		return c.check(ctx, container, int(cred.PID), nil)
	}
	defer pidfd.Close()
	return c.check(ctx, container, int(cred.PID), func() bool {
		exited, err := linux.PidfdExited(pidfd)
		return err == nil && !exited
	})
}

// Guard returns a listener on l, container's socket, whose Accept returns
// only the clients c accepts; a refused client's connection is closed at
// once. report (if not nil) hears of every decision, on Accept's goroutine.
func (c *Checker) Guard(l net.Listener, container string, report func(Result, error)) net.Listener {
	return &guard{Listener: l, c: c, container: container, report: report}
}

type guard struct {
	net.Listener
	c         *Checker
	container string
	report    func(Result, error)
}

func (g *guard) Accept() (net.Conn, error) {
	for {
		conn, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		res, err := g.c.CheckConn(context.Background(), g.container, conn)
		if g.report != nil {
			g.report(res, err)
		}
		if err == nil {
			return conn, nil
		}
		conn.Close()
	}
}
