package audioproxy

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/testutil"
)

// parecRunning reports whether a parec process is a child of this process.
func parecRunning() bool {
	out, err := exec.Command("pgrep", "-P", strconv.Itoa(os.Getpid()), "-x", "parec").Output()
	return err == nil && len(out) > 0
}

// TestPulseMicrophone uses a real sound server as the microphone: a private
// PulseAudio whose null sink plays a 440 Hz tone, captured from its monitor.
// parec (the capture device) runs only while the foreground container has
// a capture stream; the background container's stream hears silence.
func TestPulseMicrophone(t *testing.T) {
	testutil.RequireCmd(t, "pulseaudio", "pactl", "pacat", "parec", "pgrep")
	dir := shortDir(t)
	pa, err := audioproxytest.StartPulse(filepath.Join(dir, "pa"))
	if err != nil {
		t.Fatal(err)
	}
	defer pa.Close()
	for _, kv := range pa.Env()[len(os.Environ()):] { // parec, started by the daemon, finds this server
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	// 20 s of tone into the null sink, at low latency so it does not idle in 2 s blocks.
	raw := filepath.Join(dir, "tone.raw")
	tone := make([]byte, 48000*4*20)
	for i := range len(tone) / 2 {
		binary.LittleEndian.PutUint16(tone[2*i:], uint16(int16(16383*math.Sin(2*math.Pi*440*float64(i/2)/48000))))
	}
	if err := os.WriteFile(raw, tone, 0o644); err != nil {
		t.Fatal(err)
	}
	play := pa.Command("pacat", "--raw", "--format=s16le", "--rate=48000", "--channels=2", "--latency-msec=20", "-d", "nullsink", raw)
	if err := play.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { play.Process.Kill(); play.Wait() }()

	cfg := DefaultConfig()
	cfg.RuntimeDir, cfg.APISocket = dir, filepath.Join(dir, "audioproxyd.sock")
	cfg.Droidplexd, cfg.Capture, cfg.Foreground = "none", "pulse:nullsink.monitor", "work"
	cfg.RingPeriods = 16
	api := runInTest(t, cfg)
	waitFor(t, "the policy", func() bool { return policyStatus(t, api).Foreground == "work" })
	open := func(name string) *audioshim.Stream {
		s, err := audioshim.Open(audioshim.Config{Path: cfg.SocketPath(name), Dir: wire.Input, Usage: wire.UsageMedia,
			Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bg := open("personal")
	if parecRunning() || policyStatus(t, api).Capture {
		t.Fatal("the background's capture stream opened the microphone")
	}
	fg := open("work")
	waitFor(t, "parec", func() bool { return parecRunning() })
	for range 4 { // the first reads can predate the sound server's first data
		if l, _ := readLevel(t, fg); l > 0.1 {
			break
		}
	}
	if l, _ := readLevel(t, fg); l < 0.1 {
		t.Errorf("the foreground hears the sound server's tone at %.3f", l)
	}
	if _, peak := readLevel(t, bg); peak != 0 {
		t.Errorf("the background heard something (peak %d)", peak)
	}
	fg.Close()
	waitFor(t, "parec to end", func() bool { return !parecRunning() && !policyStatus(t, api).Capture })
	bg.Close()
}
