package inputproxy_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"droidplex/container/api"
	"droidplex/container/events"
	cwire "droidplex/container/wire"
	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/route"
	"droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// droidplexd serves a real droidplexd API (event hub, foreground) on sock.
func droidplexd(t *testing.T, sock string) *api.Server {
	t.Helper()
	srv := api.New(events.NewHub())
	l, err := unixsock.Listen(unixsock.Stream, sock, unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = ctlhttp.Serve(ctx, l, srv.Handler(nil)) }()
	t.Cleanup(func() { cancel(); <-done })
	return srv
}

// daemon runs inputproxy.Run over the fake backend (clones recording).
func daemon(t *testing.T, cfg inputproxy.Config) *http.Client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- inputproxy.Run(ctx, cfg, testutil.Logger(t)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	c := ctlhttp.NewClient(cfg.APISocket)
	until(t, "inputproxyd serves", func() bool {
		return ctlhttp.Do(context.Background(), c, "GET", "/v1/status", nil, nil) == nil
	})
	return c
}

// until polls cond; it fails the test after 10 s (a hang guard, not a
// timing assertion).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("never happened: %s", what)
		}
	}
}

func status(t *testing.T, c *http.Client) wire.Status {
	t.Helper()
	var st wire.Status
	if err := ctlhttp.Do(context.Background(), c, "GET", "/v1/status", nil, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func logOf(t *testing.T, c *http.Client, container string) string {
	t.Helper()
	var l wire.Log
	if err := ctlhttp.Do(context.Background(), c, "GET", "/v1/containers/"+container+"/log", nil, &l); err != nil {
		t.Fatal(err)
	}
	return strings.Join(l.Frames, "\n")
}

func TestDaemonFollowsDroidplexd(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	dpx := droidplexd(t, filepath.Join(dir, "droidplexd.sock"))
	b := inputproxytest.NewBackend()
	defer b.Close()
	kbd := b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(dir, "in.sock"), Droidplexd: filepath.Join(dir, "droidplexd.sock"),
		Containers: []string{"personal"}, Chord: "KEY_LEFTMETA+KEY_F12", Backend: inputproxy.NewRecorder(b)})

	// droidplexd's foreground event brings a new container and the input.
	if err := dpx.SetForeground("work"); err != nil {
		t.Fatal(err)
	}
	until(t, "foreground follows droidplexd", func() bool { return status(t, c).Foreground == "work" })
	kbd.Send(frames(t, "KEY_A 1, SYN_REPORT 0\nKEY_A 0, SYN_REPORT 0")...)
	until(t, "work's clone gets the keys", func() bool { return strings.Contains(logOf(t, c, "work"), "kbd: KEY_A 0") })

	// The chord switches to the next container and tells droidplexd.
	kbd.Send(frames(t, "KEY_LEFTMETA 1, KEY_F12 1, SYN_REPORT 0\nKEY_LEFTMETA 0, KEY_F12 0, SYN_REPORT 0")...)
	until(t, "droidplexd hears of the chord", func() bool { return dpx.Foreground() == "personal" })
	if got := logOf(t, c, "personal") + logOf(t, c, "work"); strings.Contains(got, "F12") || strings.Contains(got, "LEFTMETA") {
		t.Errorf("the chord reached a container:\n%s", got)
	}

	// A stopped container loses its clones.
	dpx.Hub.Publish(cwire.Event{Type: cwire.EventContainerState, ContainerState: &cwire.ContainerState{Container: "work", State: cwire.StateStopped}})
	until(t, "stopped container removed", func() bool { return !slices.Contains(status(t, c).Containers, "work") })
}

func TestAPI(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	b := inputproxytest.NewBackend()
	defer b.Close()
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(dir, "in.sock"), Containers: []string{"a"},
		Virtual: true, VirtualSize: "100x200", Backend: inputproxy.NewRecorder(b)})
	ctx := context.Background()
	var ct wire.Container
	// Recording clones have no nodes for droidplexd to create.
	if err := ctlhttp.Do(ctx, c, "PUT", "/v1/containers/b", nil, &ct); err != nil || ct.Name != "b" || ct.Nodes == nil || len(ct.Nodes) != 0 {
		t.Fatalf("PUT container: %+v, %v", ct, err)
	}
	for _, tt := range []struct {
		path string
		body any
		code int
	}{
		{"/v1/containers/b/tap", wire.Tap{X: 99, Y: 199}, 0},
		{"/v1/containers/b/swipe", wire.Swipe{X2: 10, Y2: 10, DurationMs: 20}, 0},
		{"/v1/containers/b/key", wire.Key{Key: "back"}, 0},
		{"/v1/containers/b/text", wire.Text{Text: "ok"}, 0},
		{"/v1/containers/b/tap", wire.Tap{X: 100, Y: 0}, http.StatusBadRequest},
		{"/v1/containers/b/swipe", wire.Swipe{DurationMs: 60000}, http.StatusBadRequest},
		{"/v1/containers/b/key", wire.Key{Key: "nope"}, http.StatusBadRequest},
		{"/v1/containers/b/text", wire.Text{Text: "ü"}, http.StatusBadRequest},
		{"/v1/containers/b/key", map[string]any{"key": "a", "extra": 1}, http.StatusBadRequest},
		{"/v1/containers/zz/tap", wire.Tap{}, http.StatusNotFound},
		{"/v1/containers/b/key", wire.Key{Key: "BTN_LEFT"}, http.StatusConflict},
	} {
		err := ctlhttp.Do(ctx, c, "POST", tt.path, tt.body, nil)
		var se *ctlhttp.StatusError
		switch {
		case tt.code == 0 && err != nil:
			t.Errorf("%s %+v: %v", tt.path, tt.body, err)
		case tt.code != 0 && (!errors.As(err, &se) || se.Code != tt.code):
			t.Errorf("%s %+v: got %v, want HTTP %d", tt.path, tt.body, err, tt.code)
		}
	}
	// The device's goroutine writes an injection after the POST returns:
	// wait for the last one to be recorded.
	wants := []string{"ABS_MT_POSITION_X 99, ABS_MT_POSITION_Y 199", "KEY_BACK 1", "KEY_O 1", "ABS_MT_POSITION_X 10"}
	until(t, "b's clones record every injection", func() bool {
		got := logOf(t, c, "b")
		return !slices.ContainsFunc(wants, func(w string) bool { return !strings.Contains(got, w) })
	})
	if logOf(t, c, "a") != "" {
		t.Errorf("injection into b reached a:\n%s", logOf(t, c, "a"))
	}
	if err := ctlhttp.Do(ctx, c, "PUT", "/v1/foreground", cwire.SetForeground{Container: "b"}, nil); err != nil || status(t, c).Foreground != "b" {
		t.Errorf("PUT foreground: %v", err)
	}
	var se *ctlhttp.StatusError
	if err := ctlhttp.Do(ctx, c, "PUT", "/v1/containers/Bad.Name", nil, nil); !errors.As(err, &se) || se.Code != http.StatusBadRequest {
		t.Errorf("PUT bad container name: %v, want HTTP 400", err)
	}
	if err := ctlhttp.Do(ctx, c, "DELETE", "/v1/containers/b", nil, nil); err != nil || len(status(t, c).Containers) != 1 {
		t.Errorf("DELETE container: %v, %+v", err, status(t, c))
	}
}

// A recording clone keeps the newest frames only.
func TestRecorderKeepsTheNewest(t *testing.T) {
	rec := inputproxy.NewRecorder(inputproxytest.NewBackend())
	s, err := rec.Clone("a", inputproxytest.Keyboard("kbd"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1500 {
		if _, err := s.Write(route.AppendEncode(nil, route.Event{Type: route.EvMsc, Code: 4, Value: int32(i)}, route.Syn)); err != nil {
			t.Fatal(err)
		}
	}
	log := rec.Log("a")
	if len(log) != 1000 || log[0] != "kbd: MSC_SCAN 500, SYN_REPORT 0" || log[999] != "kbd: MSC_SCAN 1499, SYN_REPORT 0" {
		t.Errorf("log: %d frames, first %q, last %q", len(log), log[0], log[len(log)-1])
	}
	if s.Node() != (inputproxy.Node{}) || rec.Log("b") != nil {
		t.Error("recording clone has a node, or another container has a log")
	}
}
