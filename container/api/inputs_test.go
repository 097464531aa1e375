package api

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/container"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/events"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// TestInputRoute: inputproxyd's reports reach the running container; bad
// bodies and nodes are refused with 400 and change nothing, unknown
// containers get 404.
func TestInputRoute(t *testing.T) {
	f, err := config.Parse([]byte(twoContainers))
	if err != nil {
		t.Fatal(err)
	}
	tr := &containertest.Transcript{}
	rt := containertest.NewRuntime(tr)
	m := container.New(container.Config{File: f, Runtime: rt, Host: containertest.NewHost(tr), Log: testutil.Logger(t)})
	defer func() { _ = m.StopAll(context.Background()); m.Close(); m.Wait() }()
	path := filepath.Join(testutil.RuntimeDir(t), "d.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctlhttp.Serve(ctx, l, New(events.NewHub()).Handler(InputRoutes(m))) }()
	defer func() { cancel(); <-done }()
	c := ctlhttp.NewClient(path)
	defer c.CloseIdleConnections()
	if _, err := m.Ensure(context.Background(), "work"); err != nil {
		t.Fatal(err)
	}
	tr.Lines()

	node := wire.InputNode{Path: "/dev/input/event7", Major: 13, Minor: 71}
	for _, tc := range []struct {
		name, path string
		body       any
		code       int
	}{
		{"plug", "/v1/containers/work/input", wire.InputChange{Add: []wire.InputNode{node}}, 0},
		{"unplug", "/v1/containers/work/input", wire.InputChange{Remove: []wire.InputNode{node}}, 0},
		{"not running: nothing to do", "/v1/containers/personal/input", wire.InputChange{Add: []wire.InputNode{node}}, 0},
		{"unknown container", "/v1/containers/nope/input", wire.InputChange{}, http.StatusNotFound},
		{"unknown field", "/v1/containers/work/input", map[string]any{"add": []any{}, "grant": "a"}, http.StatusBadRequest},
		{"not JSON", "/v1/containers/work/input", "add everything", http.StatusBadRequest},
		{"lying node", "/v1/containers/work/input",
			wire.InputChange{Add: []wire.InputNode{{Path: "/dev/input/../../etc/shadow", Major: 13, Minor: 1}}}, http.StatusBadRequest},
		{"oversized", "/v1/containers/work/input",
			wire.InputChange{Add: []wire.InputNode{{Path: "/dev/input/" + strings.Repeat("e", 4<<20), Major: 13}}}, http.StatusBadRequest},
	} {
		err := ctlhttp.Do(context.Background(), c, http.MethodPost, tc.path, tc.body, nil)
		var se *ctlhttp.StatusError
		switch {
		case tc.code == 0 && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.code != 0 && (!errors.As(err, &se) || se.Code != tc.code):
			t.Errorf("%s: got %v, want HTTP %d", tc.name, err, tc.code)
		}
	}
	want := []string{"instance add-device work /dev/input/event7 c 13:71", "instance remove-device work /dev/input/event7 c 13:71"}
	if got := tr.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("transcript:\n got  %q\n want %q", got, want)
	}
}
