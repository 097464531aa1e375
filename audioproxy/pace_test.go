package audioproxy

import (
	"runtime"
	"testing"
)

// TestSteadyWriterPacesByDeviceClock: a writer that keeps its ring full
// sleeps until the device callback that frees its next period, by the
// clock the ring header publishes, so the server almost never has to wake
// it (a poke costs the device thread a system call and a cross-CPU wake-up
// per stream and period).
//
// It is checked with the machine's Ps, with one (where every sleep, the
// device's and the writer's, goes through the runtime) and with four (where
// both sleep in the kernel, holding their Ps).
func TestSteadyWriterPacesByDeviceClock(t *testing.T) {
	t.Run("all Ps", steadyWriter)
	t.Run("four Ps", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
		steadyWriter(t)
	})
	t.Run("one P", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		steadyWriter(t)
	})
}

func steadyWriter(t *testing.T) {
	ts := startServer(t, 4)
	st, err := ts.open(t, "personal")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k := 0
	for range 200 { // 1 s of 5 ms writes; the first 16 fill the ring
		if _, err := st.Write(tone(440, 0.2, 240, &k)); err != nil {
			t.Fatal(err)
		}
	}
	timed, poked := st.Waits()
	t.Logf("waits: %d timed, %d poked", timed, poked)
	if timed == 0 || poked*10 > timed+poked {
		t.Fatalf("%d waits by the device clock and %d by a server wake-up; want at most 10%% by wake-ups", timed, poked)
	}
}

// A ring of one period, which holds exactly the latency (PipeWire's
// operating point: one buffer per client per graph cycle), works: the
// server gives the stream a ring of one device period, the writer fills it
// between two callbacks, paced by the ring's clock, and every frame it
// wrote is consumed.
func TestOnePeriodRing(t *testing.T) {
	ts := startServerRing(t, 4, nil, 1)
	st, err := ts.open(t, "personal")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := ts.eng.Streams(nil)
	if len(srv) != 1 {
		t.Fatalf("%d streams on the server, want 1", len(srv))
	}
	if g := srv[0].Geometry(); g.Capacity != testDev.Period || g.Period != testDev.Period {
		t.Fatalf("ring of %d frames with %d-frame periods, want one period of %d", g.Capacity, g.Period, testDev.Period)
	}
	k := 0
	const writes = 100
	for range writes {
		if n, err := st.Write(tone(440, 0.2, int(testDev.Period), &k)); err != nil || n != int(testDev.Period)*4 {
			t.Fatalf("write: %d bytes, %v", n, err)
		}
	}
	waitFor(t, "the last period consumed", func() bool { return srv[0].Consumed() >= writes*uint64(testDev.Period) })
	if c := srv[0].Consumed(); c != writes*uint64(testDev.Period) {
		t.Fatalf("consumed %d frames, %d written", c, writes*testDev.Period)
	}
	if timed, _ := st.Waits(); timed == 0 {
		t.Fatal("the writer never paced itself by the ring's clock")
	}
}
