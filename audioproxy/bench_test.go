package audioproxy

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/unixsock"
)

// BenchmarkProcess is the whole device callback (ring reads, gain ramps,
// clipping, position updates) at 2, 8 and 32 streams, 5 ms periods.
func BenchmarkProcess(b *testing.B) {
	for _, n := range []int{2, 8, 32} {
		b.Run(fmt.Sprintf("streams=%d", n), func(b *testing.B) {
			e, _ := NewEngine(testDev, n)
			var w audioproxytest.Waker
			rings := make([]*wire.Ring, n)
			for i := range rings {
				rings[i] = audioproxytest.NewRing(b, wire.Geometry{Capacity: 960, Params: testDev.Params, Period: 240})
				if _, err := e.Attach(e.Container(fmt.Sprint(i%4)), rings[i], wire.Output, wire.UsageMedia, &w); err != nil {
					b.Fatal(err)
				}
				(&audioproxytest.Tone{Freq: 440, Amp: 0.1}).Fill(rings[i])
			}
			out := make([]byte, 240*4)
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range rings { // keep every ring full without touching the data
					r.SetWritePos(r.ReadPos() + 960)
				}
				e.Process(out, 240)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/240/float64(n), "ns/frame/stream")
		})
	}
}

// BenchmarkLatency measures end-to-end latency: from the moment a shim
// Write has put a period into the ring (over the real socket, memfd and
// eventfd) to the device callback that mixes its last frame. At 5 ms
// periods with rings of 2 and 4 periods, and at 10 ms periods with a ring
// of one period (the operating point audiobench compares at 10 ms of
// latency). One iteration is one period's write.
func BenchmarkLatency(b *testing.B) {
	for _, c := range []struct {
		period      uint32
		ringPeriods int
	}{{240, 2}, {240, 4}, {480, 1}} {
		b.Run(fmt.Sprintf("period=%dms/ring=%dperiods", c.period/48, c.ringPeriods), func(b *testing.B) {
			p50, p99 := measureLatency(b, c.period, c.ringPeriods, b.N)
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		})
	}
}

// measureLatency runs one stream for writes periods of period frames on a
// device with that period and returns the p50 and p99 latency.
func measureLatency(tb testing.TB, period uint32, ringPeriods, writes int) (p50, p99 time.Duration) {
	dev := testDev
	dev.Period = period
	e, _ := NewEngine(dev, 4)
	// Record (time, frames consumed) after every callback; preallocated.
	type mark struct {
		t time.Time
		n uint64
	}
	marks := make([]mark, writes+4096)
	var nm atomic.Int64
	var st atomic.Pointer[Stream]
	render := func(out []byte, frames int) {
		e.Process(out, frames)
		if s := st.Load(); s != nil {
			if i := nm.Load(); int(i) < len(marks) {
				marks[i] = mark{time.Now(), s.Consumed()}
				nm.Store(i + 1)
			}
		}
	}
	snk, _ := sink.NewNull(sink.Config{Params: dev.Params, Period: dev.Period})
	snk.Start(render)
	defer snk.Close()
	dir := tb.TempDir()
	srv := NewServer(e, ringPeriods, discardLoggerTB(tb))
	defer srv.Close()
	path := dir + "/a"
	if err := srv.Listen("p", path, unixsock.ListenOptions{UID: -1, GID: -1}); err != nil {
		tb.Fatal(err)
	}
	s, err := audioshim.Open(audioshim.Config{Path: path, Usage: wire.UsageMedia, Params: dev.Params, PeriodHint: period})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	st.Store(e.Streams(nil)[0])
	buf := make([]byte, int(period)*4)
	in := make([]time.Time, 0, writes)
	for range writes {
		s.Write(buf)
		in = append(in, time.Now()) // frames up to period*len(in) are in the ring now
	}
	for int(nm.Load()) < len(marks) && e.Streams(nil)[0].Consumed() < uint64(int(period)*writes) {
		time.Sleep(time.Millisecond)
	}
	s.Standby()
	m := marks[:nm.Load()]
	var lat []time.Duration
	j := 0
	for k, t := range in {
		last := uint64(int(period) * (k + 1))
		for j < len(m) && m[j].n < last {
			j++
		}
		if j == len(m) {
			break
		}
		lat = append(lat, m[j].t.Sub(t))
	}
	if len(lat) == 0 {
		return 0, 0
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100]
}
