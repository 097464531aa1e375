package api

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"droidplex/container/client"
	"droidplex/container/events"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

func TestMain(m *testing.M) { testutil.Main(m) }

type names map[string]bool

func (n names) Exists(name string) bool { return n[name] }

// serve starts a Server on a temporary socket and returns a client for it.
func serve(t *testing.T) (*Server, *client.Client) {
	t.Helper()
	path := filepath.Join(testutil.RuntimeDir(t), "d.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	s := New(events.NewHub())
	s.Containers = names{"personal": true, "work": true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctlhttp.Serve(ctx, l, s.Handler(nil)) }()
	cl := client.New(path)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		cl.HTTP().CloseIdleConnections()
	})
	return s, cl
}

func TestStatusAndForeground(t *testing.T) {
	s, c := serve(t)
	ctx := context.Background()
	st, err := c.Status(ctx)
	if err != nil || st.Ready {
		t.Fatalf("status %+v %v", st, err)
	}
	s.SetReady(true)
	if err := c.SetForeground(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	if fg, err := c.Foreground(ctx); err != nil || fg != "work" {
		t.Fatalf("foreground %q %v", fg, err)
	}
	st, _ = c.Status(ctx)
	if !st.Ready || st.Foreground != "work" {
		t.Fatalf("status %+v", st)
	}
	var se *ctlhttp.StatusError
	if err := c.SetForeground(ctx, "nosuch"); !errors.As(err, &se) || se.Code != http.StatusNotFound {
		t.Fatalf("unknown container: %v", err)
	}
}

func TestPublishOnlyCallState(t *testing.T) {
	_, c := serve(t)
	ctx := context.Background()
	var se *ctlhttp.StatusError
	_, err := c.Publish(ctx, wire.Event{Type: wire.EventForeground, Foreground: &wire.Foreground{Container: "work"}})
	if !errors.As(err, &se) || se.Code != http.StatusBadRequest {
		t.Fatalf("foreground publish: %v", err)
	}
	ev, err := c.Publish(ctx, wire.Event{Type: wire.EventCallState,
		CallState: &wire.CallState{Container: "work", Index: 1, State: wire.CallDialing, Direction: "mo"}})
	if err != nil || ev.Seq != 1 {
		t.Fatalf("publish: %+v %v", ev, err)
	}
}

// Two subscribers see the same events in the same order.
func TestTwoSubscribersSameOrder(t *testing.T) {
	s, c := serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var streams []*client.Stream
	for range 2 {
		st, err := c.Events(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		streams = append(streams, st)
	}
	for s.Hub.Subscribers() < 2 {
		time.Sleep(time.Millisecond)
	}
	order := []string{"work", "personal", "work", "personal"}
	for _, n := range order {
		if err := s.SetForeground(n); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	got := make([][]string, 2)
	for i, st := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range order {
				ev, err := st.Next()
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = append(got[i], ev.Foreground.Container)
			}
		}()
	}
	wg.Wait()
	for i := range got {
		if len(got[i]) != len(order) {
			t.Fatalf("subscriber %d got %v", i, got[i])
		}
		for j := range order {
			if got[i][j] != order[j] {
				t.Fatalf("subscriber %d got %v, want %v", i, got[i], order)
			}
		}
	}
}

// A subscriber that stops reading does not hold up the publisher or a
// reading subscriber: it is cut off and its stream ends with "missed".
func TestSlowStreamDoesNotBlock(t *testing.T) {
	s, c := serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	slow, err := c.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast, err := c.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	for s.Hub.Subscribers() < 2 {
		time.Sleep(time.Millisecond)
	}
	// Far more than the socket buffers plus the hub's buffer hold, published
	// in batches the reading subscriber keeps up with.
	const n, batch = 20000, 100
	for i := 0; i < n; i += batch {
		for j := range batch {
			s.Hub.Publish(wire.Event{Type: wire.EventCallState,
				CallState: &wire.CallState{Container: "work", Index: i + j}})
		}
		for j := range batch {
			ev, err := fast.Next()
			if err != nil || ev.CallState.Index != i+j {
				t.Fatalf("fast subscriber at %d: %+v %v", i+j, ev, err)
			}
		}
	}
	// Now drain the slow one: it gets a prefix, then "missed", then EOF.
	var last wire.Event
	count := 0
	for {
		ev, err := slow.Next()
		if err != nil {
			break
		}
		last = ev
		count++
	}
	if last.Type != wire.EventMissed || last.Missed == nil || last.Missed.From == 0 || count >= n {
		t.Fatalf("slow stream: %d events, last %+v", count, last)
	}
}

func TestFollowReconnects(t *testing.T) {
	s, c := serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.SetForeground("personal"); err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 10)
	done := make(chan error)
	go func() {
		done <- c.Follow(ctx, testutil.Logger(t), func(ev wire.Event) {
			if ev.Type == wire.EventForeground {
				seen <- ev.Foreground.Container
			}
		})
	}()
	if got := <-seen; got != "personal" {
		t.Fatalf("first event foreground %q, want the current one", got)
	}
	for s.Hub.Subscribers() < 1 {
		time.Sleep(time.Millisecond)
	}
	s.SetForeground("work")
	if got := <-seen; got != "work" {
		t.Fatalf("got %q", got)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
