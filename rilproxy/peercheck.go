package rilproxy

import (
	"log/slog"
	"net"

	"droidplex/internal/peercheck"
)

// guardListeners puts the peer check (RunConfig.PeerCheck) in front of
// every container's rild socket: a client that is not in the container's
// pid namespace is disconnected before the Mux greets it.
func guardListeners(listeners map[string]net.Listener, mode peercheck.Mode, ns peercheck.Namespaces, log *slog.Logger) {
	if mode == peercheck.ModeOff {
		return
	}
	c := &peercheck.Checker{Mode: mode, NS: ns}
	for name, l := range listeners {
		listeners[name] = c.Guard(l, name, func(res peercheck.Result, err error) {
			attrs := []any{"container", name, "pid", res.PeerPID, "peer_pidns", res.PeerNS, "container_pidns", res.ContainerNS}
			if err != nil {
				log.Warn("client refused: not in the socket's container", append(attrs, "reason", res.Reason)...)
				return
			}
			log.Debug("client checked", append(attrs, "reason", res.Reason)...)
		})
	}
}
