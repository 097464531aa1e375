package audioproxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/ctlhttp"
)

// startRun runs the daemon's Run on a null device in a temporary runtime
// directory and returns its config and an API client.
func startRun(t *testing.T) (Config, *http.Client) {
	t.Helper()
	dir := shortDir(t)
	cfg := DefaultConfig()
	cfg.RuntimeDir = dir
	cfg.APISocket = filepath.Join(dir, "audioproxyd.sock")
	cfg.Volumes = map[string]float32{"work": 0.5}
	cfg.RingPeriods = 16 // the test machine is shared and loaded
	return cfg, runInTest(t, cfg)
}

// runInTest runs audioproxyd's Run with cfg until the test ends (an error
// from it fails the test) and returns a client of its API once it answers.
func runInTest(t *testing.T, cfg Config) *http.Client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, discardLogger(t)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	c := ctlhttp.NewClient(cfg.APISocket)
	t.Cleanup(c.CloseIdleConnections)
	waitFor(t, "the API", func() bool {
		var st wire.Status
		return ctlhttp.Do(t.Context(), c, "GET", "/v1/status", nil, &st) == nil
	})
	return c
}

func TestRunServesAPI(t *testing.T) {
	cfg, c := startRun(t)
	ctx := t.Context()
	var st wire.Status
	if err := ctlhttp.Do(ctx, c, "GET", "/v1/status", nil, &st); err != nil {
		t.Fatal(err)
	}
	if st.Device.Rate != 48000 || st.Device.Period != 240 || len(st.Containers) != 2 || st.Containers[1].Volume != 0.5 {
		t.Fatalf("status %+v", st)
	}
	var cs wire.ContainerStatus
	if err := ctlhttp.Do(ctx, c, "PUT", "/v1/containers/personal/volume", wire.VolumeRequest{Volume: 0.25}, &cs); err != nil || cs.Volume != 0.25 {
		t.Fatalf("volume: %+v %v", cs, err)
	}
	if err := ctlhttp.Do(ctx, c, "PUT", "/v1/containers/personal/mute", wire.MuteRequest{Muted: true}, &cs); err != nil || !cs.Muted {
		t.Fatalf("mute: %+v %v", cs, err)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		code         int
	}{
		{"PUT", "/v1/containers/nobody/volume", wire.VolumeRequest{Volume: 1}, 404},
		{"PUT", "/v1/containers/work/volume", wire.VolumeRequest{Volume: 9}, 400},
		{"PUT", "/v1/containers/work/volume", map[string]any{"volume": 1, "extra": 2}, 400},
		{"PUT", "/v1/streams/999/volume", wire.VolumeRequest{Volume: 1}, 404},
		{"PUT", "/v1/streams/abc/volume", wire.VolumeRequest{Volume: 1}, 400},
		{"GET", "/v1/containers/work/record?seconds=-1", nil, 400},
	} {
		var se *ctlhttp.StatusError
		err := ctlhttp.Do(ctx, c, tc.method, tc.path, tc.body, nil)
		if !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("%s %s: %v, want HTTP %d", tc.method, tc.path, err, tc.code)
		}
	}

	// A stream, its per-stream volume and the metrics.
	s, err := audioshim.Open(audioshim.Config{Path: cfg.SocketPath("work"), Usage: wire.UsageMedia, Params: testDev.Params})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ss wire.StreamStatus
	if err := ctlhttp.Do(ctx, c, "PUT", "/v1/streams/1/volume", wire.VolumeRequest{Volume: 0.5}, &ss); err != nil || ss.Volume != 0.5 {
		t.Fatalf("stream volume: %+v %v", ss, err)
	}
	resp, err := c.Get("http://unix/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`audioproxy_streams{container="work"} 1`, "audioproxy_underruns_total", "audioproxy_frames_mixed_total", `audioproxy_stream_latency_seconds{container="work",stream="1"}`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestRecordContainer records what one container plays, over HTTP.
func TestRecordContainer(t *testing.T) {
	cfg, c := startRun(t)
	s, err := audioshim.Open(audioshim.Config{Path: cfg.SocketPath("work"), Usage: wire.UsageMedia, Params: testDev.Params})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		k := 0
		for {
			select {
			case <-stop:
				return
			default:
			}
			s.Write(tone(660, 0.4, 960, &k))
		}
	}()
	defer func() { close(stop); <-done }()
	resp, err := c.Get("http://unix/v1/containers/work/record?seconds=0.5")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p, data, err := sink.ReadWAV(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rate != 48000 || len(data) != 24000*4 {
		t.Fatalf("recorded %+v, %d bytes", p, len(data))
	}
	// The recording is before the container's volume (0.5): full level.
	samples := make([]int16, len(data)/2)
	for i := range samples {
		samples[i] = int16(uint16(data[2*i]) | uint16(data[2*i+1])<<8)
	}
	if l := audioproxytest.ToneLevel(samples[len(samples)/2:], 2, 48000, 660); math.Abs(l-0.4) > 0.03 {
		var st wire.Status
		ctlhttp.Do(t.Context(), c, "GET", "/v1/status", nil, &st)
		t.Fatalf("660 Hz level %.3f, want 0.4 (status %+v)", l, st)
	}
	// A second recorder on the same container is refused.
	var se *ctlhttp.StatusError
	first := make(chan error, 1)
	go func() {
		r, err := c.Get("http://unix/v1/containers/work/record?seconds=0.3")
		if err == nil {
			_, err = io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		first <- err
	}()
	waitFor(t, "the first recorder", func() bool { return recording(t, c, "work") })
	if err := ctlhttp.Do(t.Context(), c, "GET", "/v1/containers/work/record?seconds=1", nil, nil); !errors.As(err, &se) || se.Code != 409 {
		t.Fatalf("second recorder: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
}

func recording(t *testing.T, c *http.Client, name string) bool {
	var st wire.Status
	if err := ctlhttp.Do(t.Context(), c, "GET", "/v1/status", nil, &st); err != nil {
		return false
	}
	for _, cs := range st.Containers {
		if cs.Name == name {
			return cs.Recording
		}
	}
	return false
}

func TestConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audioproxyd.toml")
	os.WriteFile(path, []byte(`containers = ["a", "b"]
device = "wav:/tmp/x.wav"
period_ms = 10
format = "f32"
[volumes]
b = 0.5
`), 0o644)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := cfg.SinkConfig()
	if err != nil || sc.Period != 480 || sc.Format != wire.FormatF32 || cfg.Volumes["b"] != 0.5 || cfg.Rate != 48000 {
		t.Fatalf("%+v %+v %v", cfg, sc, err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("colour = 3\n"), 0o644)
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), "unknown keys") {
		t.Fatalf("unknown key: %v", err)
	}
	for _, tc := range []struct {
		name string
		mut  func(*Config)
	}{
		{"no containers", func(c *Config) { c.Containers = nil }},
		{"bad name", func(c *Config) { c.Containers = []string{"../etc"} }},
		{"repeated", func(c *Config) { c.Containers = []string{"a", "a"} }},
		{"volume for unknown", func(c *Config) { c.Volumes = map[string]float32{"zz": 1} }},
		{"volume NaN", func(c *Config) { c.Volumes = map[string]float32{"work": float32(math.NaN())} }},
		{"tone NaN", func(c *Config) { c.Capture = "tone:NaN" }},
		{"tone Inf", func(c *Config) { c.Capture = "tone:Inf" }},
		{"format", func(c *Config) { c.Format = "u8" }},
		{"period", func(c *Config) { c.PeriodMs = 0.001 }},
		{"huge period", func(c *Config) { c.PeriodMs = 500 }},
		{"ring", func(c *Config) { c.RingPeriods = 0 }},
		{"huge ring", func(c *Config) { c.RingPeriods = 65 }},
		{"limit", func(c *Config) { c.MaxStreams = 0 }},
	} {
		c := DefaultConfig()
		tc.mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	c := DefaultConfig()
	c.Device = "jack"
	if _, err := c.openSink(sink.Default); err == nil {
		t.Error("unknown device opened")
	}
}

// TestRecordDuration: a duration that is not a number is refused, not taken
// for "until hang-up"; one shorter than a frame records one frame, not an
// endless stream.
func TestRecordDuration(t *testing.T) {
	_, c := startRun(t)
	for _, q := range []string{"NaN", "nan", "-1", "+Inf", "86401", "ten"} {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		err := ctlhttp.Do(ctx, c, "GET", "/v1/containers/work/record?seconds="+q, nil, nil)
		cancel()
		var se *ctlhttp.StatusError
		if !errors.As(err, &se) || se.Code != http.StatusBadRequest {
			t.Errorf("seconds=%s: %v, want 400", q, err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://unix/v1/containers/work/record?seconds=0.00001", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p, data, err := sink.ReadWAV(resp.Body)
	if err != nil || p.Rate != 48000 || len(data) != 4 {
		t.Fatalf("a 10 µs recording: %+v, %d bytes, %v; want one frame", p, len(data), err)
	}
}
