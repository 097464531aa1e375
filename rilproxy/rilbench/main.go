// Command rilbench measures the RIL multiplexer against the mock modem it
// fronts and prints a table: request round trips through a Mux and
// straight to the mock (p50, p99, ratio, time added), measured in
// alternating rounds so both see the same machine load, then throughput
// with -containers clients at once, through the Mux and straight to the
// mock. The same measurements are Go benchmarks (bench_test.go).
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
	// warm up both paths
	if _, err := Latencies(direct, 1000); err != nil {
		return err
	}
	if _, err := Latencies(proxied, 1000); err != nil {
		return err
	}
	var dl, pl []time.Duration
	for range rounds {
		a, err := Latencies(direct, n/rounds)
		if err != nil {
			return err
		}
		b, err := Latencies(proxied, n/rounds)
		if err != nil {
			return err
		}
		dl, pl = append(dl, a...), append(pl, b...)
	}
	sortDurations(dl)
	sortDurations(pl)
	fmt.Printf("round trip of %v, %d each, %d alternating rounds\n\n", Request, len(dl), rounds)
	fmt.Println("| path | p50 | p99 |")
	fmt.Println("|---|---:|---:|")
	fmt.Printf("| direct to the mock modem | %v | %v |\n", Percentile(dl, 50), Percentile(dl, 99))
	fmt.Printf("| through the Mux | %v | %v |\n", Percentile(pl, 50), Percentile(pl, 99))
	fmt.Printf("| ratio / added | %.2f× | +%v |\n\n", float64(Percentile(pl, 50))/float64(Percentile(dl, 50)), Percentile(pl, 99)-Percentile(dl, 99))

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
