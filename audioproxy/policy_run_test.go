package audioproxy

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	cwire "droidplex/container/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/unixsock"
)

func TestToneSourceDeliversTheTone(t *testing.T) {
	c := sink.Config{Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}, Period: 240}
	src, err := NewToneSource(c, 440)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []int16, 100)
	if err := src.Start(func(in []byte, frames int) {
		select {
		case got <- append([]int16(nil), mix.S16(in[:frames*4])...):
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	var all []int16
	for len(all) < 48000 { // half a second of stereo
		all = append(all, <-got...)
	}
	if err := src.Stop(); err != nil {
		t.Fatal(err)
	}
	src.Close()
	if l := audioproxytest.ToneLevel(all, 2, 48000, 440); math.Abs(l-0.5) > 0.02 {
		t.Fatalf("tone level %.3f, want 0.5", l)
	}
	for _, f := range []float64{30000, math.NaN(), math.Inf(1)} {
		if _, err := NewToneSource(c, f); err == nil {
			t.Fatalf("a tone of %v Hz was accepted", f)
		}
	}
}

func TestSourceOpener(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opener bool
		err    bool
	}{{"none", false, false}, {"", false, false}, {"tone:440", true, false}, {"tone:", false, true},
		{"tone:-3", false, true}, {"alsa", false, true}, {"pulse", true, false}, {"pulse:nullsink.monitor", true, false}} {
		o, err := sourceOpener(tc.name, nil)
		if (o != nil) != tc.opener || (err != nil) != tc.err {
			t.Errorf("%q: opener %v err %v", tc.name, o != nil, err)
		}
	}
	real := func(string, sink.Config) (Source, error) { return nil, errors.New("no device") }
	if o, err := sourceOpener("alsa", real); o == nil || err != nil {
		t.Errorf("a daemon-provided device was refused: %v", err)
	}
}

// readLevel reads about half a second from an input stream and returns
// the level of the 440 Hz tone in its second half and its peak.
func readLevel(t *testing.T, s *audioshim.Stream) (level float64, peak int16) {
	t.Helper()
	buf := make([]byte, 960*4)
	var all []int16
	for range 25 {
		n, err := s.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, mix.S16(buf[:n])...)
	}
	tail := all[len(all)/2:]
	for _, v := range tail {
		peak = max(peak, v, -v)
	}
	return audioproxytest.ToneLevel(tail, 2, 48000, 440), peak
}

// startPolicyRun runs the daemon with a tone as its microphone and the
// droidplexd at dpxPath as its control plane, and returns its config and an
// API client; both end with the test.
func startPolicyRun(t *testing.T, dpxPath string) (Config, *http.Client) {
	t.Helper()
	dir := shortDir(t)
	cfg := DefaultConfig()
	cfg.RuntimeDir, cfg.APISocket = dir, filepath.Join(dir, "audioproxyd.sock")
	cfg.Droidplexd, cfg.Capture = dpxPath, "tone:440"
	cfg.RingPeriods = 16
	api := runInTest(t, cfg)
	waitFor(t, "the policy", func() bool { return policyStatus(t, api).Route != "" })
	return cfg, api
}

func policyStatus(t *testing.T, api *http.Client) wire.PolicyStatus {
	var st wire.PolicyStatus
	if err := ctlhttp.Do(t.Context(), api, "GET", "/v1/policy", nil, &st); err != nil {
		t.Logf("policy status: %v", err)
	}
	return st
}

// TestRunGivesTheMicrophoneByPolicy runs the daemon with a tone as its
// microphone and droidplexd as its control plane: the foreground
// container's capture stream hears the tone and the background's hears
// silence; during the background container's call it is the other way
// round; the device is open only while somebody may hear it.
func TestRunGivesTheMicrophoneByPolicy(t *testing.T) {
	dpx, _, dpxPath := startDroidplexdAt(t)
	cfg, api := startPolicyRun(t, dpxPath)
	status := func() wire.PolicyStatus { return policyStatus(t, api) }
	if st := status(); st.Capture || st.Opened != 0 {
		t.Fatalf("capture device open with no stream: %+v", st)
	}
	bg := context.Background()
	if err := dpx.SetForeground(bg, "personal"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the foreground", func() bool { return status().Foreground == "personal" })

	open := func(name string) *audioshim.Stream {
		s, err := audioshim.Open(audioshim.Config{Path: cfg.SocketPath(name), Dir: wire.Input, Usage: wire.UsageVoice,
			Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	work := open("work")
	if st := status(); st.Capture {
		t.Fatalf("the background's recording opened the capture device: %+v", st)
	}
	personal := open("personal")
	waitFor(t, "the capture device", func() bool { return status().Capture })
	// The tone is at 0.5. The tone source and the device are two clocks; on
	// a loaded machine (or under -race) the capture side drops periods, so
	// "hears it" means the tone is clearly there, and "hears nothing" means
	// not one sample above zero.
	if l, _ := readLevel(t, personal); l < 0.1 || l > 0.55 {
		t.Errorf("foreground hears the microphone at %.3f, want 0.5", l)
	}
	if _, peak := readLevel(t, work); peak != 0 {
		t.Errorf("background heard something (peak %d)", peak)
	}

	ev := cwire.Event{Type: cwire.EventCallState, CallState: &cwire.CallState{Container: "work", Index: 1, State: cwire.CallActive, Direction: "mo"}}
	if _, err := dpx.Publish(bg, ev); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the call", func() bool { st := status(); return st.Owner == "work" && st.Mode == "in-call" })
	if st := status(); st.Route != "earpiece" {
		t.Errorf("route during the call %q", st.Route)
	}
	if l, _ := readLevel(t, work); l < 0.1 || l > 0.55 {
		t.Errorf("the caller hears the microphone at %.3f, want 0.5", l)
	}
	if _, peak := readLevel(t, personal); peak != 0 {
		t.Errorf("the foreground heard the caller's microphone (peak %d)", peak)
	}

	var st wire.PolicyStatus
	if err := ctlhttp.Do(t.Context(), api, "PUT", "/v1/accessories", wire.AccessoriesRequest{Headset: true}, &st); err != nil || st.Route != "headset" {
		t.Errorf("headset: %+v %v", st, err)
	}
	for _, tc := range []struct {
		path, route string
		code        int
	}{{"/v1/containers/nobody/route", "speaker", http.StatusNotFound}, {"/v1/containers/work/route", "loud", http.StatusBadRequest}} {
		var se *ctlhttp.StatusError
		if err := ctlhttp.Do(t.Context(), api, "PUT", tc.path, wire.RouteRequest{Route: tc.route}, nil); !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("PUT %s %q: %v, want HTTP %d", tc.path, tc.route, err, tc.code)
		}
	}

	work.Close()
	personal.Close()
	waitFor(t, "the capture device to close", func() bool { st := status(); return !st.Capture && len(st.Streams) == 0 })
	if st := status(); st.Opened != 1 {
		t.Errorf("capture device opened %d times, want 1", st.Opened)
	}
}

// TestShimRouteMessage opens a stream the way a shim does, sends the route
// Android asked for (wire.Route) on its connection and checks that the
// policy follows; a malformed message after Open ends the stream.
func TestShimRouteMessage(t *testing.T) {
	_, _, dpxPath := startDroidplexdAt(t)
	cfg, api := startPolicyRun(t, dpxPath)
	conn, err := unixsock.Dial(unixsock.SeqPacket, cfg.SocketPath("personal"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	open := wire.Open{Dir: wire.Output, Usage: wire.UsageMedia, Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}}
	if _, err := conn.Write(wire.AppendOpen(nil, open)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, wire.MaxMsgSize)
	n, files, err := unixsock.RecvFds(conn, buf, 2)
	for _, f := range files {
		f.Close()
	}
	if _, derr := wire.DecodeReply(buf[:n]); err != nil || derr != nil {
		t.Fatalf("open: %v %v", err, derr)
	}
	if _, err := conn.Write(wire.AppendRoute(nil, wire.Route{Devices: 0x1})); err != nil { // earpiece
		t.Fatal(err)
	}
	waitFor(t, "the route", func() bool { return policyStatus(t, api).Requested["personal"] == "earpiece" })
	if _, err := conn.Write([]byte{wire.OpRoute, 0, 0}); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := unixsock.RecvFds(conn, buf, 0); !errors.Is(err, io.EOF) {
		t.Fatalf("after a malformed message: %v, want the server to hang up", err)
	}
	if st := policyStatus(t, api); st.Requested["personal"] != "earpiece" {
		t.Errorf("requested routes %v", st.Requested)
	}
}

// TestConfiguredForegroundWithoutDroidplexd: with no control plane the
// configured foreground has the microphone; an unknown one is refused.
func TestConfiguredForegroundWithoutDroidplexd(t *testing.T) {
	dir := shortDir(t)
	cfg := DefaultConfig()
	cfg.RuntimeDir, cfg.APISocket = dir, filepath.Join(dir, "audioproxyd.sock")
	cfg.Droidplexd, cfg.Capture, cfg.Foreground = "none", "tone:440", "nobody"
	if err := cfg.Validate(); err == nil {
		t.Fatal("an unknown foreground was accepted")
	}
	cfg.Foreground = "work"
	cfg.RingPeriods = 16
	api := runInTest(t, cfg)
	waitFor(t, "the policy", func() bool { return policyStatus(t, api).Foreground == "work" })
	s, err := audioshim.Open(audioshim.Config{Path: cfg.SocketPath("work"), Dir: wire.Input, Usage: wire.UsageMedia,
		Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if l, _ := readLevel(t, s); l < 0.1 {
		t.Errorf("the configured foreground hears the microphone at %.3f", l)
	}
}
