// Command rilbench measures the RIL multiplexer against the mock modem it
// fronts and prints a table of request round trips (p50, p99, ratio to
// direct, time added at p99) on three paths, in alternating rounds so all
// see the same machine load: straight to the mock, through a plain byte
// relay that only copies (the least one more socket hop costs, whatever the
// proxy does), and through the Mux. Then throughput with -containers
// clients at once, through the Mux and straight to the mock. The same
// measurements are Go benchmarks (bench_test.go).
//
//	go run ./rilproxy/rilbench -n 20000 -containers 8 -d 3s
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"droidplex/rilproxy/rilproxytest"
)

func main() {
	n := flag.Int("n", 20000, "round trips per variant")
	rounds := flag.Int("rounds", 10, "alternating rounds the round trips are split into")
	containers := flag.Int("containers", 8, "containers for the throughput test")
	d := flag.Duration("d", 3*time.Second, "duration of each throughput run")
	flag.Parse()
	if err := run(*n, *rounds, *containers, *d); err != nil {
		fmt.Fprintln(os.Stderr, "rilbench:", err)
		os.Exit(1)
	}
}

func run(n, rounds, containers int, d time.Duration) error {
	dir, err := os.MkdirTemp("/tmp", "rilbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := Start(dir, containers)
	if err != nil {
		return err
	}
	defer s.Close()
	direct, err := s.Direct()
	if err != nil {
		return err
	}
	defer direct.Close()
	proxied, err := s.Proxied(0)
	if err != nil {
		return err
	}
	defer proxied.Close()
	relayed, err := s.Relayed()
	if err != nil {
		return err
	}
	defer relayed.Close()
	paths := []*rilproxytest.SyncClient{direct, relayed, proxied}
	lat := make([][]time.Duration, len(paths))
	for _, c := range paths { // warm up every path
		if _, err := Latencies(c, 1000); err != nil {
			return err
		}
	}
	for range rounds {
		for i, c := range paths {
			l, err := Latencies(c, n/rounds)
			if err != nil {
				return err
			}
			lat[i] = append(lat[i], l...)
		}
	}
	for _, l := range lat {
		sortDurations(l)
	}
	dl := lat[0]
	fmt.Printf("round trip of %v, %d each, %d alternating rounds\n\n", Request, len(dl), rounds)
	fmt.Println("| path | p50 | p99 | p50 ratio to direct | added at p99 |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for i, name := range []string{"direct to the mock modem", "through a plain byte relay (no parsing: the hop itself)", "through the Mux"} {
		l := lat[i]
		fmt.Printf("| %s | %v | %v | %.2f× | %+v |\n", name, Percentile(l, 50), Percentile(l, 99),
			float64(Percentile(l, 50))/float64(Percentile(dl, 50)), Percentile(l, 99)-Percentile(dl, 99))
	}
	fmt.Println()

	var dc, pc []*rilproxytest.SyncClient
	for i := range containers {
		c, err := s.Direct()
		if err != nil {
			return err
		}
		defer c.Close()
		dc = append(dc, c)
		if i == 0 {
			pc = append(pc, proxied)
			continue
		}
		p, err := s.Proxied(i)
		if err != nil {
			return err
		}
		defer p.Close()
		pc = append(pc, p)
	}
	dt, err := Throughput(dc, d)
	if err != nil {
		return err
	}
	pt, err := Throughput(pc, d)
	if err != nil {
		return err
	}
	fmt.Printf("throughput, %d clients each one request at a time, %v each\n\n", containers, d)
	fmt.Println("| path | requests/s |")
	fmt.Println("|---|---:|")
	fmt.Printf("| %d connections direct to the mock modem | %.0f |\n", containers, dt)
	fmt.Printf("| %d containers through the Mux | %.0f |\n", containers, pt)
	return nil
}
