package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/audioproxy"
	"droidplex/audioproxy/sink"
	"droidplex/internal/testutil"
)

// TestAudioCommands runs audioproxyd's Run in-process on the null device
// and drives it with `droidplex audio ...`, including a tone played through
// the Go shim while the container is recorded.
func TestAudioCommands(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	cfg := audioproxy.DefaultConfig()
	cfg.RuntimeDir = dir
	cfg.APISocket = filepath.Join(dir, "audioproxyd.sock")
	cfg.Droidplexd = "none"
	cfg.RingPeriods = 16 // a shared, loaded test machine
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	daemon(t, ctx, func(ctx context.Context) error { return audioproxy.Run(ctx, cfg, testutil.Logger(t)) })
	run := cli(ctx, newAudioCmd, cfg.APISocket)
	waitUntil(t, ctx, "audioproxyd's API coming up", func() bool { _, err := run("status"); return err == nil })
	wav := filepath.Join(dir, "personal.wav")
	tests := []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{[]string{"status"}, "device null: 48000 Hz, 2 ch, s16, 240-frame period", false},
		{[]string{"volume", "work", "0.5"}, "work volume 0.50", false},
		{[]string{"volume", "work", "loud"}, "volume \"loud\"", true},
		{[]string{"volume", "work", "9"}, "between 0 and 4", true},
		{[]string{"volume", "nobody", "1"}, "no container \"nobody\"", true},
		{[]string{"mute", "work"}, "work muted true", false},
		{[]string{"mute", "work", "off"}, "work muted false", false},
		{[]string{"mute", "work", "maybe"}, "want on or off", true},
		{[]string{"status"}, "work         volume 0.50, 0 streams", false},
		{[]string{"play-tone", "nobody", "--runtime-dir", dir, "--duration", "100ms"}, "nobody/audio", true},
		{[]string{"record", "nobody", wav, "--duration", "100ms"}, "HTTP 404", true},
	}
	for _, tc := range tests {
		out, err := run(tc.args...)
		got := out
		if err != nil {
			got = err.Error()
		}
		if (err != nil) != tc.wantErr || !strings.Contains(got, tc.want) {
			t.Errorf("droidplex audio %s: %q (err %v), want %q", strings.Join(tc.args, " "), out, err, tc.want)
		}
	}

	// Record personal while a tone plays into it through the Go shim.
	toneDone := make(chan string, 1)
	go func() {
		out, err := run("play-tone", "personal", "--runtime-dir", dir, "--duration", "1s", "--freq", "660")
		if err != nil {
			out = err.Error()
		}
		toneDone <- out
	}()
	for {
		out, _ := run("status")
		if strings.Contains(out, "personal     volume 1.00, 1 streams") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	out, err := run("record", "personal", wav, "--duration", "300ms")
	if err != nil || !strings.Contains(out, "57600 bytes of audio from personal") {
		t.Fatalf("record: %q %v", out, err)
	}
	if out := <-toneDone; !strings.Contains(out, "of 660 Hz into personal") {
		t.Fatalf("play-tone: %q", out)
	}
	f, err := os.Open(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, data, err := sink.ReadWAV(f)
	if err != nil || p.Rate != 48000 || len(data) != 57600 {
		t.Fatalf("recording: %+v, %d bytes, %v", p, len(data), err)
	}
	silent := true
	for _, b := range data {
		if b != 0 {
			silent = false
			break
		}
	}
	if silent {
		t.Fatal("the recording is silent")
	}
}
