package api

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"droidplex/container"
	"droidplex/container/client"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/events"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

const twoContainers = `state_dir = "/state"
[[container]]
name = "personal"
rootfs = "/img"
data = "/data/personal"
autostart = true
foreground = true
[[container]]
name = "work"
rootfs = "/img"
data = "/data/work"
`

// serveManager serves the API with container routes over a fake runtime.
func serveManager(t *testing.T) (*Server, *client.Client, *containertest.Runtime) {
	t.Helper()
	f, err := config.Parse([]byte(twoContainers))
	if err != nil {
		t.Fatal(err)
	}
	tr := &containertest.Transcript{}
	rt := containertest.NewRuntime(tr)
	hub := events.NewHub()
	m := container.New(container.Config{File: f, Runtime: rt, Host: containertest.NewHost(tr), Events: hub, Log: testutil.Logger(t)})
	s := New(hub)
	s.Containers = m
	path := filepath.Join(testutil.RuntimeDir(t), "d.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctlhttp.Serve(ctx, l, s.Handler(ContainerRoutes(m))) }()
	cl := client.New(path)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		cl.HTTP().CloseIdleConnections()
		_ = m.StopAll(context.Background())
		m.Close()
		m.Wait()
	})
	return s, cl, rt
}

func TestContainerRoutes(t *testing.T) {
	_, c, rt := serveManager(t)
	ctx := context.Background()
	do := func(method, path string, out any) error { return ctlhttp.Do(ctx, c.HTTP(), method, path, nil, out) }

	var res wire.EnsureResult
	if err := do("POST", "/v1/containers/work/ensure", &res); err != nil || !res.Created || res.State != wire.StateRunning {
		t.Fatalf("ensure: %+v, %v", res, err)
	}
	if err := do("POST", "/v1/containers/work/ensure", &res); err != nil || res.Created {
		t.Fatalf("second ensure: %+v, %v", res, err)
	}
	var info wire.ContainerInfo
	if err := do("POST", "/v1/containers/work/restart", &info); err != nil || info.State != wire.StateRunning || info.Pid == 0 {
		t.Fatalf("restart: %+v, %v", info, err)
	}
	if err := do("POST", "/v1/containers/work/stop", &info); err != nil || info.State != wire.StateStopped || rt.Running("work") != nil {
		t.Fatalf("stop: %+v, %v", info, err)
	}
	if err := do("POST", "/v1/containers/work/start", &info); err != nil || info.State != wire.StateRunning {
		t.Fatalf("start: %+v, %v", info, err)
	}
	var list []wire.ContainerInfo
	if err := do("GET", "/v1/containers", &list); err != nil || len(list) != 2 || list[0].Name != "personal" ||
		list[0].State != wire.StateStopped || !list[0].Foreground || list[1].State != wire.StateRunning {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if err := do("GET", "/v1/containers/work", &info); err != nil || info.Name != "work" {
		t.Fatalf("status: %+v, %v", info, err)
	}

	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/v1/containers/nope", http.StatusNotFound},
		{"POST", "/v1/containers/nope/start", http.StatusNotFound},
		{"POST", "/v1/containers/work/explode", http.StatusNotFound},
		{"POST", "/v1/containers/personal/start", http.StatusConflict}, // never created
		{"DELETE", "/v1/containers/work", http.StatusMethodNotAllowed},
	} {
		var se *ctlhttp.StatusError
		if err := do(tc.method, tc.path, nil); !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("%s %s: err = %v, want HTTP %d", tc.method, tc.path, err, tc.code)
		}
	}
}

// TestSwitchReachesSubscriber: a PUT /v1/foreground (droidplex switch)
// arrives on another client's event stream.
func TestSwitchReachesSubscriber(t *testing.T) {
	s, c, _ := serveManager(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.SetForeground("personal"); err != nil {
		t.Fatal(err)
	}
	st, err := c.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ev, err := st.Next(); err != nil || ev.Foreground == nil || ev.Foreground.Container != "personal" {
		t.Fatalf("first event %+v, %v", ev, err)
	}
	// then every container's state: the snapshot a subscriber starts from
	for _, name := range []string{"personal", "work"} {
		ev, err := st.Next()
		if err != nil || ev.Type != wire.EventContainerState || *ev.ContainerState != (wire.ContainerState{Container: name, State: wire.StateStopped}) {
			t.Fatalf("snapshot event %+v, %v; want %s stopped", ev, err, name)
		}
	}
	if err := c.SetForeground(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	ev, err := st.Next()
	if err != nil || ev.Type != wire.EventForeground || *ev.Foreground != (wire.Foreground{Container: "work", Previous: "personal"}) {
		t.Fatalf("switch event %+v, %v", ev, err)
	}
	if err := c.SetForeground(ctx, "nope"); err == nil {
		t.Fatal("switch to an unknown container accepted")
	}
}

// TestClientVanishingMidStart: the start goes on to the end when the client
// that asked for it goes away.
func TestClientVanishingMidStart(t *testing.T) {
	_, c, rt := serveManager(t)
	entered, release := make(chan struct{}), make(chan struct{})
	rt.StartErr = func(string) error {
		close(entered)
		<-release
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctlhttp.Do(ctx, c.HTTP(), "POST", "/v1/containers/work/ensure", nil, nil) }()
	<-entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("client err = %v", err)
	}
	close(release)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		var info wire.ContainerInfo
		if err := ctlhttp.Do(context.Background(), c.HTTP(), "GET", "/v1/containers/work", nil, &info); err != nil {
			t.Fatal(err)
		}
		if info.State == wire.StateRunning && info.Pid != 0 && rt.Running("work") != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the start was abandoned with its client: %+v", info)
		}
	}
}

// TestSubscriberStartsFromTheStates: a subscriber (or one reconnecting after
// it missed events) learns every container's state when it subscribes, so
// it can drop what it holds for a container that stopped meanwhile.
func TestSubscriberStartsFromTheStates(t *testing.T) {
	_, c, _ := serveManager(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := (ContainersClient{HTTP: c.HTTP()}).Ensure(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	st, err := c.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := map[string]string{}
	for len(got) < 2 {
		ev, err := st.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.ContainerState != nil {
			got[ev.ContainerState.Container] = ev.ContainerState.State
		}
	}
	if got["work"] != wire.StateRunning || got["personal"] != wire.StateStopped {
		t.Fatalf("snapshot %v; want work running, personal stopped", got)
	}
}
