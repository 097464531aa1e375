package inputproxy_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"droidplex/container/api"
	"droidplex/container/events"
	cwire "droidplex/container/wire"
	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// nodeLog is a droidplexd's container manager as the input route sees it:
// it records each change, one line per node.
type nodeLog struct {
	mu    sync.Mutex
	lines []string
}

func (n *nodeLog) Exists(name string) bool { return name == "personal" || name == "work" }

func (n *nodeLog) ChangeInputs(name string, ch cwire.InputChange) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range ch.Remove {
		n.lines = append(n.lines, fmt.Sprintf("%s -%s %d:%d", name, r.Path, r.Major, r.Minor))
	}
	for _, a := range ch.Add {
		n.lines = append(n.lines, fmt.Sprintf("%s +%s %d:%d", name, a.Path, a.Major, a.Minor))
	}
	return nil
}

func (n *nodeLog) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	l := n.lines
	n.lines = nil
	return l
}

// droidplexdWithInputs serves a droidplexd API whose input route records.
func droidplexdWithInputs(t *testing.T, sock string) (*api.Server, *nodeLog) {
	t.Helper()
	srv, nl := api.New(events.NewHub()), &nodeLog{}
	l, err := unixsock.Listen(unixsock.Stream, sock, unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = ctlhttp.Serve(ctx, l, srv.Handler(api.InputRoutes(nl))) }()
	t.Cleanup(func() { cancel(); <-done })
	return srv, nl
}

func waitLines(t *testing.T, nl *nodeLog, want ...string) {
	t.Helper()
	var got []string
	until(t, fmt.Sprintf("droidplexd told %q", want), func() bool {
		got = append(got, nl.take()...)
		return len(got) >= len(want)
	})
	if !slices.Equal(got, want) {
		t.Fatalf("droidplexd was told:\n got  %q\n want %q", got, want)
	}
}

// A device plugged in while containers run: droidplexd is told each
// container's new clone node, and told again when it is unplugged.
func TestHotplugTellsDroidplexd(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	_, nl := droidplexdWithInputs(t, filepath.Join(dir, "droidplexd.sock"))
	b := inputproxytest.NewBackend()
	defer b.Close()
	b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(dir, "in.sock"), Droidplexd: filepath.Join(dir, "droidplexd.sock"),
		Containers: []string{"personal"}, Backend: b})
	waitLines(t, nl, "personal +/dev/input/event1 13:65")

	// droidplexd's start of work asks for its clones (PUT); inputproxyd
	// reports them too (droidplexd ignores what the container already has).
	var got struct{ Nodes []struct{ Path string } }
	if err := ctlhttp.Do(context.Background(), c, http.MethodPut, "/v1/containers/work", nil, &got); err != nil {
		t.Fatal(err)
	}
	waitLines(t, nl, "work +/dev/input/event2 13:66")

	ts := b.Plug("/dev/input/event5", inputproxytest.Touchscreen("ts"))
	waitLines(t, nl, "personal +/dev/input/event3 13:67", "work +/dev/input/event4 13:68")
	ts.Unplug()
	lines := []string{}
	until(t, "both unplugs reported", func() bool { lines = append(lines, nl.take()...); return len(lines) >= 2 })
	slices.Sort(lines) // one change per container, in map order
	if want := []string{"personal -/dev/input/event3 13:67", "work -/dev/input/event4 13:68"}; !slices.Equal(lines, want) {
		t.Fatalf("unplug: got %q, want %q", lines, want)
	}
}

// The restart race: droidplexd restarts a container whose init died
// (failed → starting → running) and its start PUTs for the clones while
// inputproxyd may not yet have seen the failed event. The failed event must
// not destroy the clones the start was just given; only a stop does.
func TestFailedContainerKeepsItsClones(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	dpx, _ := droidplexdWithInputs(t, filepath.Join(dir, "droidplexd.sock"))
	b := inputproxytest.NewBackend()
	defer b.Close()
	b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(dir, "in.sock"), Droidplexd: filepath.Join(dir, "droidplexd.sock"),
		Backend: b})
	put := func() string {
		var ct struct{ Nodes []struct{ Path string } }
		if err := ctlhttp.Do(context.Background(), c, http.MethodPut, "/v1/containers/work", nil, &ct); err != nil {
			t.Fatal(err)
		}
		var p []string
		for _, n := range ct.Nodes {
			p = append(p, n.Path)
		}
		return strings.Join(p, ",")
	}
	state := func(s string) {
		dpx.Hub.Publish(cwire.Event{Type: cwire.EventContainerState, ContainerState: &cwire.ContainerState{Container: "work", State: s}})
	}
	subscribed(t, dpx, c)
	first := put()
	// The restart: its PUT comes before inputproxyd reads the failed event.
	again := put()
	state(cwire.StateFailed)
	state(cwire.StateStarting)
	state(cwire.StateRunning)
	// A marker: events are applied in order, so once the foreground has
	// followed, the failed event has been applied too.
	if err := dpx.SetForeground("work"); err != nil {
		t.Fatal(err)
	}
	until(t, "events applied", func() bool { return status(t, c).Foreground == "work" })
	if first == "" || again != first {
		t.Fatalf("clones changed across the restart: %q then %q", first, again)
	}
	if b.Transcript("destroy") != "" {
		t.Fatalf("clones destroyed on failed:\n%s", b.Transcript("destroy"))
	}
	if st := status(t, c); !slices.Contains(st.Containers, "work") || st.Devices[0].Clones["work"].Path != first {
		t.Fatalf("after the restart: %+v", st)
	}
	state(cwire.StateStopped)
	until(t, "a stop drops the clones", func() bool { return !slices.Contains(status(t, c).Containers, "work") })
}

// A stop event read after the restarted container's PUT (droidplexd's
// restart is stop then start) destroys the clones the new start was given;
// droidplexd is then told to take their nodes out of the running container
// and to give it the new clones the start event brings.
func TestLateStopEventIsRepaired(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	dpx, nl := droidplexdWithInputs(t, filepath.Join(dir, "droidplexd.sock"))
	b := inputproxytest.NewBackend()
	defer b.Close()
	b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(dir, "in.sock"), Droidplexd: filepath.Join(dir, "droidplexd.sock"),
		Backend: b})
	subscribed(t, dpx, c)
	if err := ctlhttp.Do(context.Background(), c, http.MethodPut, "/v1/containers/work", nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{cwire.StateStopped, cwire.StateStarting, cwire.StateRunning} {
		dpx.Hub.Publish(cwire.Event{Type: cwire.EventContainerState, ContainerState: &cwire.ContainerState{Container: "work", State: s}})
	}
	waitLines(t, nl, "personal +/dev/input/event1 13:65",
		"work +/dev/input/event2 13:66", "work -/dev/input/event2 13:66", "work +/dev/input/event3 13:67")
}

// subscribed waits until inputproxyd follows droidplexd's events (events
// published before that are not replayed): it follows a foreground change.
func subscribed(t *testing.T, dpx *api.Server, c *http.Client) {
	t.Helper()
	if err := dpx.SetForeground("personal"); err != nil {
		t.Fatal(err)
	}
	until(t, "inputproxyd follows droidplexd", func() bool { return status(t, c).Foreground == "personal" })
}
