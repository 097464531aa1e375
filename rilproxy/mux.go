package rilproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"droidplex/container/wire"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

// Radio states (RIL_RadioState) the proxy reports itself.
const (
	radioOff         int32 = 0
	radioUnavailable int32 = 1
	radioOn          int32 = 10
)

// readBuf is the read buffer of every connection: a record's length word
// and body (and often the next records) come in one read system call.
const readBuf = 16 << 10

// errModemGone wraps why a modem connection ended (logged; the modem is
// dialled again).
var errModemGone = errors.New("upstream modem connection ended")

// Mux multiplexes the containers' rild clients onto one modem. Create it
// with New, then call Serve once.
type Mux struct {
	cfg    Config
	log    *slog.Logger
	index  map[string]int // container name → owner id
	events chan wire.CallState
	intQ   chan []byte // the proxy's own requests, written by one goroutine
	ready  chan struct{}
	readyO sync.Once
	wg     sync.WaitGroup

	upOK    atomic.Bool   // a modem is connected
	ackNext atomic.Uint32 // serials of the proxy's acknowledgements

	wmu  sync.Mutex // upstream writes
	up   io.WriteCloser
	wbuf []byte

	mu         sync.Mutex
	sessions   []*session // by owner id - 1
	tables     []*table   // by owner id; 0 is the proxy's own
	radioState int32
	rilVersion int32
	nitz       []byte
	sentPower  int8
	sentScreen int8
	fg         string
	calls      policy.Calls
	polling    bool
	pollAgain  bool
	pollSeq    uint64 // call-list reads sent
	dialSettle uint64 // the read that ends an accepted DIAL whose call it does not show (0: none)
	deferred   []deferredDial
	ussd       string // container whose USSD session is open: the replies are its own
	sms        struct {
		pending bool
		target  string
		ack     parcel.ReqID
	}
	cache   map[cacheKey]*cacheEntry
	inval   [138]uint32
	dropped uint64    // call events nobody read in time
	epoch   time.Time // request deadlines count from it on the monotonic clock
}

// New returns a Mux for cfg.
func New(cfg Config, log *slog.Logger) (*Mux, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	n := len(cfg.Policy.Containers)
	m := &Mux{
		cfg: cfg, log: log, index: map[string]int{},
		events: make(chan wire.CallState, 64), intQ: make(chan []byte, 1024), ready: make(chan struct{}),
		sessions: make([]*session, n), tables: make([]*table, n+1),
		radioState: radioUnavailable, rilVersion: cfg.RILVersion, sentPower: -1, sentScreen: -1,
		cache: map[cacheKey]*cacheEntry{}, epoch: time.Now(),
	}
	m.tables[0] = newTable(ownerProxy, maxSlots)
	for i, name := range cfg.Policy.Containers {
		m.index[name] = i + 1
		m.tables[i+1] = newTable(i+1, cfg.MaxInFlight)
	}
	return m, nil
}

// CallEvents delivers a call-state change for every change of a call owned
// by (or ringing in) a container. Events nobody reads are dropped, never
// waited for.
func (m *Mux) CallEvents() <-chan wire.CallState { return m.events }

// SetForeground records the foreground container (from droidplexd's event
// stream); incoming calls and SMS go there by default, and the modem gets
// its screen state.
func (m *Mux) SetForeground(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fg = name
	m.updateScreenLocked()
}

// Dialer connects to the upstream modem: a real rild socket, or the mock.
type Dialer func(ctx context.Context) (io.ReadWriteCloser, error)

// Serve accepts the containers' clients on listeners (by container name)
// and relays them to the modem that dial connects to, until ctx ends. When
// the modem connection ends, requests in flight are answered
// RADIO_NOT_AVAILABLE, the clients are told the radio is unavailable (and
// stay connected: oFono never reconnects), and the modem is dialled again
// with backoff. Serve closes the listeners and every client before
// returning ctx's error.
func (m *Mux) Serve(ctx context.Context, dial Dialer, listeners map[string]net.Listener) error {
	for name := range listeners {
		if m.index[name] == 0 {
			return fmt.Errorf("serve: %q is not a configured container", name)
		}
	}
	m.wg.Go(func() { m.writeInternal(ctx) })
	m.wg.Go(func() { m.expireLoop(ctx) })
	for name, l := range listeners {
		m.wg.Go(func() { m.accept(ctx, name, l) })
	}
	m.modemLoop(ctx, dial)
	for _, l := range listeners {
		l.Close()
	}
	m.mu.Lock()
	for _, s := range m.sessions {
		if s != nil {
			s.kill()
		}
	}
	m.mu.Unlock()
	m.wg.Wait()
	return ctx.Err()
}

func (m *Mux) modemLoop(ctx context.Context, dial Dialer) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		up, err := dial(ctx)
		if err == nil {
			backoff = 100 * time.Millisecond
			m.wmu.Lock()
			m.up = up
			m.wmu.Unlock()
			m.mu.Lock()
			m.upOK.Store(true)
			m.sentPower, m.sentScreen = -1, -1
			m.mu.Unlock()
			stop := context.AfterFunc(ctx, func() { up.Close() })
			err = m.readModem(up)
			stop()
			up.Close()
		}
		if ctx.Err() != nil {
			return
		}
		m.log.Warn("modem unreachable; retrying", "err", err, "retry", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// expireLoop answers requests that outlived the timeout.
func (m *Mux) expireLoop(ctx context.Context) {
	tick := time.NewTicker(max(m.cfg.Timeout/8, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			m.mu.Lock()
			m.failLocked(m.clock(), parcel.GenericFailure)
			m.mu.Unlock()
		}
	}
}

// clock is the time since m was made, on the monotonic clock: a step of
// the wall clock (NTP or NITZ setting the date) neither times out every
// request in flight at once nor delays their timeouts.
func (m *Mux) clock() int64 { return int64(time.Since(m.epoch)) }

// deadline is the clock reading d from now.
func (m *Mux) deadline(d time.Duration) int64 { return m.clock() + int64(d) }

// failLocked answers every request in flight whose deadline is before now
// with e and frees its slot (a late reply is then dropped).
func (m *Mux) failLocked(now int64, e parcel.Errno) {
	var expired []slot
	for _, t := range m.tables {
		t.mu.Lock()
		for i := range t.slots {
			if sl := &t.slots[i]; sl.used && sl.deadline <= now {
				expired = append(expired, *sl)
				t.free(sl)
			}
		}
		t.mu.Unlock()
	}
	for _, sl := range expired {
		m.log.Warn("request not answered by the modem", "request", sl.id, "answer", e)
		m.finishLocked(sl, e, nil)
	}
}
