package inputproxy_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cwire "droidplex/container/wire"
	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/route"
	"droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
)

// Regression tests for bugs found in review; each failed before its fix.

// POST .../text had no length limit: a 1 MiB body (the API's limit) made
// inputproxyd build every key frame up front, twice (about 650 MB each
// time), then write millions of frames. A text longer than route.MaxText
// is a bad request, refused before any frame is built.
func TestHugeTextIsRefused(t *testing.T) {
	b := inputproxytest.NewBackend()
	defer b.Close()
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(testutil.RuntimeDir(t), "in.sock"), Containers: []string{"a"},
		Virtual: true, VirtualSize: "100x200", Backend: inputproxy.NewRecorder(b)})
	var se *ctlhttp.StatusError
	err := ctlhttp.Do(context.Background(), c, "POST", "/v1/containers/a/text", wire.Text{Text: strings.Repeat("a", 64<<10)}, nil)
	if !errors.As(err, &se) || se.Code != http.StatusBadRequest {
		t.Fatalf("64 KiB of text: %v, want HTTP 400", err)
	}
	if got := logOf(t, c, "a"); got != "" {
		t.Fatalf("the refused text was typed:\n%.200s", got)
	}
	if err := ctlhttp.Do(context.Background(), c, "POST", "/v1/containers/a/text", wire.Text{Text: strings.Repeat("a", route.MaxText)}, nil); err != nil {
		t.Fatalf("%d characters: %v", route.MaxText, err)
	}
	if _, err := route.Text(strings.Repeat("a", route.MaxText+1)); err == nil {
		t.Fatalf("route.Text took %d characters", route.MaxText+1)
	}
}

// gatedBackend holds back a source's read error (its device is gone) until
// gate is closed: the pump of an unplugged device has not run yet, as when
// the watcher reads a device's removal and its replug at the same node in
// one inotify read.
type gatedBackend struct {
	*inputproxytest.Backend
	gate chan struct{}
}

func (g gatedBackend) Open(path string, accept func(*route.Caps) bool) (inputproxy.Source, route.Caps, error) {
	s, c, err := g.Backend.Open(path, accept)
	if err != nil {
		return s, c, err
	}
	return gatedSource{s, g.gate}, c, nil
}

type gatedSource struct {
	inputproxy.Source
	gate chan struct{}
}

func (s gatedSource) Read(p []byte) (int, error) {
	n, err := s.Source.Read(p)
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		<-s.gate
	}
	return n, err
}

// A device unplugged and plugged back at the same node before the old
// device's pump had ended was never routed: the replug found the old
// pump still registered under the path and was ignored as a duplicate.
func TestReplugAtSameNodeIsRouted(t *testing.T) {
	b := inputproxytest.NewBackend()
	g := gatedBackend{b, make(chan struct{})}
	kbd := b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	r := inputproxy.NewRouter(g, inputproxy.RouterConfig{}, testutil.Logger(t))
	if err := r.AddContainer("personal"); err != nil {
		t.Fatal(err)
	}
	r.SetForeground("personal")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	opened := false
	defer func() {
		if !opened {
			close(g.gate)
		}
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		b.Close()
	}()
	b.WaitFor(t, `clone personal: "kbd"`)
	kbd.Unplug()
	kbd2 := b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd2"))
	close(g.gate)
	opened = true
	b.WaitFor(t, "destroy personal/kbd")
	kbd2.Send(route.Event{Type: route.EvKey, Code: 30, Value: 1}, route.Syn)
	b.WaitFor(t, "personal/kbd2: KEY_A 1, SYN_REPORT 0")
}

// slowOpenBackend holds every Open, after it has opened the device, until
// its gate is closed.
type slowOpenBackend struct {
	*inputproxytest.Backend
	opening chan struct{} // an Open has the device and waits
	gate    chan struct{}
}

func (g slowOpenBackend) Open(path string, accept func(*route.Caps) bool) (inputproxy.Source, route.Caps, error) {
	s, c, err := g.Backend.Open(path, accept)
	g.opening <- struct{}{}
	<-g.gate
	return s, c, err
}

// A device unplugged and plugged back while the router was still opening
// it (a replug at start-up) was never routed: the replug's report found
// the path "being opened" and was dropped as a duplicate, and the pump of
// the gone device ended at once.
func TestReplugWhileOpeningIsRouted(t *testing.T) {
	b := inputproxytest.NewBackend()
	g := slowOpenBackend{b, make(chan struct{}, 2), make(chan struct{})}
	kbd := b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	r := inputproxy.NewRouter(g, inputproxy.RouterConfig{}, testutil.Logger(t))
	if err := r.AddContainer("personal"); err != nil {
		t.Fatal(err)
	}
	r.SetForeground("personal")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		b.Close()
	}()
	<-g.opening // the router has kbd open and has not routed it yet
	kbd.Unplug()
	kbd2 := b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd2"))
	close(g.gate)
	b.WaitFor(t, `clone personal: "kbd2"`)
	kbd2.Send(route.Event{Type: route.EvKey, Code: 30, Value: 1}, route.Syn)
	b.WaitFor(t, "personal/kbd2: KEY_A 1, SYN_REPORT 0")
	b.WaitFor(t, "destroy personal/kbd") // the clone of the gone kbd; kbd2 is still plugged
}

// Restarting the foreground container (droidplex restart: a stop, then a
// start) left inputproxyd routing input nowhere: the stop's removal of the
// foreground container's clones also cleared the foreground, and the start
// did not bring it back, while droidplexd still had that container in
// front. Its new clones must get the input.
func TestRestartedForegroundContainerGetsInput(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	dpx, _ := droidplexdWithInputs(t, filepath.Join(dir, "droidplexd.sock"))
	b := inputproxytest.NewBackend()
	defer b.Close()
	kbd := b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(dir, "in.sock"), Droidplexd: filepath.Join(dir, "droidplexd.sock"),
		Backend: b})
	subscribed(t, dpx, c) // personal is in front
	state := func(container, s string) {
		dpx.Hub.Publish(cwire.Event{Type: cwire.EventContainerState, ContainerState: &cwire.ContainerState{Container: container, State: s}})
	}
	kbd.Send(route.Event{Type: route.EvKey, Code: 30, Value: 1}, route.Syn) // KEY_A held through the restart
	b.WaitFor(t, "personal/kbd: KEY_A 1, SYN_REPORT 0")
	for _, s := range []string{cwire.StateStopping, cwire.StateStopped, cwire.StateStarting, cwire.StateRunning} {
		state("personal", s)
	}
	state("work", cwire.StateRunning) // a marker: events are applied in order
	until(t, "events applied", func() bool { return slices.Contains(status(t, c).Containers, "work") })
	if fg := status(t, c).Foreground; fg != "personal" {
		t.Errorf("foreground %q after personal's restart, droidplexd says personal", fg)
	}
	kbd.Send(route.Event{Type: route.EvKey, Code: 30, Value: 0}, route.Event{Type: route.EvKey, Code: 48, Value: 1}, route.Syn)
	b.WaitFor(t, "personal/kbd: KEY_A 0, KEY_B 1, SYN_REPORT 0")
	// The old clone was released before it went.
	want := "personal/kbd: KEY_A 1, SYN_REPORT 0\npersonal/kbd: KEY_A 0, SYN_REPORT 0\ndestroy personal/kbd\npersonal/kbd: KEY_A 0, KEY_B 1, SYN_REPORT 0\n"
	if got := b.Transcript("personal/kbd"); got != want {
		t.Errorf("personal's clones were sent:\n%swant:\n%s", got, want)
	}
}
