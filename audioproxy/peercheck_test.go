package audioproxy

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	"droidplex/container/api"
	"droidplex/container/events"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/peercheck"
	"droidplex/internal/peercheck/peerchecktest"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// openTestStream opens an output stream on the control socket at path.
func openTestStream(path string) (*audioshim.Stream, error) {
	return audioshim.Open(audioshim.Config{Path: path, Usage: wire.UsageMedia, Params: testDev.Params, PeriodHint: 240})
}

// TestPeerCheckHelper is the client peerchecktest starts in a pid
// namespace of its own: it opens a stream on an audio socket and says
// whether it got one. Run alone, it returns at once.
func TestPeerCheckHelper(t *testing.T) {
	path, ok := peerchecktest.Target()
	if !ok {
		return
	}
	peerchecktest.Report(openResult(path))
}

func openResult(path string) string {
	s, err := openTestStream(path)
	if err != nil {
		if errors.Is(err, wire.ErrInvalid) && strings.Contains(err.Error(), "refused") {
			return "refused"
		}
		return err.Error()
	}
	s.Close()
	return "opened"
}

// A server whose checker knows no namespace: auto opens streams as
// before, strict refuses them with an error reply.
func TestServerPeerCheckUnknownNamespace(t *testing.T) {
	for _, tc := range []struct {
		mode peercheck.Mode
		want string
	}{{peercheck.ModeAuto, "opened"}, {peercheck.ModeStrict, "refused"}} {
		eng := newTestEngine(t, 4)
		snk, err := sink.NewNull(sink.Config{Params: testDev.Params, Period: testDev.Period})
		if err != nil {
			t.Fatal(err)
		}
		if err := snk.Start(eng.Process); err != nil {
			t.Fatal(err)
		}
		srv := NewServer(eng, 16, discardLogger(t))
		srv.peers = &peercheck.Checker{Mode: tc.mode}
		path := filepath.Join(shortDir(t), "audio")
		if err := srv.Listen("work", path, unixsock.ListenOptions{UID: -1, GID: -1}); err != nil {
			t.Fatal(err)
		}
		if got := openResult(path); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.mode, got, tc.want)
		}
		srv.Close()
		snk.Close()
	}
}

func TestConfigPeerCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audioproxyd.toml")
	os.WriteFile(path, []byte("peer_check = \"strict\"\n"), 0o644)
	cfg, err := LoadConfig(path)
	if err != nil || cfg.PeerCheck != "strict" || cfg.Validate() != nil {
		t.Fatalf("%q, %v", cfg.PeerCheck, err)
	}
	if DefaultConfig().PeerCheck != "auto" {
		t.Fatalf("default peer_check %q", DefaultConfig().PeerCheck)
	}
	cfg.PeerCheck = "sometimes"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "peer_check") {
		t.Fatalf("peer_check sometimes: %v", err)
	}
	cfg.PeerCheck = "off"
	if p, observe := peerChecker(cfg); p != nil || observe != nil {
		t.Fatal("off still checks")
	}
}

// A client in personal's pid namespace opens a stream on personal's
// socket and is refused on work's (whose init is this test, in the
// host's namespace, where this test's own stream opens); a container
// droidplexd does not know is served unchecked (peer_check auto).
func TestRunRefusesClientOfAnotherContainer(t *testing.T) {
	testutil.RequireRoot(t)
	dir := shortDir(t)
	table := &peerchecktest.Containers{}
	l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "droidplexd.sock"), unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	go func() { srvDone <- ctlhttp.Serve(ctx, l, api.New(events.NewHub()).Handler(table.Routes)) }()
	cfg := DefaultConfig()
	cfg.Containers = []string{"personal", "work", "guest"}
	cfg.RuntimeDir = dir
	cfg.APISocket = filepath.Join(dir, "audioproxyd.sock")
	cfg.Droidplexd = filepath.Join(dir, "droidplexd.sock")
	cfg.RingPeriods = 16
	runDone := make(chan error, 1)
	go func() { runDone <- Run(ctx, cfg, testutil.Logger(t)) }()
	defer func() {
		cancel()
		if err := <-runDone; err != nil {
			t.Error(err)
		}
		<-srvDone
	}()
	waitFor(t, "the API", func() bool {
		_, err := os.Stat(cfg.APISocket)
		return err == nil
	})
	table.Running("work", os.Getpid())

	personal := peerchecktest.Start(t, "TestPeerCheckHelper", cfg.SocketPath("personal"))
	table.Running("personal", personal.Pid) // the client is personal's init
	if got := personal.Dial(t); got != "opened" {
		t.Errorf("personal's client on personal's socket: %s", got)
	}
	intruder := peerchecktest.Start(t, "TestPeerCheckHelper", cfg.SocketPath("work"))
	if got := intruder.Dial(t); got != "refused" {
		t.Errorf("a client from another pid namespace on work's socket: %s, want refused", got)
	}
	if got := openResult(cfg.SocketPath("work")); got != "opened" {
		t.Errorf("work's client on work's socket: %s", got)
	}
	guest := peerchecktest.Start(t, "TestPeerCheckHelper", cfg.SocketPath("guest"))
	if got := guest.Dial(t); got != "opened" {
		t.Errorf("a client of a container droidplexd does not know (auto): %s", got)
	}
}

// TestStreamsOpenWhileDroidplexdHangs: with a droidplexd that accepts
// connections but never answers (wedged, or busy starting a container),
// the peer check gives up on it before a shim gives up on the server, so
// streams still open (peer_check auto: the namespace is unknown). The
// lookup's default bound (2 s) used to be longer than a shim's (500 ms to
// open, less to reconnect): no stream could open.
func TestStreamsOpenWhileDroidplexdHangs(t *testing.T) {
	dir := shortDir(t)
	l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "droidplexd.sock"), unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 64)
	go func() {
		defer close(held)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held <- c // never answered
		}
	}()
	defer func() {
		l.Close()
		for c := range held {
			c.Close()
		}
	}()
	cfg := DefaultConfig()
	cfg.RuntimeDir, cfg.APISocket = dir, filepath.Join(dir, "audioproxyd.sock")
	cfg.Droidplexd = filepath.Join(dir, "droidplexd.sock")
	cfg.RingPeriods = 16
	runInTest(t, cfg)
	if got := openResult(cfg.SocketPath("work")); got != "opened" {
		t.Fatalf("a stream while droidplexd hangs: %s", got)
	}
}
