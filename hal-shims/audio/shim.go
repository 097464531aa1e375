// Package audioshim is the pure-Go client of audioproxyd that runs inside a
// container (no cgo): it opens a stream on the container's control socket,
// maps the ring the server sends and writes (or reads) PCM in it, paced by
// the server through the eventfd.
//
// Write blocks for about as long as the audio takes to play, which is what
// Android's AudioFlinger needs from a HAL. If the server goes away, the
// stream keeps pacing writes by a local clock (the audio is dropped, the
// caller never stalls) and reconnects when the server is back.
// PresentationPosition never goes backwards, across reconnects included.
//
// The package imports only droidplex/audioproxy/wire and droidplex/internal.
package audioshim

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
	"droidplex/internal/unixsock"
)

// Config describes the stream to open.
type Config struct {
	// Path is the container's audio control socket (for example
	// /run/droidplex/personal/audio, bind-mounted into the container).
	Path  string
	Dir   wire.Direction
	Usage wire.Usage
	// Params must equal the device's; the server says which it wants if not.
	Params wire.Params
	// PeriodHint is the caller's write size in frames (0: no preference).
	PeriodHint uint32
	// Reconnect is the least time between reconnection attempts (default 200 ms).
	Reconnect time.Duration
	// Stall is how long Write waits for the server to make room before it
	// treats the server as gone (default 500 ms; four times that before a
	// new stream has had its first frame consumed, as a device may start late).
	Stall time.Duration
}

// ErrClosed is returned by Write and Read after Close.
var ErrClosed = errors.New("audioshim: stream closed")

// Stream is an open stream. Write (or Read) must be called from one
// goroutine at a time; PresentationPosition may be called concurrently.
type Stream struct {
	cfg Config
	fb  int

	mu    sync.RWMutex // guards the connection fields below against PresentationPosition
	conn  *net.UnixConn
	efd   *os.File
	gone  *atomic.Bool // set by the connection's watcher when the server hangs up
	evbuf [8]byte
	ring  *wire.Ring
	mem   []byte
	pos   uint64 // our write (output) or read (input) position in the ring

	base      atomic.Uint64 // frames played in earlier connections and while disconnected
	connSeen  uint64        // the largest consumed count read on this connection; under mu
	reported  uint64        // the last position reported, which never goes back; under mu
	lastTry   time.Time
	local     time.Time // local clock deadline while disconnected
	closed    bool
	reconnect atomic.Uint64
	timed     atomic.Uint64 // waits for room by the device's clock
	poked     atomic.Uint64 // waits for room by the server's wake-up
}

// Open connects to the server and opens a stream. It fails if the server
// cannot be reached or refuses the stream (errors.Is matches wire.ErrLimit,
// wire.ErrUnsupported, wire.ErrInvalid).
func Open(cfg Config) (*Stream, error) {
	if cfg.Reconnect <= 0 {
		cfg.Reconnect = 200 * time.Millisecond
	}
	if cfg.Stall <= 0 {
		cfg.Stall = 500 * time.Millisecond
	}
	if cfg.Dir == 0 {
		cfg.Dir = wire.Output
	}
	req := wire.Open{Dir: cfg.Dir, Usage: cfg.Usage, Params: cfg.Params, PeriodHint: cfg.PeriodHint}
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("audioshim: %w", err)
	}
	s := &Stream{cfg: cfg, fb: cfg.Params.FrameBytes()}
	if err := s.connect(openTimeout); err != nil {
		return nil, err
	}
	return s, nil
}

// How long connect waits for the server's answer: Open may wait a while
// for a server that is starting; a reconnection is tried from Write, which
// must not stall, so a server that accepts but does not answer (wedged, or
// only its listening socket left) costs a Write at most reconnectTimeout.
// The C shim uses the same bounds (c/dpx_stream.c).
const (
	openTimeout      = 500 * time.Millisecond
	reconnectTimeout = 20 * time.Millisecond
)

// connect dials the socket, sends Open and maps the ring it gets back,
// waiting at most timeout for the answer.
func (s *Stream) connect(timeout time.Duration) (err error) {
	conn, err := unixsock.Dial(unixsock.SeqPacket, s.cfg.Path)
	if err != nil {
		return fmt.Errorf("audioshim: %w", err)
	}
	defer func() {
		if err != nil {
			conn.Close()
		}
	}()
	conn.SetDeadline(time.Now().Add(timeout))
	req := wire.Open{Dir: s.cfg.Dir, Usage: s.cfg.Usage, Params: s.cfg.Params, PeriodHint: s.cfg.PeriodHint}
	if _, err := conn.Write(wire.AppendOpen(nil, req)); err != nil {
		return fmt.Errorf("audioshim: send open: %w", err)
	}
	buf := make([]byte, wire.MaxMsgSize+1)
	n, files, err := unixsock.RecvFds(conn, buf, 2)
	if err != nil {
		return fmt.Errorf("audioshim: receive reply: %w", err)
	}
	defer func() {
		if err != nil {
			for _, f := range files {
				f.Close()
			}
		}
	}()
	m, err := wire.DecodeReply(buf[:n])
	if err != nil {
		return fmt.Errorf("audioshim: %w", err)
	}
	if len(files) != 2 {
		return fmt.Errorf("audioshim: %w: %d descriptors with the reply", wire.ErrMalformed, len(files))
	}
	if m.Geometry.Params != s.cfg.Params {
		return fmt.Errorf("audioshim: %w: server answered another format", wire.ErrMalformed)
	}
	// As PipeWire does: check the size before mapping, so a short file
	// cannot SIGBUS us (the server seals it against shrinking).
	size, err := linux.FileSize(files[0])
	if err != nil || size < int64(m.Size) {
		return fmt.Errorf("audioshim: ring memfd of %d bytes, announced %d: %w", size, m.Size, err)
	}
	mem, err := linux.Mmap(files[0], 0, int(m.Size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("audioshim: %w", err)
	}
	ring, err := wire.Attach(mem, m.Geometry)
	if err != nil {
		linux.Munmap(mem)
		return fmt.Errorf("audioshim: %w", err)
	}
	// wait's deadline needs a non-blocking eventfd (os.NewFile polls only
	// those); on a blocking one a server that never pokes blocks Write for ever.
	if err := nonBlocking(files[1]); err != nil {
		linux.Munmap(mem)
		return fmt.Errorf("audioshim: %w: %w", wire.ErrMalformed, err)
	}
	files[0].Close()
	conn.SetDeadline(time.Time{})
	gone := new(atomic.Bool)
	efd := files[1]
	go watch(conn, efd, gone)
	s.mu.Lock()
	s.conn, s.efd, s.gone, s.ring, s.mem = conn, efd, gone, ring, mem
	s.pos, s.connSeen = 0, 0
	if s.cfg.Dir == wire.Input {
		s.pos = ring.WritePos()
	}
	s.mu.Unlock()
	return nil
}

// watch waits for the server to hang up (or send anything, which the
// protocol does not allow), then marks the connection gone and wakes a
// waiting Write through the eventfd.
func watch(conn *net.UnixConn, efd *os.File, gone *atomic.Bool) {
	var b [wire.MaxMsgSize]byte
	conn.Read(b[:])
	gone.Store(true)
	var one [8]byte
	one[0] = 1
	efd.Write(one[:])
}

// disconnect drops the connection, keeping the position monotonic.
func (s *Stream) disconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring == nil {
		return
	}
	// What the server consumed counts as played, even if it can no longer
	// be read (a server that died while publishing it leaves the seqlock
	// odd): then the last count read stands.
	if f, _, ok := s.ring.Consumed(); ok && f > s.connSeen {
		s.connSeen = f
	}
	s.base.Add(s.connSeen)
	s.connSeen = 0
	s.ring.ClearFlags(wire.FlagRunning)
	s.conn.Close()
	s.efd.Close()
	linux.Munmap(s.mem)
	s.conn, s.efd, s.ring, s.mem = nil, nil, nil, nil
	s.local = time.Now()
}

// tryReconnect reconnects at most once per Reconnect interval.
func (s *Stream) tryReconnect() {
	if time.Since(s.lastTry) < s.cfg.Reconnect {
		return
	}
	s.lastTry = time.Now()
	if s.connect(reconnectTimeout) == nil {
		s.reconnect.Add(1)
	}
}

// Reconnects returns how many times the stream reconnected.
func (s *Stream) Reconnects() uint64 { return s.reconnect.Load() }

// Connected reports whether the stream currently has a server.
func (s *Stream) Connected() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ring != nil
}

// PresentationPosition returns the frames played so far and the
// CLOCK_MONOTONIC time (ns) at which that count was reached, as Android's
// get_presentation_position wants. It never goes backwards, whatever the
// server publishes.
func (s *Stream) PresentationPosition() (frames uint64, ns int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	frames, ns = s.base.Load()+s.connSeen, 0
	if s.ring != nil {
		if f, t, ok := s.ring.Consumed(); ok && t != 0 && f >= s.connSeen {
			s.connSeen = f
			frames, ns = s.base.Load()+f, t
		}
	}
	if ns == 0 {
		ns = linux.MonotonicNs()
	}
	frames = max(frames, s.reported) // a server that lies about what it consumed cannot move us back
	s.reported = frames
	return frames, ns
}

// Standby says the caller stopped playing for now; gaps are not underruns
// until the next Write.
func (s *Stream) Standby() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ring != nil {
		s.ring.ClearFlags(wire.FlagRunning)
	}
}

// Close ends the stream; the server frees it. Call it when no Write or
// Read is in progress.
func (s *Stream) Close() error {
	s.disconnect()
	s.closed = true
	return nil
}
