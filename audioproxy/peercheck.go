package audioproxy

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"droidplex/audioproxy/wire"
	"droidplex/container/client"
	cwire "droidplex/container/wire"
	"droidplex/internal/peercheck"
)

// peerLookupTimeout bounds asking droidplexd for a container's namespace
// (once per container; the answer is remembered). A shim gives up on a
// server that has not answered its Open within 500 ms, so a wedged
// droidplexd must cost less than that: then the namespace is unknown
// (auto: the stream opens unchecked; strict: refused with an answer).
const peerLookupTimeout = 200 * time.Millisecond

// peerChecker returns the peer check cfg.PeerCheck asks for (nil when
// off), asking droidplexd where the containers are, and the function
// that keeps its answers current from droidplexd's events (nil without
// droidplexd). cfg is valid.
func peerChecker(cfg Config) (*peercheck.Checker, func(cwire.Event)) {
	mode, _ := peercheck.ParseMode(cfg.PeerCheck)
	if mode == peercheck.ModeOff {
		return nil, nil
	}
	c := &peercheck.Checker{Mode: mode, Timeout: peerLookupTimeout}
	if cfg.Droidplexd == "" || cfg.Droidplexd == "none" {
		return c, nil // every container's namespace unknown
	}
	ns := client.NewPidNamespaces(client.New(cfg.Droidplexd))
	c.NS = ns
	return c, ns.Observe
}

// checkPeer applies the peer check to a client of container c. A refused
// client gets an error reply that does not tell it the namespaces; the
// log has them.
func (s *Server) checkPeer(c *Container, conn *net.UnixConn, log *slog.Logger) error {
	if s.peers == nil {
		return nil
	}
	res, err := s.peers.CheckConn(context.Background(), c.name, conn)
	attrs := []any{"peer_pidns", res.PeerNS, "container_pidns", res.ContainerNS, "reason", res.Reason}
	if err != nil {
		log.Warn("client refused: not in the socket's container", attrs...)
		return fmt.Errorf("%w: refused: %s", wire.ErrInvalid, res.Reason)
	}
	log.Debug("client checked", attrs...)
	return nil
}
