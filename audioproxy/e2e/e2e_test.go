package e2e

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"droidplex/audioproxy"
	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/sink/malgosink"
	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
)

// TestMain doubles as the tone client: with DPX_E2E_TONE=socket,freq,amp,seconds
// in the environment the test binary plays a tone and exits, so tests can
// run clients as real processes and SIGKILL them.
func TestMain(m *testing.M) {
	if spec := os.Getenv("DPX_E2E_TONE"); spec != "" {
		if err := playTone(spec); err != nil {
			fmt.Fprintln(os.Stderr, "tone client:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	testutil.Main(m)
}

var params = wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}

func playTone(spec string) error {
	f := strings.Split(spec, ",")
	if len(f) != 4 {
		return errors.New("bad DPX_E2E_TONE")
	}
	freq, _ := strconv.ParseFloat(f[1], 64)
	amp, _ := strconv.ParseFloat(f[2], 64)
	secs, _ := strconv.ParseFloat(f[3], 64)
	s, err := audioshim.Open(audioshim.Config{Path: f[0], Usage: wire.UsageMedia, Params: params, PeriodHint: 960})
	if err != nil {
		return err
	}
	defer s.Close()
	buf := make([]byte, 960*4)
	for k := 0; float64(k) < secs*48000; {
		for i := range 960 {
			v := int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(k)/48000))
			k++
			binary.LittleEndian.PutUint16(buf[4*i:], uint16(v))
			binary.LittleEndian.PutUint16(buf[4*i+2:], uint16(v))
		}
		if _, err := s.Write(buf); err != nil {
			return err
		}
	}
	s.Standby()
	return nil
}

type rig struct {
	pulse *audioproxytest.Pulse
	cfg   audioproxy.Config
	api   *ctlhttpClient
	dir   string
}

type ctlhttpClient struct {
	t   *testing.T
	cfg audioproxy.Config
}

func (c *ctlhttpClient) status() wire.Status {
	c.t.Helper()
	var st wire.Status
	if err := ctlhttp.Do(c.t.Context(), ctlhttp.NewClient(c.cfg.APISocket), "GET", "/v1/status", nil, &st); err != nil {
		c.t.Fatal(err)
	}
	return st
}

// startRig starts PulseAudio, records its monitor to rec.wav and runs
// audioproxyd's Run with the malgo PulseAudio device.
func startRig(t *testing.T, maxStreams int) (*rig, func() []int16) {
	testutil.RequireCmd(t, "pulseaudio", "pactl", "parec")
	dir, err := os.MkdirTemp("/tmp", "dpx-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pa, err := audioproxytest.StartPulse(filepath.Join(dir, "pa"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pa.Close() })
	t.Setenv("PULSE_SERVER", pa.Server)
	wav := filepath.Join(dir, "rec.wav")
	stopRec, err := pa.Record(wav) // first: see audioproxytest.Pulse.Record
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the monitor stream attach before playback starts

	cfg := audioproxy.DefaultConfig()
	cfg.RuntimeDir = filepath.Join(dir, "run")
	cfg.APISocket = filepath.Join(dir, "api.sock")
	cfg.Device = "pulseaudio"
	cfg.MaxStreams = maxStreams
	cfg.RingPeriods = 32 // 160 ms: the device is PulseAudio, whose callbacks come in bursts, on a shared machine
	cfg.OpenDevice = func(name string, c sink.Config) (sink.Sink, error) {
		return malgosink.New(name, c, malgosink.Options{StreamName: "audioproxy-e2e"})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- audioproxy.Run(ctx, cfg, testutil.Logger(t)) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		}
	}
	t.Cleanup(stop)
	r := &rig{pulse: pa, cfg: cfg, dir: dir, api: &ctlhttpClient{t: t, cfg: cfg}}
	for {
		var st wire.Status
		if ctlhttp.Do(t.Context(), ctlhttp.NewClient(cfg.APISocket), "GET", "/v1/status", nil, &st) == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Run: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	recStopped := false
	t.Cleanup(func() {
		if !recStopped {
			stopRec()
		}
	})
	finish := func() []int16 {
		stop()
		recStopped = true
		if err := stopRec(); err != nil {
			t.Fatal(err)
		}
		if keep := os.Getenv("DPX_E2E_KEEP"); keep != "" {
			b, _ := os.ReadFile(wav)
			os.WriteFile(filepath.Join(keep, t.Name()+".wav"), b, 0o644)
		}
		f, err := os.Open(wav)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		p, data, err := sink.ReadWAV(f)
		if err != nil || p != params {
			t.Fatalf("recording: %+v %v", p, err)
		}
		s := make([]int16, len(data)/2)
		for i := range s {
			s[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
		return s
	}
	return r, finish
}

// client starts a tone client process in container c.
func (r *rig) client(t *testing.T, c string, freq, amp, secs float64) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Audio clients run at raised priority, as Android's audioserver does;
	// on a loaded machine a normal-priority client can be starved for
	// longer than its ring lasts, and that would be its own underrun, not
	// the server's. (nice -10 is not real-time: it cannot starve the box.)
	cmd := exec.Command(exe)
	if os.Geteuid() == 0 {
		cmd = exec.Command("nice", "-n", "-10", exe)
	}
	cmd.Env = append(os.Environ(), fmt.Sprintf("DPX_E2E_TONE=%s,%g,%g,%g", r.cfg.SocketPath(c), freq, amp, secs))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// active returns the part of the recording where the signal is present.
func active(s []int16) []int16 {
	first, last := -1, -1
	for i, v := range s {
		if v > 300 || v < -300 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return s[first-first%2 : last-last%2]
}

func waitStreams(t *testing.T, r *rig, want int) {
	t.Helper()
	for {
		n := 0
		for _, c := range r.api.status().Containers {
			n += len(c.Streams)
		}
		if n == want {
			return
		}
		if t.Context().Err() != nil {
			t.Fatalf("never saw %d streams", want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sleepMs(n int) { time.Sleep(time.Duration(n) * time.Millisecond) }

// record fetches secs seconds of what container c plays through the API.
func (r *rig) record(t *testing.T, c string, secs float64) []int16 {
	resp, err := ctlhttp.NewClient(r.cfg.APISocket).Get(fmt.Sprintf("http://unix/v1/containers/%s/record?seconds=%g", c, secs))
	if err != nil {
		t.Error(err)
		return nil
	}
	defer resp.Body.Close()
	_, data, err := sink.ReadWAV(resp.Body)
	if err != nil {
		t.Error(err)
		return nil
	}
	s := make([]int16, len(data)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	return s
}
