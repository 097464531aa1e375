package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"droidplex/internal/unixsock"
	"droidplex/rilproxy"
	"droidplex/rilproxy/mockmodem"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
	"droidplex/rilproxy/rilproxytest"
)

// Setup is the mock modem on a unix socket, and a Mux in front of it with
// one socket per container, all in dir.
type Setup struct {
	dir    string
	names  []string
	stop   context.CancelFunc
	wg     sync.WaitGroup
	closer []io.Closer
}

// Start serves the mock modem and a Mux for n containers in dir.
func Start(dir string, n int) (*Setup, error) {
	s := &Setup{dir: dir}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ml, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "modem"), unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
	if err != nil {
		return nil, err
	}
	for i := range n {
		s.names = append(s.names, fmt.Sprintf("c%d", i))
	}
	m, err := rilproxy.New(rilproxy.Config{Policy: policy.Config{Containers: s.names}}, log)
	if err != nil {
		ml.Close()
		return nil, err
	}
	ls := map[string]net.Listener{}
	for _, name := range s.names {
		l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, name), unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
		if err != nil {
			ml.Close()
			for _, l := range ls {
				l.Close()
			}
			return nil, err
		}
		ls[name] = l
	}
	modem := mockmodem.New(mockmodem.Config{}, log)
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.wg.Go(func() { modem.Serve(ctx, ml) })
	s.wg.Go(func() {
		m.Serve(ctx, func(context.Context) (io.ReadWriteCloser, error) {
			return unixsock.Dial(unixsock.Stream, filepath.Join(dir, "modem"))
		}, ls)
	})
	s.closer = append(s.closer, closerFunc(modem.Close))
	rl, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "relay"), unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
	if err != nil {
		s.Close()
		return nil, err
	}
	s.closer = append(s.closer, rl)
	s.wg.Go(func() { s.relay(rl) })
	return s, nil
}

// relay serves the plain byte relay: every connection is copied both ways
// to a connection of its own to the mock modem, without parsing.
func (s *Setup) relay(l net.Listener) {
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		up, err := unixsock.Dial(unixsock.Stream, filepath.Join(s.dir, "modem"))
		if err != nil {
			c.Close()
			continue
		}
		conns.Go(func() {
			var both sync.WaitGroup
			both.Go(func() { io.Copy(up, c); up.Close() })
			io.Copy(c, up)
			c.Close()
			both.Wait()
		})
	}
}

type closerFunc func()

func (f closerFunc) Close() error { f(); return nil }

// Close stops everything.
func (s *Setup) Close() {
	s.stop()
	for _, c := range s.closer {
		c.Close()
	}
	s.wg.Wait()
}

// Direct connects straight to the mock modem.
func (s *Setup) Direct() (*rilproxytest.SyncClient, error) {
	return s.dial(filepath.Join(s.dir, "modem"))
}

// Relayed connects to the mock modem through a plain byte relay (a
// goroutine copying each way, no parsing): what any proxy that is one more
// socket hop costs at the least, whatever it does with the bytes.
func (s *Setup) Relayed() (*rilproxytest.SyncClient, error) {
	return s.dial(filepath.Join(s.dir, "relay"))
}

// Proxied connects to container i's socket of the Mux.
func (s *Setup) Proxied(i int) (*rilproxytest.SyncClient, error) {
	return s.dial(filepath.Join(s.dir, s.names[i]))
}

func (s *Setup) dial(path string) (*rilproxytest.SyncClient, error) {
	var last error
	for range 100 { // the Mux accepts once the modem greeted it
		c, err := unixsock.Dial(unixsock.Stream, path)
		if err == nil {
			return rilproxytest.NewSyncClient(c)
		}
		last = err
		time.Sleep(10 * time.Millisecond)
	}
	return nil, last
}

// Request is the benchmarks' request: GET_MUTE, which the Mux forwards and
// the mock answers from its state.
const Request = parcel.ReqGetMute

// Latencies returns n round-trip times of c, sorted.
func Latencies(c *rilproxytest.SyncClient, n int) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		e, err := c.Do(Request, nil)
		if err != nil {
			return nil, err
		}
		if e != parcel.Success {
			return nil, fmt.Errorf("%v answered %d", Request, e)
		}
		out = append(out, time.Since(t0))
	}
	sortDurations(out)
	return out, nil
}

func sortDurations(d []time.Duration) { slices.Sort(d) }

// Percentile returns the p-th percentile (0–100) of sorted durations.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p/100))]
}

// Throughput runs every client for d, each one request at a time, and
// returns the total requests per second.
func Throughput(clients []*rilproxytest.SyncClient, d time.Duration) (float64, error) {
	var wg sync.WaitGroup
	counts := make([]int, len(clients))
	errs := make([]error, len(clients))
	end := time.Now().Add(d)
	for i, c := range clients {
		wg.Go(func() {
			for time.Now().Before(end) {
				if _, err := c.Do(Request, nil); err != nil {
					errs[i] = err
					return
				}
				counts[i]++
			}
		})
	}
	wg.Wait()
	total := 0
	for i := range clients {
		if errs[i] != nil {
			return 0, errs[i]
		}
		total += counts[i]
	}
	return float64(total) / d.Seconds(), nil
}
