package mockmodem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"droidplex/rilproxy/parcel"
)

// Modem is the mock modem. Its methods are safe for concurrent use.
type Modem struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	closed  bool
	clients map[*client]struct{}
	timers  map[*time.Timer]struct{}
	changed chan struct{} // closed and replaced on every state change

	radio        int32
	reg          string // "1" home, "5" roaming, "2" searching, "3" denied, "0" none
	signal       int
	calls        []*call // sorted by index
	callsChanged bool    // a request changed calls; afterResponse announces it
	lastCause    int32
	mute         bool
	dtmf         []byte
	smsRef       int32
	smsQueue     []string // incoming PDUs (hex); [0] is outstanding when smsOut
	smsOut       bool
	sent         []SentSMS
	ussd         []string
	data         []DataCall
	acks         int // requests 800 received
}

type call struct {
	index  int32
	state  int32
	number string
	mt     bool
	mpty   bool
	gen    int // bumped on every state change; stale timers compare it
}

// New returns a modem with the radio off, as libril reports it at start.
func New(cfg Config, log *slog.Logger) *Modem {
	return &Modem{
		cfg:       cfg.withDefaults(),
		log:       log,
		clients:   map[*client]struct{}{},
		timers:    map[*time.Timer]struct{}{},
		changed:   make(chan struct{}),
		radio:     parcel.RadioOff,
		reg:       "1",
		signal:    3,
		lastCause: causeNormal,
	}
}

// Close stops the modem's timers and disconnects every client. Serve
// returns once its clients are gone.
func (m *Modem) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	for t := range m.timers {
		t.Stop()
	}
	clear(m.timers)
	for c := range m.clients {
		c.conn.Close()
	}
	m.bump()
}

// bump wakes everything waiting for a state change. Call with mu held.
func (m *Modem) bump() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// after runs f with mu held after d, unless the modem is closed by then.
func (m *Modem) after(d time.Duration, f func()) {
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		delete(m.timers, t)
		if !m.closed {
			f()
		}
	})
	m.timers[t] = struct{}{}
}

// WaitFor blocks until cond holds for the modem's status or ctx ends.
func (m *Modem) WaitFor(ctx context.Context, cond func(Status) bool) error {
	for {
		m.mu.Lock()
		st, ch := m.statusLocked(), m.changed
		m.mu.Unlock()
		if cond(st) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for modem state: %w", ctx.Err())
		case <-ch:
		}
	}
}

// client is one connection on a rild socket.
type client struct {
	conn  net.Conn
	out   chan []byte // framed records; closed by the reader after removal
	owner context.Context
	buf   []byte // encoding scratch, used with mu held
	// dropped is set (mu held) when the client was disconnected for not
	// reading; nothing more is queued for it.
	dropped bool
}

// Serve accepts rild clients on l until ctx ends or l fails, and serves
// each as libril does: RIL_CONNECTED and RADIO_STATE_CHANGED on accept, then
// a response to every request. Unlike libril it serves several clients at
// once (each sees every indication). Serve closes l and returns after all
// its clients are disconnected.
func (m *Modem) Serve(ctx context.Context, l net.Listener) error {
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx) // also ends this Serve's clients when Accept fails
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		l.Close()
		m.mu.Lock()
		for c := range m.clients {
			if c.owner == ctx {
				c.conn.Close()
			}
		}
		m.mu.Unlock()
	})
	defer stop()
	for {
		conn, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				err = nil
			}
			cancel()
			wg.Wait()
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.serveConn(ctx, conn)
		}()
	}
}

func (m *Modem) serveConn(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	c := &client{conn: conn, out: make(chan []byte, m.cfg.QueueLen), owner: ctx}
	m.mu.Lock()
	if m.closed || ctx.Err() != nil {
		m.mu.Unlock()
		return
	}
	m.clients[c] = struct{}{}
	// libril onNewCommandConnect: RIL_CONNECTED [1][version], then the radio state.
	m.unsolTo(c, parcel.UnsolRilConnected, parcel.AppendInts(nil, m.cfg.RILVersion))
	m.unsolTo(c, parcel.UnsolRadioStateChanged, parcel.AppendInt32(nil, m.radio))
	m.deliverSMSLocked()
	m.bump()
	m.mu.Unlock()
	m.log.Debug("rild client connected", "remote", conn.RemoteAddr())

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for rec := range c.out {
			if _, err := conn.Write(rec); err != nil {
				conn.Close() // the reader sees it and cleans up; drain the rest
			}
		}
	}()

	err := m.readRequests(c)
	m.mu.Lock()
	delete(m.clients, c)
	close(c.out)
	if len(m.clients) == 0 && m.smsOut {
		m.smsOut = false // unacknowledged: delivered again to the next client
	}
	m.bump()
	m.mu.Unlock()
	<-writerDone
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
		m.log.Debug("rild client disconnected")
	default:
		m.log.Info("rild client dropped", "err", err)
	}
}

// readRequests handles records until the client goes away or breaks the
// framing. A record over libril's 8192 bytes, a stream cut inside a record
// and a body too short for id and serial close the connection (libril
// closes it too); everything else is answered.
func (m *Modem) readRequests(c *client) error {
	fr := parcel.NewFrameReader(c.conn, parcel.MaxBody)
	for {
		body, err := fr.Next()
		if err != nil {
			return err
		}
		req, err := parcel.ParseRequest(body)
		if err != nil {
			return fmt.Errorf("malformed request: %w", err)
		}
		m.mu.Lock()
		m.handle(c, req)
		m.mu.Unlock()
	}
}

// send frames body for c. A record over the client limit is dropped (as
// libril drops it) and a full queue disconnects the slow reader. mu held.
func (m *Modem) send(c *client, body []byte) {
	if len(body) > parcel.MaxClientBody {
		m.log.Error("record over the client limit dropped", "bytes", len(body))
		return
	}
	rec := parcel.AppendFrame(make([]byte, 0, len(body)+4), body)
	if c.dropped {
		return
	}
	select {
	case c.out <- rec:
	default:
		m.log.Warn("rild client not reading; disconnecting it", "queued", len(c.out))
		c.dropped = true
		c.conn.Close()
	}
}

func (m *Modem) respond(c *client, serial int32, e parcel.Errno, payload []byte) {
	c.buf = parcel.AppendResponse(c.buf[:0], serial, e, payload)
	if m.cfg.WakeAcks {
		m.send(c, parcel.AppendInt32(parcel.AppendInt32(nil, int32(parcel.SolicitedAck)), serial))
		parcel.SetResponseType(c.buf, parcel.SolicitedAckExp)
	}
	m.send(c, c.buf)
}

func (m *Modem) unsolTo(c *client, id parcel.UnsolID, payload []byte) {
	c.buf = parcel.AppendUnsol(c.buf[:0], id, payload)
	if m.cfg.WakeAcks && id.Wakes() {
		parcel.SetResponseType(c.buf, parcel.UnsolicitedAckExp)
	}
	m.send(c, c.buf)
}

// unsol sends an indication to every client. mu held.
func (m *Modem) unsol(id parcel.UnsolID, payload []byte) {
	for c := range m.clients {
		m.unsolTo(c, id, payload)
	}
	m.bump()
}
