package containertest

import (
	"testing"
	"time"

	"droidplex/container/wire"
)

// States reads events until it has seen n container-state changes and
// returns their states in order; the test fails if they do not come within
// timeout.
func States(t testing.TB, events <-chan wire.Event, n int, timeout time.Duration) []string {
	t.Helper()
	deadline := time.After(timeout)
	var states []string
	for len(states) < n {
		select {
		case ev := <-events:
			if ev.ContainerState != nil {
				states = append(states, ev.ContainerState.State)
			}
		case <-deadline:
			t.Fatalf("container states so far: %q", states)
		}
	}
	return states
}
