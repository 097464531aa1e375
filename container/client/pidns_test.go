package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/kernel"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// fakeDroidplexd serves GET /v1/containers/{name} from a table and records
// the requests.
type fakeDroidplexd struct {
	mu    sync.Mutex
	infos map[string]wire.ContainerInfo
	asked []string
}

func (f *fakeDroidplexd) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f.mu.Lock()
	f.asked = append(f.asked, name)
	info, ok := f.infos[name]
	f.mu.Unlock()
	if !ok {
		ctlhttp.WriteError(w, http.StatusNotFound, fmt.Errorf("no container %q", name))
		return
	}
	ctlhttp.WriteJSON(w, http.StatusOK, info)
}

func (f *fakeDroidplexd) set(info wire.ContainerInfo) {
	f.mu.Lock()
	f.infos[info.Name] = info
	f.mu.Unlock()
}

func (f *fakeDroidplexd) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.asked
	f.asked = nil
	return out
}

func startFake(t *testing.T) (*fakeDroidplexd, string) {
	t.Helper()
	f := &fakeDroidplexd{infos: map[string]wire.ContainerInfo{}}
	path := filepath.Join(testutil.RuntimeDir(t), "droidplexd.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/containers/{name}", f)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ctlhttp.Serve(ctx, l, mux); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return f, path
}

func TestPidNamespacesFollowsDroidplexd(t *testing.T) {
	f, path := startFake(t)
	f.set(wire.ContainerInfo{Name: "personal", State: wire.StateRunning, Pid: 100})
	f.set(wire.ContainerInfo{Name: "work", State: wire.StateStopped})
	p := NewPidNamespaces(New(path))
	nsOf := map[int]uint64{100: 1000, 200: 2000}
	var reads []int
	p.nsOf = func(pid int) (uint64, error) {
		reads = append(reads, pid)
		if ino, ok := nsOf[pid]; ok {
			return ino, nil
		}
		return 0, errors.New("no such process")
	}
	ctx := context.Background()
	step := func(name string, want uint64, wantOK bool, wantAsked []string, wantReads []int) {
		t.Helper()
		reads = nil
		ino, ok := p.PidNamespace(ctx, name)
		if ino != want || ok != wantOK {
			t.Errorf("PidNamespace(%s) = %d, %v; want %d, %v", name, ino, ok, want, wantOK)
		}
		if got := f.requests(); !slices.Equal(got, wantAsked) {
			t.Errorf("PidNamespace(%s) asked droidplexd %q, want %q", name, got, wantAsked)
		}
		if !slices.Equal(reads, wantReads) {
			t.Errorf("PidNamespace(%s) read namespaces of %v, want %v", name, reads, wantReads)
		}
	}
	step("personal", 1000, true, []string{"personal"}, []int{100})
	step("personal", 1000, true, nil, []int{100}) // remembered; the init is still there
	step("work", 0, false, []string{"work"}, nil) // not running
	step("nobody", 0, false, []string{"nobody"}, nil)

	// work starts: the event drops nothing remembered; the next question asks.
	f.set(wire.ContainerInfo{Name: "work", State: wire.StateRunning, Pid: 200})
	step("work", 2000, true, []string{"work"}, []int{200})

	// personal restarts with a new init; the event makes it ask again.
	f.set(wire.ContainerInfo{Name: "personal", State: wire.StateRunning, Pid: 300})
	nsOf[300] = 3000
	p.Observe(wire.Event{Type: wire.EventContainerState, ContainerState: &wire.ContainerState{Container: "personal", State: wire.StateRunning}})
	p.Observe(wire.Event{Type: wire.EventForeground, Foreground: &wire.Foreground{Container: "work"}}) // ignored
	step("personal", 3000, true, []string{"personal"}, []int{300})

	// personal is stopping: its init is still alive, still personal's.
	f.set(wire.ContainerInfo{Name: "personal", State: wire.StateStopping, Pid: 300})
	p.Observe(wire.Event{Type: wire.EventContainerState, ContainerState: &wire.ContainerState{Container: "personal", State: wire.StateStopping}})
	step("personal", 3000, true, []string{"personal"}, []int{300})
	// A stopped container is unknown even if a (stale) pid came with it.
	f.set(wire.ContainerInfo{Name: "personal", State: wire.StateStopped, Pid: 300})
	p.Observe(wire.Event{Type: wire.EventContainerState, ContainerState: &wire.ContainerState{Container: "personal", State: wire.StateStopped}})
	step("personal", 0, false, []string{"personal"}, nil)

	// work restarts while the event stream was down: its old init is gone.
	delete(nsOf, 200)
	f.set(wire.ContainerInfo{Name: "work", State: wire.StateRunning, Pid: 400})
	nsOf[400] = 4000
	step("work", 4000, true, []string{"work"}, []int{200, 400})

	// work stops while the stream was down: unknown, and forgotten.
	delete(nsOf, 400)
	f.set(wire.ContainerInfo{Name: "work", State: wire.StateStopped})
	step("work", 0, false, []string{"work"}, []int{400})
	step("work", 0, false, []string{"work"}, nil)
}

func TestPidNamespacesRealProcess(t *testing.T) {
	f, path := startFake(t)
	f.set(wire.ContainerInfo{Name: "self", State: wire.StateRunning, Pid: os.Getpid()})
	want, err := kernel.PidNamespace(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	p := NewPidNamespaces(New(path))
	if ino, ok := p.PidNamespace(context.Background(), "self"); !ok || ino != want {
		t.Fatalf("PidNamespace = %d, %v; want %d", ino, ok, want)
	}
}

func TestPidNamespacesWithoutDroidplexd(t *testing.T) {
	p := NewPidNamespaces(New(filepath.Join(testutil.RuntimeDir(t), "absent.sock")))
	if ino, ok := p.PidNamespace(context.Background(), "personal"); ok || ino != 0 {
		t.Fatalf("PidNamespace without droidplexd = %d, %v", ino, ok)
	}
}
