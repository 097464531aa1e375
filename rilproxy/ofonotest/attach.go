package ofonotest

import (
	"context"
	"fmt"
)

// WriteBusConfig writes the configuration of a private system bus that
// listens on socket and applies the host's D-Bus policies (ofono.conf among
// them), for an oFono started by someone else: a stand-in container's init.
func WriteBusConfig(path, socket string) error { return writeBusConfig(path, socket) }

// Attach drives an oFono that another process started, on the private bus
// at addr (for example unix:path=/run/droidplex/personal/dbus). It waits
// until oFono owns its name. Pid, Kill and Exited are not available on an
// attached instance; Stop only closes the connection.
func Attach(ctx context.Context, name, addr string) (*Instance, error) {
	i := &Instance{name: name, exited: make(chan struct{}), busDone: make(chan struct{})}
	conn, err := connectBus(ctx, addr, i.busDone)
	if err != nil {
		return nil, fmt.Errorf("ofono %s: %w", name, err)
	}
	i.conn = conn
	if i.sigs, err = record(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("ofono %s: %w", name, err)
	}
	if err := i.waitName(ctx); err != nil {
		// Closing the connection ends the recorder too (godbus closes the
		// signal channels of a closed connection, and of one whose bus died).
		conn.Close()
		return nil, err
	}
	return i, nil
}
