package audioshim

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
)

// TestPositionNeverGoesBack: the presentation position does not go back
// when the server publishes a smaller consumed count (a lie), nor when it
// dies in the middle of publishing one (its seqlock left odd), which the
// stream can then no longer read when it disconnects.
func TestPositionNeverGoesBack(t *testing.T) {
	for _, name := range []string{"smaller count", "died mid-update"} {
		t.Run(name, func(t *testing.T) {
			rs := startRingServer(t, unix.EFD_NONBLOCK)
			st, err := Open(Config{Path: rs.path, Usage: wire.UsageMedia, Params: params, Reconnect: 1 << 62})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.Write(make([]byte, 960*4)); err != nil {
				t.Fatal(err)
			}
			rs.ring.SetReadPos(960)
			rs.ring.SetConsumed(960, linux.MonotonicNs())
			before, _ := st.PresentationPosition()
			if before != 960 {
				t.Fatalf("position %d, want 960", before)
			}
			switch name {
			case "smaller count":
				rs.ring.SetConsumed(480, linux.MonotonicNs())
			case "died mid-update":
				rs.mem[wire.OffClockSeq] |= 1 // odd: a write in progress, for ever
				rs.hangUp()
				for st.Connected() { // until the stream notices
					if _, err := st.Write(make([]byte, 240*4)); err != nil || t.Context().Err() != nil {
						t.Fatalf("still connected after the hang-up: %v", err)
					}
				}
			}
			after, _ := st.PresentationPosition()
			if after < before {
				t.Fatalf("position went back: %d → %d", before, after)
			}
		})
	}
}

// TestBlockingEventfdRefused: a server whose pacing eventfd is in blocking
// mode is refused at Open. (The stream waits on the eventfd with a
// deadline, which only works on a non-blocking descriptor: with a blocking
// one, a full ring and a server that never pokes blocked Write for ever.)
func TestBlockingEventfdRefused(t *testing.T) {
	rs := startRingServer(t, 0) // blocking; the server never consumes
	st, err := Open(Config{Path: rs.path, Usage: wire.UsageMedia, Params: params, Reconnect: 1 << 62})
	if err == nil {
		defer st.Close()
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range 3 { // the second write finds the ring full
				st.Write(make([]byte, 960*4))
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // a hang detector: Stall is 500 ms
			rs.hangUp() // a hang-up ends the wait, so that the test can end
			<-done
			t.Fatal("Write blocked for ever on a blocking eventfd")
		}
		t.Fatal("a blocking eventfd was accepted")
	}
	if !strings.Contains(err.Error(), "eventfd") {
		t.Fatalf("err = %v, want a refused eventfd", err)
	}
}
