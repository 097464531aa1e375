package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/ctlhttp"
)

type result struct {
	daemon, clients float64 // ms of CPU per second of audio
	rssMB           float64
	underruns       int
	late            uint64 // audioproxy: device callbacks that came late (a stall)
}

// procs is a set of processes started for one case.
type procs struct{ cmds []*exec.Cmd }

func (p *procs) start(c *exec.Cmd) error {
	if err := c.Start(); err != nil {
		return fmt.Errorf("%s: %w", c.Path, err)
	}
	p.cmds = append(p.cmds, c)
	return nil
}

// startNice starts c through nice(1) at nice value n, so every thread of
// the process has it from the start.
func (p *procs) startNice(c *exec.Cmd, n int) (*exec.Cmd, error) {
	if n != 0 {
		args := append([]string{"-n", strconv.Itoa(n), c.Path}, c.Args[1:]...)
		c = exec.Command("nice", args...) // nice execs the command: same pid
	}
	return c, p.start(c)
}

// stop ends the processes in reverse order of starting.
func (p *procs) stop() {
	for i := len(p.cmds) - 1; i >= 0; i-- {
		c := p.cmds[i]
		c.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			c.Process.Kill()
			<-done
		}
	}
}

// cpu returns utime+stime of pid in milliseconds.
func cpu(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) * 10 // USER_HZ = 100
}

func rss(pid int) float64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(l)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// measure samples the CPU of the daemons and clients over b.dur.
func (b *bench) measure(daemons []int, clients []*exec.Cmd) result {
	time.Sleep(b.settle)
	sum := func(pids []int) float64 {
		t := 0.0
		for _, p := range pids {
			t += cpu(p)
		}
		return t
	}
	var cp []int
	for _, c := range clients {
		cp = append(cp, c.Process.Pid)
	}
	d0, c0, t0 := sum(daemons), sum(cp), time.Now()
	time.Sleep(b.dur)
	secs := time.Since(t0).Seconds()
	r := result{daemon: (sum(daemons) - d0) / secs, clients: (sum(cp) - c0) / secs, underruns: -1}
	for _, p := range daemons {
		r.rssMB += rss(p)
	}
	return r
}

func (b *bench) run(sys string, n, latencyMs int) (result, error) {
	var p procs
	defer p.stop()
	switch sys {
	case "audioproxy":
		return b.runAudioproxy(&p, n, latencyMs)
	case "pulseaudio":
		pa, err := audioproxytest.StartPulse(filepath.Join(b.dir, "pa"))
		if err != nil {
			return result{}, err
		}
		defer pa.Close()
		var clients []*exec.Cmd
		for range n {
			c := pa.Command("pacat", fmt.Sprintf("--latency-msec=%d", latencyMs), "--raw", "--rate=48000", "--channels=2", "--format=s16le", b.raw)
			if err := p.start(c); err != nil {
				return result{}, err
			}
			clients = append(clients, c)
		}
		return b.measure([]int{pa.Pid()}, clients), nil
	case "pipewire":
		return b.runPipeWire(&p, n, latencyMs)
	}
	return result{}, fmt.Errorf("unknown system %q", sys)
}

// runAudioproxy: period = latency/b.split, ring = b.ring periods (by
// default b.split: the ring holds the latency), one write per period (or
// -write frames), by dpxplay (the C HAL shim's stream code) or the Go shim.
func (b *bench) runAudioproxy(p *procs, n, latencyMs int) (result, error) {
	run := filepath.Join(b.dir, "ap")
	os.RemoveAll(run)
	api := filepath.Join(run, "api.sock")
	d := exec.Command(b.audioproxyd, "--device", "null", "--runtime-dir", run, "--api-socket", api,
		"--containers", "c0,c1,c2,c3", "--max-streams", "32", "--period-ms", strconv.FormatFloat(float64(latencyMs)/float64(b.split), 'f', -1, 64),
		"--ring-periods", strconv.Itoa(b.ring))
	if b.realtime {
		d.Args = append(d.Args, "--realtime")
	}
	logPath := filepath.Join(b.dir, "audioproxyd.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return result{}, err
	}
	defer logf.Close()
	d.Stderr = logf
	d, err = p.startNice(d, b.nice)
	if err != nil {
		return result{}, err
	}
	hc := ctlhttp.NewClient(api)
	defer hc.CloseIdleConnections()
	var st wire.Status
	for i := 0; ctlhttp.Do(bgctx, hc, "GET", "/v1/status", nil, &st) != nil; i++ {
		if i > 200 {
			log, _ := os.ReadFile(logPath)
			return result{}, fmt.Errorf("audioproxyd did not start:\n%s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var clients []*exec.Cmd
	for i := range n {
		write := int(st.Device.Period)
		if b.write > 0 {
			write = b.write
		}
		sock := filepath.Join(run, fmt.Sprintf("c%d", i%4), "audio")
		c := exec.Command(b.self, "client", sock, b.raw, strconv.Itoa(write))
		if b.client == "c" {
			c = exec.Command(b.dpxplay, "-n", strconv.Itoa(write), sock, b.raw)
			if b.clientFIFO > 0 { // chrt execs dpxplay: same pid, every thread FIFO
				c = exec.Command("chrt", "-f", strconv.Itoa(b.clientFIFO), b.dpxplay, "-n", strconv.Itoa(write), sock, b.raw)
			}
		}
		c, err := p.startNice(c, b.nice)
		if err != nil {
			return result{}, err
		}
		clients = append(clients, c)
	}
	r := b.measure([]int{d.Process.Pid}, clients)
	// The figures count only if every client was streaming: a client that
	// could not open its stream (a refusal, a wrong socket) paces itself on
	// its own clock and would make audioproxy look cheaper than it is.
	if err := ctlhttp.Do(bgctx, hc, "GET", "/v1/status", nil, &st); err != nil {
		return result{}, fmt.Errorf("status after the run: %w", err)
	}
	open := 0
	r.underruns, r.late = 0, st.DeviceLate
	for _, c := range st.Containers {
		open += len(c.Streams)
		r.underruns += int(c.Underruns)
	}
	if open != n {
		log, _ := os.ReadFile(logPath)
		return result{}, fmt.Errorf("%d of %d streams open at the end of the run; audioproxyd's log ends:\n%s", open, n, log[max(0, len(log)-1500):])
	}
	return r, nil
}

// client plays a raw s16 stereo file through the shim in period-sized
// writes, looping, until killed.
func client(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: client SOCKET FILE PERIOD")
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	period, _ := strconv.Atoi(args[2])
	s, err := audioshim.Open(audioshim.Config{Path: args[0], Usage: wire.UsageMedia,
		Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}, PeriodHint: uint32(period)})
	if err != nil {
		return err
	}
	defer s.Close()
	chunk := period * 4
	for {
		for i := 0; i+chunk <= len(data); i += chunk {
			if _, err := s.Write(data[i : i+chunk]); err != nil {
				return err
			}
		}
	}
}

// writeTone writes secs seconds of a quiet 440 Hz stereo s16 tone as raw PCM
// and as WAV.
func writeTone(raw, wav string, secs float64) error {
	n := int(secs * 48000)
	b := make([]byte, n*4)
	for i := range n {
		v := uint16(int16(3000 * math.Sin(2*math.Pi*440*float64(i)/48000)))
		binary.LittleEndian.PutUint16(b[4*i:], v)
		binary.LittleEndian.PutUint16(b[4*i+2:], v)
	}
	if err := os.WriteFile(raw, b, 0o644); err != nil {
		return err
	}
	p := wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}
	return os.WriteFile(wav, append(sink.AppendWAVHeader(nil, p, uint32(len(b))), b...), 0o644)
}
