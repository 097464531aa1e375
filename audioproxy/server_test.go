package audioproxy

import (
	"cmp"
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/linux"
	"droidplex/internal/unixsock"
)

type testServer struct {
	eng   *Engine
	srv   *Server
	sock  map[string]string
	dir   string
	route func(container string, devices uint32)
	ring  int // periods per ring; 0: 16
}

// startServer runs an engine on a paced null sink with a server listening
// for containers "personal" and "work".
func startServer(t *testing.T, limit int) *testServer {
	t.Helper()
	return startServerRoute(t, limit, nil)
}

// startServerRoute is startServer with a server that hands the routes shims
// send (wire.Route) to route, as Run's does; nil ends a stream that sends one.
func startServerRoute(t *testing.T, limit int, route func(container string, devices uint32)) *testServer {
	t.Helper()
	return startServerRing(t, limit, route, 16)
}

// startServerRing is startServerRoute with rings of the given periods.
func startServerRing(t *testing.T, limit int, route func(container string, devices uint32), ring int) *testServer {
	t.Helper()
	eng := newTestEngine(t, limit)
	snk, err := sink.NewNull(sink.Config{Params: testDev.Params, Period: testDev.Period})
	if err != nil {
		t.Fatal(err)
	}
	if err := snk.Start(eng.Process); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{eng: eng, dir: shortDir(t), sock: map[string]string{}, route: route, ring: ring}
	ts.listen(t)
	t.Cleanup(func() {
		ts.srv.Close()
		snk.Close()
	})
	return ts
}

func shortDir(t *testing.T) string {
	d, err := os.MkdirTemp("/tmp", "dpx-audio-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func (ts *testServer) listen(t *testing.T) {
	t.Helper()
	// 16 periods (80 ms) of ring unless a test asks for another: the test
	// machine is shared and loaded.
	ts.srv = NewServer(ts.eng, cmp.Or(ts.ring, 16), discardLogger(t))
	ts.srv.route = ts.route
	for _, c := range []string{"personal", "work"} {
		p := filepath.Join(ts.dir, c+".sock")
		if err := ts.srv.Listen(c, p, unixsock.ListenOptions{UID: -1, GID: -1}); err != nil {
			t.Fatal(err)
		}
		ts.sock[c] = p
	}
}

func (ts *testServer) open(t *testing.T, c string) (*audioshim.Stream, error) {
	return audioshim.Open(audioshim.Config{Path: ts.sock[c], Usage: wire.UsageMedia, Params: testDev.Params, PeriodHint: 240})
}

// tone returns n frames of a stereo s16 sine continuing from frame *k.
func tone(freq, amp float64, n int, k *int) []byte {
	b := make([]byte, n*4)
	for i := range n {
		v := int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(*k)/48000))
		*k++
		for c := range 2 {
			b[4*i+2*c], b[4*i+2*c+1] = byte(v), byte(uint16(v)>>8)
		}
	}
	return b
}

// waitFor polls cond until it holds (the test's own deadline bounds it).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if t.Context().Err() != nil {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStreamPlaysThroughServer(t *testing.T) {
	ts := startServer(t, 4)
	st, err := ts.open(t, "personal")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := ts.eng.Container("personal")
	rec := NewRecorder(48000 * 2)
	c.StartRecording(rec)
	k := 0
	for range 25 { // 0.5 s in 20 ms writes, as AudioFlinger would
		if _, err := st.Write(tone(440, 0.5, 960, &k)); err != nil {
			t.Fatal(err)
		}
	}
	st.Standby()
	c.StopRecording(rec)
	got := make([]int16, 48000*2)
	n := rec.Read(got)
	if l := audioproxytest.ToneLevel(got[n/4:n], 2, 48000, 440); math.Abs(l-0.5) > 0.03 {
		t.Fatalf("recorded 440 Hz level %.3f, want 0.5", l)
	}
	pos, ns := st.PresentationPosition()
	if pos == 0 || ns == 0 || int(pos) > k {
		t.Fatalf("presentation position %d at %d after %d frames", pos, ns, k)
	}
	s := ts.eng.Streams(c)
	if len(s) != 1 || s[0].Underruns() != 0 {
		t.Fatalf("streams %d, underruns %d", len(s), s[0].Underruns())
	}
	st.Close()
	waitFor(t, "the stream to be freed", func() bool { return len(ts.eng.Streams(nil)) == 0 })
}

func TestRingIsSealed(t *testing.T) {
	ts := startServer(t, 4)
	conn, mf, ef := rawOpen(t, ts.sock["work"])
	defer conn.Close()
	defer mf.Close()
	defer ef.Close()
	seals, err := linux.Seals(mf)
	if err != nil {
		t.Fatal(err)
	}
	want := unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_SEAL
	if seals&want != want {
		t.Fatalf("seals %#x, want %#x", seals, want)
	}
	if err := linux.Ftruncate(mf, 0); err == nil {
		t.Fatal("a client could shrink the ring")
	}
}

// rawOpen opens a stream by hand, returning the connection and descriptors.
func rawOpen(t *testing.T, path string) (*net.UnixConn, *os.File, *os.File) {
	t.Helper()
	conn, files, err := requestStream(t, path)
	if err != nil || len(files) != 2 {
		t.Fatalf("reply: %v, %d fds", err, len(files))
	}
	return conn, files[0], files[1]
}

// requestStream asks the socket at path for an output stream in the test
// device's format and returns the connection, the descriptors the reply
// carried and the server's refusal, if it refused.
func requestStream(t *testing.T, path string) (*net.UnixConn, []*os.File, error) {
	t.Helper()
	conn, err := unixsock.Dial(unixsock.SeqPacket, path)
	if err != nil {
		t.Fatal(err)
	}
	req := wire.Open{Dir: wire.Output, Usage: wire.UsageMedia, Params: testDev.Params}
	if _, err := conn.Write(wire.AppendOpen(nil, req)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, wire.MaxMsgSize)
	n, files, err := unixsock.RecvFds(conn, buf, 2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = wire.DecodeReply(buf[:n])
	return conn, files, err
}

func TestStreamLimitRefusedWithClearError(t *testing.T) {
	ts := startServer(t, 2)
	var open []*audioshim.Stream
	defer func() {
		for _, s := range open {
			s.Close()
		}
	}()
	for range 2 {
		s, err := ts.open(t, "personal")
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, s)
	}
	for range 20 { // a client opening streams without end keeps being refused
		_, err := ts.open(t, "personal")
		if !errors.Is(err, wire.ErrLimit) || !strings.Contains(err.Error(), "limit 2") {
			t.Fatalf("err = %v", err)
		}
	}
	s, err := ts.open(t, "work")
	if err != nil {
		t.Fatalf("other container refused: %v", err)
	}
	s.Close()
}

// TestShimSurvivesServerRestart: writes keep their pace while the server is
// down, the stream reconnects, and the position never goes backwards.
func TestShimSurvivesServerRestart(t *testing.T) {
	ts := startServer(t, 4)
	st, err := ts.open(t, "personal")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k := 0
	for range 5 {
		st.Write(tone(440, 0.5, 960, &k))
	}
	before, _ := st.PresentationPosition()
	ts.srv.Close()
	for range 10 { // 200 ms with no server
		if n, err := st.Write(tone(440, 0.5, 960, &k)); err != nil || n != 960*4 {
			t.Fatalf("write while down: %d, %v", n, err)
		}
	}
	if st.Connected() {
		t.Fatal("still connected to a closed server")
	}
	mid, _ := st.PresentationPosition()
	if mid < before {
		t.Fatalf("position went back: %d → %d", before, mid)
	}
	ts.listen(t)
	waitFor(t, "reconnection", func() bool {
		st.Write(tone(440, 0.5, 960, &k))
		return st.Connected()
	})
	after, _ := st.PresentationPosition()
	if after < mid || st.Reconnects() != 1 {
		t.Fatalf("position %d after %d, reconnects %d", after, mid, st.Reconnects())
	}
}

func TestInputStreamReadsSilence(t *testing.T) {
	ts := startServer(t, 4)
	st, err := audioshim.Open(audioshim.Config{Path: ts.sock["work"], Dir: wire.Input, Usage: wire.UsageVoice, Params: testDev.Params})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	buf := make([]byte, 480*4)
	for i := range buf {
		buf[i] = 0x55
	}
	if n, err := st.Read(buf); err != nil || n != len(buf) {
		t.Fatalf("read %d, %v", n, err)
	}
	for _, b := range buf {
		if b != 0 {
			t.Fatal("input stream delivered non-silence")
		}
	}
}
