package rilproxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
	"droidplex/rilproxy/parcel"
)

func (m *Mux) accept(ctx context.Context, name string, l net.Listener) {
	// Greet nobody before the modem said RIL_CONNECTED and its radio state
	// (or did not within a second: then the configured version and
	// "unavailable" are announced, and the real state follows).
	select {
	case <-m.ready:
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
	idx := m.index[name]
	var backoff time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return
			}
			// EMFILE, ENFILE, ECONNABORTED...: temporary. Giving up would
			// leave the container without telephony until a restart.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			m.log.Warn("accept failed; retrying", "container", name, "err", err, "in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		m.mu.Lock()
		if old := m.sessions[idx-1]; old != nil {
			// A client that reconnects at once may arrive before its old
			// connection's end was read: give that a moment.
			m.mu.Unlock()
			if !waitLeft(old, 200*time.Millisecond) && hungUp(old.conn) {
				// Its reader is slow to see the end (a busy machine, a
				// long request): the client has gone, so its connection
				// is ended here and the new one waits for that.
				old.kill()
				waitLeft(old, 5*time.Second)
			}
			m.mu.Lock()
		}
		if ctx.Err() != nil {
			// Shutting down: Serve may already have ended the sessions and
			// be waiting for their goroutines; start no new one.
			m.mu.Unlock()
			c.Close()
			return
		}
		if m.sessions[idx-1] != nil {
			m.mu.Unlock()
			m.log.Warn("second client refused: one client per container socket", "container", name)
			c.Close()
			continue
		}
		s := newSession(name, idx, c, m.cfg.QueueLen)
		m.sessions[idx-1] = s
		s.unsol(parcel.UnsolRilConnected, parcel.AppendInts(nil, m.rilVersion)) // [1][version]
		s.unsol(parcel.UnsolRadioStateChanged, parcel.AppendInt32(nil, m.radioState))
		if m.nitz != nil {
			s.relay(m.nitz, parcel.Unsolicited, 0)
		}
		m.mu.Unlock()
		m.log.Info("client connected", "container", name)
		m.wg.Go(s.writeLoop)
		m.wg.Go(func() { m.readClient(s) })
	}
}

func (m *Mux) readClient(s *session) {
	fr := parcel.NewFrameReader(bufio.NewReaderSize(s.conn, readBuf), parcel.MaxBody)
	for {
		body, err := fr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				m.log.Warn("client dropped", "container", s.name, "err", err)
			}
			break
		}
		m.request(s, body)
	}
	m.detach(s)
}

// detach forgets a client that left: its requests in flight are finished
// upstream with their replies dropped, its calls are hung up, an SMS it
// did not acknowledge is refused upstream, and the radio power and screen
// state are re-decided without it.
func (m *Mux) detach(s *session) {
	s.kill()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.idx-1] = nil
	s.gone = true
	t := m.tables[s.idx]
	t.mu.Lock()
	for i := range t.slots {
		t.slots[i].sess = nil
	}
	t.mu.Unlock()
	hang, ended := m.calls.Drop(s.name)
	for _, e := range ended {
		m.publishLocked(e)
	}
	for _, index := range hang {
		m.log.Info("hanging up the call of a container that left", "container", s.name, "index", index)
		m.internalLocked(parcel.ReqHangup, parcel.AppendInts(nil, index), opNone)
	}
	if m.sms.pending && m.sms.target == s.name {
		m.sms.pending = false
		m.refuseSMSLocked(m.sms.ack)
	}
	m.updatePowerLocked()
	m.updateScreenLocked()
	close(s.left)
	m.log.Info("client disconnected", "container", s.name)
}

// waitLeft reports whether s was forgotten by the Mux within d.
func waitLeft(s *session, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.left:
		return true
	case <-t.C:
		return false
	}
}

// hungUp reports whether the peer of c has closed its end (false if that
// cannot be told): a second client is refused only while the first is
// still there.
func hungUp(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	gone := false
	_ = rc.Control(func(fd uintptr) {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
		if n, err := linux.Poll(p, 0); err == nil && n == 1 {
			gone = p[0].Revents&(unix.POLLRDHUP|unix.POLLHUP|unix.POLLERR) != 0
		}
	})
	return gone
}
