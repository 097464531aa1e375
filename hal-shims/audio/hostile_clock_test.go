package audioshim

import (
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
)

// clockServer is a fake audioproxyd with one stream that consumes a period
// every 5 ms, as a device would, and pokes a waiting writer, but publishes
// consumed_ns as lie(the true time); with beyond, once the ring has been
// full it claims to have read past the writes.
type clockServer struct {
	*ringServer
	stop chan struct{}
	wg   sync.WaitGroup
}

func startClockServer(t *testing.T, lie func(now int64) int64, beyond bool) *clockServer {
	t.Helper()
	cs := &clockServer{ringServer: startRingServer(t, unix.EFD_NONBLOCK), stop: make(chan struct{})}
	ring, g := cs.ring, cs.g
	cs.wg.Go(func() { // the device
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var pos uint64
		for {
			select {
			case <-cs.stop:
				return
			case <-tick.C:
			}
			avail := ring.WritePos() - pos
			pos += min(avail, uint64(g.Period))
			if beyond && ring.WritePos() >= uint64(g.Capacity) {
				pos = ring.WritePos() + 5000 // reading frames never written
			}
			ring.SetReadPos(pos)
			ring.SetConsumed(pos, lie(linux.MonotonicNs()))
			if ring.Flags()&wire.FlagWaiting != 0 && uint64(g.Capacity)-(ring.WritePos()-pos) >= uint64(ring.WakeFrames()) {
				ring.ClearFlags(wire.FlagWaiting)
				linux.EventfdWrite(int(cs.efd.Fd()), 1)
			}
		}
	})
	t.Cleanup(func() {
		close(cs.stop)
		cs.wg.Wait()
	})
	return cs
}

// TestPacingSurvivesALyingClock: a server that consumes honestly but lies
// about when: the writer never sleeps on a clock that cannot be right (it
// waits for the server's wake-up instead), never blocks a write for long,
// and the stream stays up. An honest clock is slept on.
func TestPacingSurvivesALyingClock(t *testing.T) {
	const ms = int64(time.Millisecond)
	for _, c := range []struct {
		name  string
		lie   func(int64) int64
		timed bool // whether waits may be timed
	}{
		{"honest", func(now int64) int64 { return now }, true},
		{"zero", func(int64) int64 { return 0 }, false},
		{"30 ms ahead", func(now int64) int64 { return now + 30*ms }, false},
		{"far future", func(now int64) int64 { return now + 3600_000*ms }, false},
		{"far past", func(now int64) int64 { return now - 3600_000*ms }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := startClockServer(t, c.lie, false)
			st, err := Open(Config{Path: cs.path, Usage: wire.UsageMedia, Params: params, PeriodHint: 240})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			buf := make([]byte, 240*4)
			var longest time.Duration
			for range 60 {
				t0 := time.Now()
				if _, err := st.Write(buf); err != nil {
					t.Fatal(err)
				}
				longest = max(longest, time.Since(t0))
			}
			timed, poked := st.Waits()
			t.Logf("waits: %d timed, %d poked; longest write %v", timed, poked, longest)
			if st.Reconnects() != 0 || !st.Connected() {
				t.Fatalf("the stream dropped (%d reconnects)", st.Reconnects())
			}
			if c.timed && timed == 0 {
				t.Fatal("an honest clock was never slept on")
			}
			if !c.timed && timed != 0 {
				t.Fatalf("slept %d times on a clock that cannot be right", timed)
			}
			if longest > time.Second { // a hang detector, not a timing claim: a write lasts about 5 ms
				t.Fatalf("a write blocked for %v", longest)
			}
		})
	}
}

// TestReadPositionBeyondTheWritesDisconnects: a server that claims to have
// read frames never written is given up (as the C shim does), not waited on
// for ever while it keeps poking; and the reconnection that follows, to a
// socket nobody answers any more, does not stall the writes either.
func TestReadPositionBeyondTheWritesDisconnects(t *testing.T) {
	cs := startClockServer(t, func(now int64) int64 { return now }, true)
	st, err := Open(Config{Path: cs.path, Usage: wire.UsageMedia, Params: params, PeriodHint: 240, Reconnect: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	buf := make([]byte, 240*4)
	for range 40 { // 200 ms of audio: the ring fills after 4 writes
		if _, err := st.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
	if st.Connected() {
		t.Fatal("still connected to a server that read past the writes")
	}
}
