package audioproxy

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
	"droidplex/internal/peercheck"
	"droidplex/internal/revert"
	"droidplex/internal/unixsock"
)

// Server accepts streams on the containers' control sockets.
type Server struct {
	eng         *Engine
	log         *slog.Logger
	ringPeriods uint32

	mu        sync.Mutex
	closed    bool
	listeners []*net.UnixListener
	conns     map[*net.UnixConn]struct{}
	pending   map[*Container]int // connections that have not sent Open yet
	streams   map[*Stream]*stream
	wg        sync.WaitGroup // accept and stream goroutines
	stop      chan struct{}
	// The watchdog outlives the streams on Close: a stream's removal may
	// wait for a callback that only the watchdog can free.
	wd     sync.WaitGroup
	wdStop chan struct{}
	wdOnce sync.Once
	// route receives the routes shims ask for (wire.Route); nil ignores
	// them. Set before Listen (policy_run.go).
	route func(container string, devices uint32)
	// peers checks every client against its socket's container; nil
	// trusts the socket. Set before Listen (peercheck.go).
	peers *peercheck.Checker
	// bans refuses the new streams of containers that tampered (ban.go);
	// banFor is the first refusal's length. Guarded by mu.
	bans   map[*Container]ban
	banFor time.Duration
}

// NewServer returns a server adding streams to eng. A stream's ring holds
// ringPeriods device periods, or the client's period hint if that is larger.
func NewServer(eng *Engine, ringPeriods int, log *slog.Logger) *Server {
	s := &Server{eng: eng, log: log, ringPeriods: uint32(max(ringPeriods, 1)),
		conns: map[*net.UnixConn]struct{}{}, pending: map[*Container]int{}, streams: map[*Stream]*stream{},
		stop: make(chan struct{}), wdStop: make(chan struct{}), bans: map[*Container]ban{}, banFor: defaultBan}
	s.wd.Go(s.watchdog)
	return s
}

// Listen creates container's control socket at path and serves it until Close.
func (s *Server) Listen(container, path string, opt unixsock.ListenOptions) error {
	c := s.eng.Container(container)
	l, err := unixsock.Listen(unixsock.SeqPacket, path, opt)
	if err != nil {
		return fmt.Errorf("container %s: %w", container, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		l.Close()
		return net.ErrClosed
	}
	s.listeners = append(s.listeners, l)
	s.wg.Go(func() { s.accept(c, l) })
	return nil
}

// Close stops listening, ends every stream and waits for their cleanup.
func (s *Server) Close() error {
	s.mu.Lock()
	if !s.closed {
		close(s.stop)
	}
	s.closed = true
	for _, l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.wdOnce.Do(func() { close(s.wdStop) })
	s.wd.Wait()
	return nil
}

func (s *Server) accept(c *Container, l *net.UnixListener) {
	var backoff time.Duration
	for {
		conn, err := l.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE, ENFILE, ECONNABORTED...: temporary. Giving up would
			// leave the container without sound until a restart.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Error("accept failed; retrying", "container", c.name, "err", err, "in", backoff)
			select {
			case <-s.stop:
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		// Connections that have not sent Open yet hold a descriptor and a
		// goroutine each: bound them per container, so one container cannot
		// exhaust the server's descriptors for everyone.
		// Only a client that connects and stays silent gets here, so it is
		// disconnected (a reply would be lost anyway: closing a socket with
		// its unread Open resets the connection).
		if s.pending[c] >= s.eng.limit {
			s.mu.Unlock()
			s.log.Warn("connection refused: too many waiting to open a stream", "container", c.name, "limit", s.eng.limit)
			conn.Close()
			continue
		}
		s.pending[c]++
		s.conns[conn] = struct{}{}
		s.wg.Go(func() {
			s.serve(c, conn)
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
			conn.Close()
		})
		s.mu.Unlock()
	}
}

// openTimeout bounds how long a connected client may wait before sending Open.
const openTimeout = 5 * time.Second

// serve runs one stream: it reads Open, sets the stream up and then holds it
// until the client's connection ends.
func (s *Server) serve(c *Container, conn *net.UnixConn) {
	log := s.log.With("container", c.name)
	if cred, err := unixsock.PeerCred(conn); err == nil {
		log = log.With("pid", cred.PID)
	}
	buf := make([]byte, wire.MaxMsgSize+1)
	conn.SetReadDeadline(time.Now().Add(openTimeout))
	n, _, err := unixsock.RecvFds(conn, buf, 0)
	s.mu.Lock()
	s.pending[c]--
	s.mu.Unlock()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			log.Info("stream request refused", "err", err)
		}
		return
	}
	conn.SetReadDeadline(time.Time{})
	req, err := wire.DecodeOpen(buf[:n])
	if err == nil {
		err = s.checkPeer(c, conn, log)
	}
	if err == nil {
		err = req.Validate()
	}
	if err == nil {
		err = s.refusal(c)
	}
	if err == nil && req.Params != s.eng.dev.Params {
		d := s.eng.dev
		err = fmt.Errorf("%w: the device plays %d Hz, %d channels, %v; open the stream in that format",
			wire.ErrUnsupported, d.Rate, d.Channels, d.Format)
	}
	var st *stream
	if err == nil {
		st, err = s.open(c, req)
	}
	if err != nil {
		log.Info("stream refused", "err", err)
		conn.Write(wire.AppendError(nil, err))
		return
	}
	defer func() {
		// Detach while the watchdog can still find the stream: it waits
		// for the device callback, which may be blocked in this stream's
		// wake-up until the watchdog drains the eventfd.
		s.eng.Detach(st.s)
		s.mu.Lock()
		delete(s.streams, st.s)
		s.mu.Unlock()
		st.free()
	}()
	reply := wire.AppendOpened(nil, wire.Opened{ID: st.s.id, Geometry: st.s.geo, Size: uint32(len(st.mem))})
	err = unixsock.SendFds(conn, reply, st.memfd, st.efd)
	st.memfd.Close() // the mapping stays; the client has its own descriptor
	st.memfd = nil
	if err != nil {
		log.Info("stream reply failed", "err", err)
		return
	}
	log.Info("stream opened", "id", st.s.id, "dir", req.Dir, "usage", req.Usage, "frames", st.s.geo.Capacity)
	reason := s.hold(conn, st)
	if st.tampered.Load() { // before the client can see its stream end
		s.penalize(c, log)
	}
	log.Info("stream closed", "id", st.s.id, "reason", reason, "underruns", st.s.Underruns())
}

// hold waits for the end of the stream: the peer closing (or dying), a
// message after Open other than a Route (a protocol error) or the engine
// finding the ring broken. The ring is checked before every read, so a
// client that keeps sending routes cannot keep a broken stream alive.
func (s *Server) hold(conn *net.UnixConn, st *stream) string {
	var b [wire.MaxMsgSize]byte
	for {
		if st.s.Broken() {
			return "ring protocol broken by the client"
		}
		if st.hostile.Load() {
			return "eventfd flags changed by the client"
		}
		conn.SetReadDeadline(time.Now().Add(time.Second))
		n, _, err := unixsock.RecvFds(conn, b[:], 0)
		var ne net.Error
		switch {
		case err == nil:
			if m, err := wire.DecodeRoute(b[:n]); err == nil && s.route != nil {
				s.route(st.s.c.name, m.Devices)
				continue
			}
			return "unexpected message"
		case errors.As(err, &ne) && ne.Timeout():
		case errors.Is(err, io.EOF):
			return "client closed"
		default:
			return err.Error()
		}
	}
}

// open creates the ring memfd and eventfd, maps the ring and attaches it to
// the engine; on any failure everything made so far is undone.
func (s *Server) open(c *Container, req wire.Open) (*stream, error) {
	d := s.eng.dev
	g := wire.Geometry{Params: d.Params, Period: d.Period, Capacity: max(req.PeriodHint, s.ringPeriods*d.Period)}
	if g.Capacity > wire.MaxCapacity {
		g.Capacity = wire.MaxCapacity
	}
	r := revert.New()
	defer r.Fail()
	st := &stream{}
	mf, err := linux.MemfdCreate("audioproxy-"+c.name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", wire.ErrInternal, err)
	}
	r.Add(func() { mf.Close() })
	size := (g.Size() + os.Getpagesize() - 1) &^ (os.Getpagesize() - 1)
	if err := linux.Ftruncate(mf, int64(size)); err != nil {
		return nil, fmt.Errorf("%w: %w", wire.ErrInternal, err)
	}
	if err := linux.AddSeals(mf, unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_SEAL); err != nil {
		return nil, fmt.Errorf("%w: %w", wire.ErrInternal, err)
	}
	mem, err := linux.Mmap(mf, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", wire.ErrInternal, err)
	}
	r.Add(func() { linux.Munmap(mem) })
	ring, err := wire.Init(mem, g)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", wire.ErrInternal, err)
	}
	ef, err := linux.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", wire.ErrInternal, err)
	}
	r.Add(func() { ef.Close() })
	st.memfd, st.efd, st.mem = mf, ef, mem
	if !st.initFd() {
		return nil, fmt.Errorf("%w: eventfd descriptor unavailable", wire.ErrInternal)
	}
	st.s, err = s.eng.Attach(c, ring, req.Dir, req.Usage, st)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.streams[st.s] = st
	s.mu.Unlock()
	r.Success()
	return st, nil
}
