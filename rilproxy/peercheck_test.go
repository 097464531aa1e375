package rilproxy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"droidplex/container/api"
	"droidplex/container/events"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/peercheck/peerchecktest"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/policy"
)

// TestPeerCheckHelper is the client peerchecktest starts in a pid
// namespace of its own: it dials a rild socket and says whether rilproxyd
// greeted it or hung up. Run alone, it returns at once.
func TestPeerCheckHelper(t *testing.T) {
	path, ok := peerchecktest.Target()
	if !ok {
		return
	}
	peerchecktest.Report(dialRild(path))
}

// dialRild connects to a rild socket and reads the greeting
// (RIL_CONNECTED): "greeted", "closed" when rilproxyd hung up, or an error.
func dialRild(path string) string {
	c, err := unixsock.Dial(unixsock.Stream, path)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var b [4]byte
	if n, err := c.Read(b[:]); n > 0 {
		return "greeted"
	} else if err != nil && err.Error() == "EOF" {
		return "closed"
	} else {
		return fmt.Sprintf("read %d: %v", n, err)
	}
}

// A client in personal's pid namespace is served on personal's socket and
// refused on work's (whose init is this test, in the host's namespace,
// where this test's own client is served); a container droidplexd does
// not know is served unchecked (peer_check auto).
func TestRunRefusesClientOfAnotherContainer(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.RuntimeDir(t)
	table := &peerchecktest.Containers{}
	l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "droidplexd.sock"), unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	go func() { srvDone <- ctlhttp.Serve(ctx, l, api.New(events.NewHub()).Handler(table.Routes)) }()
	cfg := RunConfig{
		Mux:        Config{Policy: policy.Config{Containers: []string{"personal", "work", "guest"}}},
		RunDir:     dir,
		Modem:      ModemMock,
		Droidplexd: filepath.Join(dir, "droidplexd.sock"),
	}
	runDone := make(chan error, 1)
	go func() { runDone <- Run(ctx, cfg, testutil.Logger(t)) }()
	defer func() {
		cancel()
		if err := <-runDone; err != nil {
			t.Error(err)
		}
		<-srvDone
	}()
	sock := func(name string) string { return filepath.Join(dir, name, "rild") }
	waitFor(t, "the rild sockets", func() bool {
		_, err := os.Stat(sock("guest"))
		return err == nil
	})
	table.Running("work", os.Getpid())

	personal := peerchecktest.Start(t, "TestPeerCheckHelper", sock("personal"))
	table.Running("personal", personal.Pid) // the client is personal's init
	if got := personal.Dial(t); got != "greeted" {
		t.Errorf("personal's client on personal's socket: %s", got)
	}
	intruder := peerchecktest.Start(t, "TestPeerCheckHelper", sock("work"))
	if got := intruder.Dial(t); got != "closed" {
		t.Errorf("a client from another pid namespace on work's socket: %s, want closed", got)
	}
	if got := dialRild(sock("work")); got != "greeted" {
		t.Errorf("work's client on work's socket: %s", got)
	}
	guest := peerchecktest.Start(t, "TestPeerCheckHelper", sock("guest"))
	if got := guest.Dial(t); got != "greeted" {
		t.Errorf("a client of a container droidplexd does not know (auto): %s", got)
	}
}
