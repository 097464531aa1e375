package main

import (
	"testing"

	"droidplex/internal/testutil"
	"droidplex/rilproxy/rilproxytest"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func setup(b testing.TB, n int) *Setup {
	s, err := Start(testutil.RuntimeDir(b), n)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	return s
}

func roundTrip(b *testing.B, c *rilproxytest.SyncClient) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Do(Request, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTrip compares one GET_MUTE round trip straight to the mock
// modem with the same through a plain byte relay and through the Mux.
func BenchmarkRoundTrip(b *testing.B) {
	s := setup(b, 1)
	b.Run("direct", func(b *testing.B) {
		c, err := s.Direct()
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		roundTrip(b, c)
	})
	b.Run("relayed", func(b *testing.B) {
		c, err := s.Relayed()
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		roundTrip(b, c)
	})
	b.Run("proxied", func(b *testing.B) {
		c, err := s.Proxied(0)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		roundTrip(b, c)
	})
}

// BenchmarkThroughput8 runs eight clients at once, each one request at a
// time, straight to the mock and through the Mux (one container each).
func BenchmarkThroughput8(b *testing.B) {
	s := setup(b, 8)
	for _, proxied := range []bool{false, true} {
		name := "direct"
		if proxied {
			name = "proxied"
		}
		b.Run(name, func(b *testing.B) {
			var cs []*rilproxytest.SyncClient
			for i := range 8 {
				var c *rilproxytest.SyncClient
				var err error
				if proxied {
					c, err = s.Proxied(i)
				} else {
					c, err = s.Direct()
				}
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				cs = append(cs, c)
			}
			b.SetParallelism(1)
			next := make(chan *rilproxytest.SyncClient, 8)
			for _, c := range cs {
				next <- c
			}
			b.RunParallel(func(pb *testing.PB) {
				c := <-next
				for pb.Next() {
					if _, err := c.Do(Request, nil); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// The harness's pieces work (and the benchmarks are not only compiled).
func TestHarness(t *testing.T) {
	s := setup(t, 2)
	d, err := s.Direct()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	p, err := s.Proxied(1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r, err := s.Relayed()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, c := range []*rilproxytest.SyncClient{d, p, r} {
		l, err := Latencies(c, 50)
		if err != nil || len(l) != 50 || Percentile(l, 50) > Percentile(l, 99) {
			t.Fatalf("%v %v", l, err)
		}
	}
	if _, err := Throughput([]*rilproxytest.SyncClient{d, p}, 0); err != nil {
		t.Fatal(err)
	}
}
