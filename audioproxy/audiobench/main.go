// Command audiobench measures what mixing N streams into a null sink costs,
// side by side in one run: audioproxyd with dpxplay clients (the C HAL
// shim's stream code; -client go for the Go shim), PulseAudio with
// pacat clients and native PipeWire with pw-play clients, at equal
// latencies. It prints a Markdown table of CPU per second of audio (daemon
// and clients), the daemon's RSS and audioproxyd's underruns, with the
// device callbacks that came late (more than two periods after the one
// before: the machine stalled, and the device caught up in a burst).
//
// At a latency L, audioproxyd runs by default as PipeWire does at the same
// setting (pw-play --latency=L sets a quantum of L): a device period of L
// and rings of one period, so the device and each client wake once per L.
// -split 2 halves the period (rings of two periods, the same latency).
//
//	go run ./audioproxy/audiobench -streams 2,8,32 -latency 10,20 -dur 10s
//
// With -rounds N every case is measured N times, the systems alternating,
// and a table of medians follows: one run of a case is not a distribution,
// and PulseAudio's own cost moves by a fifth from one run to the next here.
//
// It installs pipewire, pipewire-bin and wireplumber with apt-get if they
// are missing (never pipewire-alsa or pipewire-audio-client-libraries,
// which remove PulseAudio), and starts and stops every daemon itself.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "client" {
		if err := client(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "audiobench client:", err)
			os.Exit(1)
		}
		return
	}
	streams := flag.String("streams", "2,8,32", "stream counts")
	latencies := flag.String("latency", "10,20", "latencies in ms")
	systems := flag.String("systems", "audioproxy,pulseaudio,pipewire", "systems to measure")
	dur := flag.Duration("dur", 10*time.Second, "measurement time per case")
	settle := flag.Duration("settle", 2*time.Second, "time before measuring")
	load := flag.Int("load", 0, "busy-loop processes to run alongside (loaded-machine runs)")
	nice := flag.Int("nice", 0, "audioproxy: run the daemon and its clients at this nice value (PulseAudio renices itself to -11)")
	write := flag.Int("write", 0, "audioproxy: frames per client Write (0: one device period; AudioFlinger's normal mixer writes 960)")
	split := flag.Int("split", 1, "audioproxy: device periods per latency (1: the period is the latency, as PipeWire's quantum is at the same setting; 2: half of it)")
	ring := flag.Int("ring", 0, "audioproxy: ring size in device periods (0: -split, so that the ring holds the latency)")
	clientKind := flag.String("client", "c", "audioproxy: c (dpxplay, on the C HAL shim's stream code, as AudioFlinger's HAL is) | go (the Go shim)")
	realtime := flag.Bool("realtime", false, "audioproxy: audioproxyd --realtime (SCHED_FIFO device thread)")
	clientFIFO := flag.Int("client-fifo", 0, "audioproxy with -client c: run each dpxplay SCHED_FIFO at this priority (1-99), as AudioFlinger runs its FastMixer thread (priority 2 or 3); 0: SCHED_OTHER")
	rounds := flag.Int("rounds", 1, "rounds of every case, the systems alternating within each; above 1, a table of each system's median and of audioproxy's ratios to the others follows")
	flag.Parse()
	lats, counts := ints(*latencies), ints(*streams) // exits on a bad number, before anything is made
	if *rounds < 1 {
		fatal(fmt.Errorf("-rounds %d: want at least 1", *rounds))
	}
	if *split < 1 || *ring < 0 {
		fatal(fmt.Errorf("-split %d, -ring %d: want -split ≥ 1 and -ring ≥ 0", *split, *ring))
	}
	if *ring == 0 {
		*ring = *split
	}
	if *clientFIFO < 0 || *clientFIFO > 99 || (*clientFIFO > 0 && *clientKind != "c") {
		fatal(fmt.Errorf("-client-fifo %d: want 0, or 1-99 with -client c (a whole Go process at real-time priority can starve the machine)", *clientFIFO))
	}

	dir, err := os.MkdirTemp("/tmp", "audiobench-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)
	b := &bench{dir: dir, dur: *dur, settle: *settle, split: *split, ring: *ring, nice: *nice, write: *write, client: *clientKind, clientFIFO: *clientFIFO, realtime: *realtime}
	if err := b.prepare(strings.Split(*systems, ",")); err != nil {
		os.RemoveAll(dir)
		fatal(err)
	}
	if *load > 0 {
		stop := busy(*load)
		defer stop()
	}
	fifo := ""
	if b.clientFIFO > 0 {
		fifo = fmt.Sprintf(" at SCHED_FIFO %d", b.clientFIFO)
	}
	fmt.Printf("audioproxy: device period = latency/%d, rings of %d periods, %s clients%s\n\n", b.split, b.ring, b.client, fifo)
	fmt.Printf("| latency | streams | system | daemon CPU ms/s | clients CPU ms/s | total ms/s | daemon RSS MB | underruns |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|\n")
	sys := strings.Split(*systems, ",")
	var samples []sample
	for _, l := range lats {
		for _, n := range counts {
			for round := range *rounds {
				for _, sy := range sys {
					r, err := b.run(sy, n, l)
					name := sy
					if *rounds > 1 {
						name = fmt.Sprintf("%s (round %d)", sy, round+1)
					}
					if err != nil {
						fmt.Printf("| %d ms | %d | %s | failed (see stderr) | | | | |\n", l, n, name)
						fmt.Fprintf(os.Stderr, "audiobench: %s, %d streams at %d ms: %v\n", name, n, l, err)
						continue
					}
					samples = append(samples, sample{l, n, sy, r.daemon + r.clients})
					u := "-"
					if r.underruns >= 0 {
						u = fmt.Sprintf("%d (device late %d)", r.underruns, r.late)
					}
					fmt.Printf("| %d ms | %d | %s | %.1f | %.1f | %.1f | %.1f | %s |\n", l, n, name, r.daemon, r.clients, r.daemon+r.clients, r.rssMB, u)
				}
			}
		}
	}
	if *rounds > 1 {
		printSummary(os.Stdout, summarize(samples, sys), sys, *rounds)
	}
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			fatal(fmt.Errorf("bad number %q", f))
		}
		out = append(out, n)
	}
	return out
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "audiobench:", err)
	os.Exit(1)
}

// busy starts n processes spinning on a core (this binary re-executed).
func busy(n int) func() {
	var cmds []*exec.Cmd
	for range n {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if c.Start() == nil {
			cmds = append(cmds, c)
		}
	}
	return func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	}
}

type bench struct {
	dir         string
	dur, settle time.Duration
	audioproxyd string
	raw, wav    string
	self        string
	split, ring int
	nice        int
	write       int
	client      string // "c" or "go"
	clientFIFO  int    // > 0: C clients run SCHED_FIFO at this priority
	dpxplay     string
	realtime    bool
}

// prepare builds audioproxyd, writes the tone files and installs PipeWire.
func (b *bench) prepare(systems []string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	b.self = self
	b.audioproxyd = filepath.Join(b.dir, "audioproxyd")
	if out, err := exec.Command("go", "build", "-o", b.audioproxyd, "droidplex/cmd/audioproxyd").CombinedOutput(); err != nil {
		return fmt.Errorf("build audioproxyd: %v\n%s", err, out)
	}
	switch b.client {
	case "c":
		// Built here, with the HAL's own flags (-O2), so a stale or
		// differently built binary cannot skew the clients' CPU.
		top, err := moduleRoot()
		if err != nil {
			return err
		}
		out := filepath.Join(b.dir, "cbuild")
		c := exec.Command("make", "-s", "-C", filepath.Join(top, "hal-shims/audio/c"), "B="+out, "CFLAGS=-O2", filepath.Join(out, "dpxplay"))
		if out, err := c.CombinedOutput(); err != nil {
			return fmt.Errorf("build dpxplay: %v\n%s", err, out)
		}
		b.dpxplay = filepath.Join(out, "dpxplay")
	case "go":
	default:
		return fmt.Errorf("-client %q: want c or go", b.client)
	}
	secs := b.dur.Seconds() + b.settle.Seconds() + 5
	b.raw, b.wav = filepath.Join(b.dir, "tone.raw"), filepath.Join(b.dir, "tone.wav")
	if err := writeTone(b.raw, b.wav, secs); err != nil {
		return err
	}
	for _, s := range systems {
		if s == "pipewire" {
			return installPipeWire()
		}
	}
	return nil
}

// moduleRoot returns the droidplex module's directory (the bench runs with
// go run inside it).
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func installPipeWire() error {
	if _, err := exec.LookPath("pw-play"); err == nil {
		if _, err := exec.LookPath("wireplumber"); err == nil {
			return nil
		}
	}
	fmt.Fprintln(os.Stderr, "audiobench: installing pipewire pipewire-bin wireplumber")
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "--no-install-recommends", "pipewire", "pipewire-bin", "wireplumber"}} {
		c := exec.Command("apt-get", args...)
		c.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := c.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v\n%s", args[0], err, out)
		}
	}
	if _, err := exec.LookPath("pulseaudio"); err != nil {
		return fmt.Errorf("installing PipeWire removed PulseAudio")
	}
	return nil
}
