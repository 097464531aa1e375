package audioshim

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
)

// wait is given the position its caller saw leave no room. A server that
// drained the whole ring after that observation, and so will never poke
// again (nothing is left to wait for), must not make wait sleep: it
// returns at once. When wait read the position itself, it saw the drained
// ring as "no progress", slept through the Stall time and reported the
// server gone.
func TestWaitUsesTheCallersObservation(t *testing.T) {
	rs := startRingServer(t, unix.EFD_NONBLOCK)
	st, err := Open(Config{Path: rs.path, Usage: wire.UsageMedia, Params: params, PeriodHint: 240, Stall: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	full := make([]byte, int(rs.g.Capacity)*st.fb)
	if _, err := st.Write(full); err != nil { // fills the ring without waiting
		t.Fatal(err)
	}
	seen := rs.ring.ReadPos() // the writer's observation: a full ring
	rs.ring.SetReadPos(rs.ring.WritePos())
	rs.ring.SetConsumed(rs.ring.WritePos(), 1) // the device drained it all, poking nobody
	ok := make(chan bool, 1)
	go func() { ok <- st.wait(seen) }()
	select {
	case got := <-ok:
		if !got {
			t.Fatal("wait reported the server gone")
		}
	case <-time.After(10 * time.Second): // a hang guard; wait must not sleep at all
		rs.efd.Write([]byte{1, 0, 0, 0, 0, 0, 0, 0}) // free it
		<-ok
		t.Fatal("wait slept though the server had moved past the caller's observation")
	}
}
