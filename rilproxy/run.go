package rilproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"droidplex/container/client"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/peercheck"
	"droidplex/internal/revert"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/mockmodem"
)

// ModemMock names the built-in mock modem as RunConfig.Modem.
const ModemMock = "mock"

// RunConfig is what rilproxyd runs.
type RunConfig struct {
	// Mux configures the multiplexer and its telephony policies.
	Mux Config
	// RunDir holds a directory per container with its "rild" socket
	// (default /run/droidplex).
	RunDir string
	// Socket says how the containers' sockets are created (default mode
	// 0660, owner 1001:1001, the radio user oFono and RIL.java connect as).
	Socket SocketOptions
	// Modem is ModemMock (the mock modem, in this process) or the path of
	// a real rild socket, whose client rilproxyd is.
	Modem string
	// MockControl is the mock modem's control API socket (default
	// RunDir/modem.sock), for `droidplex modem`.
	MockControl string
	// MockModem configures the mock modem.
	MockModem mockmodem.Config
	// API is rilproxyd's own API socket (GET /v1/status; default
	// RunDir/rilproxyd.sock).
	API string
	// Droidplexd is droidplexd's socket: foreground changes are followed
	// and call-state events published there. "" runs without it, on the
	// defaults; an unreachable droidplexd is retried in the background.
	Droidplexd string
	// PeerCheck says whether a client must be in the pid namespace of its
	// socket's container, as droidplexd knows it (internal/peercheck;
	// default auto: checked when known).
	PeerCheck peercheck.Mode
}

// DefaultRunDir is the runtime directory of the droidplex daemons.
const DefaultRunDir = "/run/droidplex"

// Run serves the containers' rild sockets in front of the configured
// modem until ctx ends.
func Run(ctx context.Context, cfg RunConfig, log *slog.Logger) error {
	if cfg.RunDir == "" {
		cfg.RunDir = DefaultRunDir
	}
	if cfg.Socket == (SocketOptions{}) {
		cfg.Socket = SocketOptions{Mode: 0o660, UID: 1001, GID: 1001}
	}
	if cfg.API == "" {
		cfg.API = filepath.Join(cfg.RunDir, "rilproxyd.sock")
	}
	if cfg.MockControl == "" {
		cfg.MockControl = filepath.Join(cfg.RunDir, "modem.sock")
	}
	mode, err := peercheck.ParseMode(string(cfg.PeerCheck))
	if err != nil {
		return fmt.Errorf("rilproxy: %w", err)
	}
	m, err := New(cfg.Mux, log)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	r := revert.New()
	defer r.Fail()

	listeners := map[string]net.Listener{}
	for _, name := range m.cfg.Policy.Containers {
		dir := filepath.Join(cfg.RunDir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("rilproxy: %w", err)
		}
		l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "rild"),
			unixsock.ListenOptions{Mode: cfg.Socket.Mode, UID: cfg.Socket.UID, GID: cfg.Socket.GID})
		if err != nil {
			return fmt.Errorf("rilproxy: container %s: %w", name, err)
		}
		r.Add(func() { l.Close() })
		listeners[name] = l
	}

	api, err := unixsock.Listen(unixsock.Stream, cfg.API, unixsock.ListenOptions{Mode: 0o660, UID: -1, GID: -1})
	if err != nil {
		return fmt.Errorf("rilproxy: API: %w", err)
	}
	r.Add(func() { api.Close() })

	var dial Dialer
	switch cfg.Modem {
	case ModemMock:
		ctl, err := unixsock.Listen(unixsock.Stream, cfg.MockControl, unixsock.ListenOptions{Mode: 0o660, UID: -1, GID: -1})
		if err != nil {
			return fmt.Errorf("rilproxy: mock modem control: %w", err)
		}
		r.Add(func() { ctl.Close() })
		mock := mockmodem.New(cfg.MockModem, log.With("part", "mockmodem"))
		pipe := newPipeListener()
		wg.Go(func() { mock.Serve(ctx, pipe) })
		wg.Go(func() {
			if err := ctlhttp.Serve(ctx, ctl, mockmodem.Handler(mock)); err != nil {
				log.Error("mock modem control API", "err", err)
			}
		})
		defer mock.Close()
		dial = func(ctx context.Context) (io.ReadWriteCloser, error) { return pipe.dial(ctx) }
		log.Info("mock modem in process", "control", cfg.MockControl)
	case "":
		return errors.New("rilproxy: no modem configured (mock or a rild socket path)")
	default:
		path := cfg.Modem
		dial = func(context.Context) (io.ReadWriteCloser, error) { return unixsock.Dial(unixsock.Stream, path) }
	}
	r.Success()
	wg.Go(func() {
		if err := ctlhttp.Serve(ctx, api, m.Handler()); err != nil {
			log.Error("rilproxyd API", "err", err)
		}
	})

	var pidns peercheck.Namespaces // nil without droidplexd: unknown
	if cfg.Droidplexd != "" {
		c := client.New(cfg.Droidplexd)
		ns := client.NewPidNamespaces(c)
		pidns = ns
		wg.Go(func() {
			c.Follow(ctx, log, func(ev wire.Event) {
				ns.Observe(ev)
				if ev.Type == wire.EventForeground && ev.Foreground != nil {
					m.SetForeground(ev.Foreground.Container)
				}
			})
		})
		wg.Go(func() { publish(ctx, c, m, log) })
	}
	guardListeners(listeners, mode, pidns, log)
	for name := range listeners {
		log.Info("serving rild", "container", name, "socket", filepath.Join(cfg.RunDir, name, "rild"))
	}
	err = m.Serve(ctx, dial, listeners)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// publish posts the Mux's call-state changes to droidplexd.
func publish(ctx context.Context, c *client.Client, m *Mux, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case cs := <-m.CallEvents():
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			if _, err := c.Publish(pctx, wire.Event{Type: wire.EventCallState, CallState: &cs}); err != nil {
				log.Debug("call-state event not published", "err", err)
			}
			cancel()
		}
	}
}

// pipeListener connects the in-process mock modem to the Mux over
// in-memory connections.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (p *pipeListener) dial(ctx context.Context) (net.Conn, error) {
	a, b := net.Pipe()
	select {
	case p.conns <- b:
		return a, nil
	case <-p.done:
	case <-ctx.Done():
	}
	a.Close()
	b.Close()
	return nil, net.ErrClosed
}

func (p *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-p.conns:
		return c, nil
	case <-p.done:
		return nil, net.ErrClosed
	}
}

func (p *pipeListener) Close() error   { p.once.Do(func() { close(p.done) }); return nil }
func (p *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "mock modem" }
