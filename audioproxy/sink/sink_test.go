package sink

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"

	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// countingRender fills each period with its call number and signals after n calls.
func countingRender(n int64, reached chan<- struct{}) (func([]byte, int), *atomic.Int64) {
	var calls atomic.Int64
	return func(out []byte, frames int) {
		c := calls.Add(1)
		for i := range out {
			out[i] = byte(c)
		}
		if c == n {
			close(reached)
		}
	}, &calls
}

func TestNullSinkRendersUntilStopped(t *testing.T) {
	s, err := NewNull(Config{Params: Default.Params, Period: 48})
	if err != nil {
		t.Fatal(err)
	}
	reached := make(chan struct{})
	render, calls := countingRender(5, reached)
	if err := s.Start(render); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(render); !errors.Is(err, ErrStarted) {
		t.Fatalf("second start: %v", err)
	}
	<-reached
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	after := calls.Load()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != after {
		t.Fatal("render called after Stop returned")
	}
}

func TestWAVSinkWritesWhatItRenders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.wav")
	cfg := Config{Params: wire.Params{Rate: 8000, Channels: 1, Format: wire.FormatS16}, Period: 8}
	s, err := NewWAV(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	reached := make(chan struct{})
	render, calls := countingRender(3, reached)
	if err := s.Start(render); err != nil {
		t.Fatal(err)
	}
	<-reached
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, data, err := ReadWAV(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if p != cfg.Params {
		t.Fatalf("params %+v", p)
	}
	n := calls.Load()
	if len(data) != int(n)*16 || len(b) != WAVHeaderSize+len(data) {
		t.Fatalf("%d data bytes for %d periods, file %d", len(data), n, len(b))
	}
	for i, v := range data {
		if v != byte(i/16+1) {
			t.Fatalf("byte %d = %d", i, v)
		}
	}
}

func TestReadWAV(t *testing.T) {
	p := wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatF32}
	good := append(AppendWAVHeader(nil, p, 8), 1, 2, 3, 4, 5, 6, 7, 8)
	streamed := append(AppendWAVHeader(nil, p, 0xFFFFFFFF), 1, 2, 3, 4)
	withList := append([]byte(nil), good[:12]...)
	withList = append(withList, "LIST\x03\x00\x00\x00abc\x00"...)
	withList = append(withList, good[12:]...)
	for _, tc := range []struct {
		name string
		in   []byte
		n    int
		ok   bool
	}{
		{"good", good, 8, true},
		{"streamed", streamed, 4, true},
		{"odd chunk padded", withList, 8, true},
		{"empty", nil, 0, false},
		{"not riff", []byte("RIFX0000WAVE"), 0, false},
		{"no data", good[:36], 0, false},
		{"short fmt", good[:24], 0, false},
	} {
		gp, data, err := ReadWAV(bytes.NewReader(tc.in))
		if (err == nil) != tc.ok || len(data) != tc.n || (tc.ok && gp != p) {
			t.Errorf("%s: %+v %d bytes, %v", tc.name, gp, len(data), err)
		}
	}
}

func FuzzReadWAV(f *testing.F) {
	f.Add(AppendWAVHeader(nil, Default.Params, 4))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, data, err := ReadWAV(bytes.NewReader(b))
		if err == nil && len(data) > len(b) {
			t.Fatal("data longer than input")
		}
	})
}

func TestNullSinkRealtimeThread(t *testing.T) {
	testutil.RequireRoot(t)
	s, err := NewNull(Config{Params: Default.Params, Period: 48, Realtime: true})
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		policy, tid int
		reset       bool
	}
	got := make(chan seen, 1)
	if err := s.Start(func([]byte, int) {
		p, reset, _ := linux.ThreadPolicy()
		select {
		case got <- seen{p, linux.Gettid(), reset}:
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	th := <-got
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if th.policy != unix.SCHED_FIFO || !th.reset {
		t.Fatalf("render ran with policy %d, reset on fork %v; want SCHED_FIFO with reset on fork", th.policy, th.reset)
	}
	// The thread is an ordinary one again once the sink has stopped, so no
	// goroutine can inherit its priority.
	stat, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/stat", th.tid))
	if err != nil {
		return // the thread has exited: nothing to inherit either
	}
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	if policy := f[38]; policy != "0" { // field 41, policy; the first here is field 3
		t.Fatalf("the sink's thread %d still has policy %s after Close", th.tid, policy)
	}
}

// TestWAVSinkKeepsTimeWhenTheFileFails: a WAV sink whose file cannot be
// written (a full disk: /dev/full) keeps consuming at the device's pace,
// as a device would, so every stream keeps its clock; Close reports the
// failure. (The period thread used to end at the first failed write: the
// mix stopped for every container, silently.)
func TestWAVSinkKeepsTimeWhenTheFileFails(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		testutil.Skip(t, "no /dev/full")
	}
	// 48 kHz stereo s16, 5 ms periods: 960 bytes a period, so the file
	// buffer (64 KiB) fills after 69 periods.
	s, err := NewWAV("/dev/full", Default)
	if err != nil {
		t.Fatal(err)
	}
	reached := make(chan struct{})
	render, _ := countingRender(150, reached)
	if err := s.Start(render); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(10 * time.Second): // a hang detector: 150 periods take 0.75 s
		s.Close()
		t.Fatal("the WAV sink stopped rendering when its file failed")
	}
	if err := s.Close(); err == nil || !errors.Is(err, unix.ENOSPC) {
		t.Fatalf("Close: %v, want the write error", err)
	}
}
