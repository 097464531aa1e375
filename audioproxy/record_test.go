package audioproxy

import (
	"net"
	"testing"
	"time"

	"droidplex/audioproxy/sink"
)

// TestRecorderDropsWhenTheReaderIsSlow: a reader that falls behind loses
// samples (counted); the writer (the device callback) never waits.
func TestRecorderDropsWhenTheReaderIsSlow(t *testing.T) {
	r := NewRecorder(8)
	r.push([]int16{1, 2, 3, 4, 5, 6})
	r.push([]int16{7, 8, 9, 10}) // does not fit: dropped whole
	if r.Dropped() != 4 {
		t.Fatalf("dropped %d", r.Dropped())
	}
	got := make([]int16, 4)
	if n := r.Read(got); n != 4 || got[0] != 1 || got[3] != 4 {
		t.Fatalf("read %d %v", n, got)
	}
	r.push([]int16{7, 8, 9, 10, 11, 12}) // wraps around
	all := make([]int16, 16)
	n := r.Read(all)
	want := []int16{5, 6, 7, 8, 9, 10, 11, 12}
	if n != len(want) {
		t.Fatalf("read %d %v", n, all[:n])
	}
	for i, v := range want {
		if all[i] != v {
			t.Fatalf("read %v, want %v", all[:n], want)
		}
	}
	if r.Read(all) != 0 {
		t.Fatal("read from an empty recorder")
	}
}

// TestRecordingClientThatStopsReadingIsCut: a client that asks for a
// recording and then stops reading (without hanging up) loses it once the
// socket stays full for recordStall, instead of holding the container's
// one recording slot (and a goroutine) for as long as it lives.
func TestRecordingClientThatStopsReadingIsCut(t *testing.T) {
	old := recordStall
	t.Cleanup(func() { recordStall = old }) // after Run's cleanup, registered below
	recordStall = 300 * time.Millisecond
	cfg, c := startRun(t)
	conn, err := net.Dial("unix", cfg.APISocket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /v1/containers/work/record HTTP/1.1\r\nHost: unix\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	// It never reads: about 200 KB/s of recording fill the socket's
	// buffers in a few seconds.
	waitFor(t, "the recording to start", func() bool { return recording(t, c, "work") })
	deadline := time.Now().Add(30 * time.Second) // a hang detector
	for recording(t, c, "work") {
		if time.Now().After(deadline) {
			t.Fatal("a client that stopped reading kept the recording for 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := c.Get("http://unix/v1/containers/work/record?seconds=0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, data, err := sink.ReadWAV(resp.Body); err != nil || len(data) != 4800*4 {
		t.Fatalf("the next recording: %d bytes, %v", len(data), err)
	}
}
