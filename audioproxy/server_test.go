package audioproxy

import (
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
	eng  *Engine
	srv  *Server
	sock map[string]string
	dir  string
}

// startServer runs an engine on a paced null sink with a server listening
// for containers "personal" and "work".
func startServer(t *testing.T, limit int) *testServer {
	t.Helper()
	eng := newTestEngine(t, limit)
	snk, err := sink.NewNull(sink.Config{Params: testDev.Params, Period: testDev.Period})
	if err != nil {
		t.Fatal(err)
	}
	if err := snk.Start(eng.Process); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{eng: eng, dir: shortDir(t), sock: map[string]string{}}
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
	// 16 periods (80 ms) of ring: the test machine is shared and loaded.
	ts.srv = NewServer(ts.eng, 16, discardLogger(t))
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
	if _, err := wire.DecodeReply(buf[:n]); err != nil || len(files) != 2 {
		t.Fatalf("reply: %v, %d fds", err, len(files))
	}
	return conn, files[0], files[1]
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

func TestBadRequests(t *testing.T) {
	ts := startServer(t, 2)
	_, err := audioshim.Open(audioshim.Config{Path: ts.sock["work"], Usage: wire.UsageMedia,
		Params: wire.Params{Rate: 44100, Channels: 2, Format: wire.FormatS16}})
	if !errors.Is(err, wire.ErrUnsupported) || !strings.Contains(err.Error(), "48000 Hz") {
		t.Fatalf("wrong format: %v", err)
	}
	for _, tc := range []struct {
		name string
		msg  []byte
		fds  bool
	}{
		{"garbage", []byte("hello"), false},
		{"oversized", make([]byte, 4096), false},
		{"bad usage", wire.AppendOpen(nil, wire.Open{Dir: wire.Output, Params: testDev.Params}), false},
		{"descriptors attached", wire.AppendOpen(nil, wire.Open{Dir: wire.Output, Usage: 1, Params: testDev.Params}), true},
	} {
		conn, err := unixsock.Dial(unixsock.SeqPacket, ts.sock["work"])
		if err != nil {
			t.Fatal(err)
		}
		if tc.fds {
			err = unixsock.SendFds(conn, tc.msg, os.Stdin, os.Stdout)
		} else {
			_, err = conn.Write(tc.msg)
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		buf := make([]byte, wire.MaxMsgSize)
		n, files, _ := unixsock.RecvFds(conn, buf, 2)
		if len(files) != 0 {
			t.Fatalf("%s: got descriptors", tc.name)
		}
		if n > 0 {
			if _, err := wire.DecodeReply(buf[:n]); err == nil {
				t.Fatalf("%s: accepted", tc.name)
			}
		}
		conn.Close()
	}
	if len(ts.eng.Streams(nil)) != 0 {
		t.Fatal("a refused request left a stream")
	}
}

// TestLyingClientOnlyHurtsItself: a client writes a write position beyond
// its ring; the server marks it broken and closes it, while another
// container's stream keeps playing without underruns.
func TestLyingClientOnlyHurtsItself(t *testing.T) {
	ts := startServer(t, 4)
	good, err := ts.open(t, "personal")
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	conn, mf, ef := rawOpen(t, ts.sock["work"])
	defer conn.Close()
	ef.Close()
	mem, err := linux.Mmap(mf, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	mf.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer linux.Munmap(mem)
	k := 0
	good.Write(tone(440, 0.5, 960, &k))
	// Lie: write position far beyond the ring, geometry fields scribbled.
	for _, off := range []int{wire.OffCapacity, wire.OffFrameBytes, wire.OffWritePos, wire.OffWritePos + 4, wire.OffReadPos} {
		mem[off], mem[off+1], mem[off+2], mem[off+3] = 0xff, 0xff, 0xff, 0x7f
	}
	for range 25 {
		good.Write(tone(440, 0.5, 960, &k))
	}
	good.Standby() // the test stops writing now; what follows is not an underrun
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := conn.Read(make([]byte, 16)); n != 0 || err == nil {
		t.Fatalf("server kept the lying stream: %d, %v", n, err)
	}
	waitFor(t, "the lying stream to be freed", func() bool { return len(ts.eng.Streams(ts.eng.Container("work"))) == 0 })
	gs := ts.eng.Streams(ts.eng.Container("personal"))
	if len(gs) != 1 || gs[0].Underruns() != 0 || gs[0].Broken() {
		t.Fatalf("good stream affected: %d streams, %d underruns", len(gs), gs[0].Underruns())
	}
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

// TestClientBlockingItsEventfdIsDropped: a client that switches the shared
// eventfd to blocking mode (so that a wake-up from the device callback
// could block) loses its stream; nobody else is affected.
func TestClientBlockingItsEventfdIsDropped(t *testing.T) {
	ts := startServer(t, 4)
	good, err := ts.open(t, "personal")
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	conn, mf, ef := rawOpen(t, ts.sock["work"])
	defer conn.Close()
	defer ef.Close()
	mem, err := linux.Mmap(mf, 0, 16384, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	mf.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer linux.Munmap(mem)
	rc, _ := ef.SyscallConn()
	rc.Control(func(fd uintptr) { syscall.SetNonblock(int(fd), false) })
	ring, err := wire.Attach(mem, wire.Geometry{Capacity: 16 * 240, Params: testDev.Params, Period: 240})
	if err != nil {
		t.Fatal(err)
	}
	ring.SetWritePos(960) // data to consume, and a waiting writer to wake
	ring.SetFlags(wire.FlagWaiting)
	k := 0
	good.Write(tone(440, 0.5, 960, &k))
	good.Standby() // the test waits now; that is not an underrun
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := conn.Read(make([]byte, 16)); n != 0 || err == nil {
		t.Fatalf("server kept the stream: %d, %v", n, err)
	}
	for range 10 {
		good.Write(tone(440, 0.5, 960, &k))
	}
	good.Standby()
	if gs := ts.eng.Streams(ts.eng.Container("personal")); len(gs) != 1 || gs[0].Underruns() != 0 {
		t.Fatal("good stream affected")
	}
}
