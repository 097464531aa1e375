package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"droidplex/audioproxy"
	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/sink/malgosink"
	"droidplex/audioproxy/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
)

// TestSoundComesBackWithPulseAudio: the PulseAudio server audioproxyd plays
// to is killed, which miniaudio does not report (its callbacks just stop),
// and a new one is started at the same address. audioproxyd reopens the
// device and the mix goes on without a restart of the daemon.
func TestSoundComesBackWithPulseAudio(t *testing.T) {
	testutil.RequireCmd(t, "pulseaudio", "pactl")
	dir, err := os.MkdirTemp("/tmp", "dpx-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	paDir := filepath.Join(dir, "pa")
	pa, err := audioproxytest.StartPulse(paDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pa.Close() })
	t.Setenv("PULSE_SERVER", pa.Server)

	cfg := audioproxy.DefaultConfig()
	cfg.RuntimeDir = filepath.Join(dir, "run")
	cfg.APISocket = filepath.Join(dir, "api.sock")
	cfg.Device = "pulseaudio"
	cfg.DeviceStall = time.Second
	cfg.OpenDevice = func(name string, c sink.Config) (sink.Sink, error) {
		return malgosink.New(name, c, malgosink.Options{StreamName: "audioproxy-e2e"})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- audioproxy.Run(ctx, cfg, testutil.Logger(t)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	api := ctlhttp.NewClient(cfg.APISocket)
	defer api.CloseIdleConnections()
	callbacks := func() uint64 {
		var st wire.Status
		if ctlhttp.Do(t.Context(), api, "GET", "/v1/status", nil, &st) != nil {
			return 0
		}
		return st.Callbacks
	}
	// waitAbove waits (20 s at most: a hang guard) for the callback count
	// to pass n, and returns it.
	waitAbove := func(what string, n uint64) uint64 {
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if c := callbacks(); c > n {
				return c
			}
			if time.Now().After(deadline) {
				t.Fatalf("no device callbacks %s", what)
			}
		}
	}
	waitAbove("from the first PulseAudio", 50)

	pa.Close() // SIGTERM; the device's callbacks stop
	os.Remove(filepath.Join(paDir, "run", "native"))
	var still uint64
	for prev := callbacks(); ; prev = still {
		time.Sleep(300 * time.Millisecond)
		if still = callbacks(); still == prev {
			break
		}
	}
	pa2, err := audioproxytest.StartPulse(paDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pa2.Close() })
	waitAbove("after PulseAudio came back", still+50)
}
