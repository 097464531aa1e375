package audioproxy

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/linux"
	"droidplex/internal/unixsock"
)

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
	k := 0
	good.Write(tone(440, 0.5, 960, &k))
	good.Standby() // the test waits now; that is not an underrun
	tamper(t, ts, "work")
	for range 10 {
		good.Write(tone(440, 0.5, 960, &k))
	}
	good.Standby()
	if gs := ts.eng.Streams(ts.eng.Container("personal")); len(gs) != 1 || gs[0].Underruns() != 0 {
		t.Fatal("good stream affected")
	}
}

// TestBrokenClientThatKeepsTalkingIsDropped: a client that breaks the ring
// protocol, or switches its eventfd to blocking mode, but keeps sending
// valid route messages (as a shim does on every set_parameters) is dropped
// all the same, not only once it falls silent.
func TestBrokenClientThatKeepsTalkingIsDropped(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(ring *wire.Ring, ef *os.File)
	}{
		{"write position beyond the ring", func(ring *wire.Ring, _ *os.File) { ring.SetWritePos(1 << 40) }},
		{"blocking eventfd", func(ring *wire.Ring, ef *os.File) {
			rc, _ := ef.SyscallConn()
			rc.Control(func(fd uintptr) { syscall.SetNonblock(int(fd), false) })
			ring.SetWritePos(960) // data to consume, and a waiting writer to wake
			ring.SetFlags(wire.FlagWaiting)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServerRoute(t, 4, func(string, uint32) {})
			conn, mf, ef := rawOpen(t, ts.sock["work"])
			defer conn.Close()
			defer ef.Close()
			mem, err := linux.Mmap(mf, 0, 16384, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
			mf.Close()
			if err != nil {
				t.Fatal(err)
			}
			defer linux.Munmap(mem)
			ring, err := wire.Attach(mem, wire.Geometry{Capacity: 16 * 240, Params: testDev.Params, Period: 240})
			if err != nil {
				t.Fatal(err)
			}
			tc.spoil(ring, ef)
			// A route message every 100 ms for 5 s: the server's one-second
			// read timeout never fires.
			for range 50 {
				if _, err := conn.Write(wire.AppendRoute(nil, wire.Route{Devices: 2})); err != nil {
					return // the server hung up
				}
				conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				_, err := conn.Read(make([]byte, 16))
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() {
					return // EOF: the server hung up
				}
			}
			t.Fatal("the server kept the stream while its client kept sending route messages")
		})
	}
}

// TestBlockedWakeIsFreed: a client wins the race between the callback's
// O_NONBLOCK check and its eventfd write (it switched the eventfd to
// blocking mode with a full counter just then), so the device callback is
// blocked in its wake-up. Then the client hangs up (or dies), or the server
// shuts down: either way the watchdog still frees the callback and the
// stream goes away. It used to stay blocked for ever (every container
// silent, and Close never returning): once the client hung up, the stream
// had left the watchdog's table while its removal waited for that very
// callback; on Close the watchdog stopped first.
func TestBlockedWakeIsFreed(t *testing.T) {
	for _, name := range []string{"client hangs up", "server shuts down"} {
		t.Run(name, func(t *testing.T) {
			eng := newTestEngine(t, 4)
			srv := NewServer(eng, 16, discardLogger(t))
			defer srv.Close()
			path := filepath.Join(shortDir(t), "work.sock")
			if err := srv.Listen("work", path, unixsock.ListenOptions{UID: -1, GID: -1}); err != nil {
				t.Fatal(err)
			}
			conn, mf, ef := rawOpen(t, path)
			defer conn.Close()
			mf.Close()
			ss := eng.Streams(eng.Container("work"))
			if len(ss) != 1 {
				t.Fatalf("%d streams", len(ss))
			}
			s := ss[0]
			st := s.waker.(*stream)
			// The client's move: blocking mode and a counter one below its
			// maximum, so that the next write of 1 blocks.
			rc, _ := ef.SyscallConn()
			rc.Control(func(fd uintptr) { syscall.SetNonblock(int(fd), false) })
			if _, err := ef.Write([]byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}); err != nil {
				t.Fatal(err)
			}
			// The device callback, past the O_NONBLOCK check when the client
			// struck (Process's steps around Stream.wake, with the check lost).
			eng.epoch.Add(1)
			eng.waking.Store(s)
			freed := make(chan struct{})
			go func() {
				linux.EventfdPoke(st.fd) // blocks until somebody reads the counter
				eng.waking.Store(nil)
				eng.epoch.Add(1)
				close(freed)
			}()
			// A garbage collection while the write is blocked must finish:
			// had the write held its P (a raw system call), the collection
			// would wait for it for ever, and every goroutine, the watchdog
			// included, with it.
			time.Sleep(50 * time.Millisecond) // let the poke block
			runtime.GC()
			closed := make(chan struct{})
			if name == "client hangs up" {
				conn.Close() // (or dies)
				ef.Close()
				close(closed)
			} else {
				ef.Close()
				go func() { srv.Close(); close(closed) }()
			}
			select {
			case <-freed:
			case <-time.After(10 * time.Second): // a hang detector; the watchdog acts within 300 ms
				linux.EventfdRead(st.fd) // free the callback so that the test can end
				<-freed
				<-closed
				t.Fatal("the device callback stayed blocked")
			}
			<-closed
			waitFor(t, "the stream to be freed", func() bool { return len(eng.Streams(nil)) == 0 })
		})
	}
}
