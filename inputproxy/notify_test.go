package inputproxy

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"droidplex/container/wire"
)

// A stuck droidplexd never blocks the router: reports queue up (the oldest
// dropped past maxPending) and are posted in order once it answers.
func TestNotifierQueuesInOrderAndNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var posted []string
	n := newNotifier(func(ctx context.Context, c string, ch wire.InputChange) error {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		mu.Lock()
		defer mu.Unlock()
		for _, r := range ch.Remove {
			posted = append(posted, fmt.Sprintf("%s -%s", c, r.Path))
		}
		for _, a := range ch.Add {
			posted = append(posted, fmt.Sprintf("%s +%s", c, a.Path))
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.run(ctx, slog.New(slog.DiscardHandler)) }()

	// The first report is taken by run and held by the stuck post; the
	// rest queue, and the oldest of them are dropped.
	n.OnNodes("a", []Node{{Path: "/dev/input/event0", Major: 13, Minor: 64}}, nil)
	eventually(t, "run takes the first report", func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		return len(n.pending) == 0
	})
	for i := 1; i <= maxPending+2; i++ {
		n.OnNodes("b", nil, []Node{{Path: fmt.Sprintf("/dev/input/event%d", i), Major: 13, Minor: uint32(64 + i)}})
	}
	n.mu.Lock()
	queued, dropped, first := len(n.pending), n.dropped, n.pending[0].change.Remove[0].Path
	n.mu.Unlock()
	if queued != maxPending || dropped != 2 || first != "/dev/input/event3" {
		t.Fatalf("queued %d, dropped %d, oldest kept %s", queued, dropped, first)
	}
	close(release)
	eventually(t, "everything queued is posted", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(posted) == 1+maxPending
	})
	cancel()
	<-done
	if posted[0] != "a +/dev/input/event0" || posted[1] != "b -/dev/input/event3" || posted[maxPending] != fmt.Sprintf("b -/dev/input/event%d", maxPending+2) {
		t.Fatalf("posted out of order: %q ... %q", posted[:2], posted[maxPending])
	}
}

// eventually polls cond; it fails after 10 s (a hang guard, not a timing
// assertion).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("never happened: %s", what)
		}
	}
}
