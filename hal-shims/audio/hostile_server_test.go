package audioshim

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// ringServer is a fake audioproxyd that opens one stream and leaves its ring
// to the test, which plays the device by hand.
type ringServer struct {
	path string
	ring *wire.Ring
	mem  []byte
	conn chan *net.UnixConn
}

func startRingServer(t *testing.T) *ringServer {
	t.Helper()
	g := wire.Geometry{Capacity: 960, Params: params, Period: 240}
	size := (g.Size() + os.Getpagesize() - 1) &^ (os.Getpagesize() - 1)
	mf, err := linux.MemfdCreate("ring", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mf.Close() })
	if err := linux.Ftruncate(mf, int64(size)); err != nil {
		t.Fatal(err)
	}
	mem, err := linux.Mmap(mf, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { linux.Munmap(mem) })
	ring, err := wire.Init(mem, g)
	if err != nil {
		t.Fatal(err)
	}
	ef, err := linux.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ef.Close() })
	rs := &ringServer{path: filepath.Join(testutil.RuntimeDir(t), "audio"), ring: ring, mem: mem, conn: make(chan *net.UnixConn, 1)}
	l, err := unixsock.Listen(unixsock.SeqPacket, rs.path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.AcceptUnix()
		if err != nil {
			return
		}
		c.Read(make([]byte, 64))
		unixsock.SendFds(c, wire.AppendOpened(nil, wire.Opened{ID: 1, Geometry: g, Size: uint32(size)}), mf, ef)
		rs.conn <- c
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		select {
		case c := <-rs.conn:
			c.Close()
		default:
		}
	})
	return rs
}

// hangUp closes the server's end of the stream.
func (rs *ringServer) hangUp() { (<-rs.conn).Close() }

// TestPositionNeverGoesBack: the presentation position does not go back
// when the server publishes a smaller consumed count (a lie), nor when it
// dies in the middle of publishing one (its seqlock left odd), which the
// stream can then no longer read when it disconnects.
func TestPositionNeverGoesBack(t *testing.T) {
	for _, name := range []string{"smaller count", "died mid-update"} {
		t.Run(name, func(t *testing.T) {
			rs := startRingServer(t)
			st, err := Open(Config{Path: rs.path, Usage: wire.UsageMedia, Params: params, Reconnect: 1 << 62})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.Write(make([]byte, 960*4)); err != nil {
				t.Fatal(err)
			}
			rs.ring.SetReadPos(960)
			rs.ring.SetConsumed(960, linux.MonotonicNs())
			before, _ := st.PresentationPosition()
			if before != 960 {
				t.Fatalf("position %d, want 960", before)
			}
			switch name {
			case "smaller count":
				rs.ring.SetConsumed(480, linux.MonotonicNs())
			case "died mid-update":
				rs.mem[wire.OffClockSeq] |= 1 // odd: a write in progress, for ever
				rs.hangUp()
				for st.Connected() { // until the stream notices
					if _, err := st.Write(make([]byte, 240*4)); err != nil || t.Context().Err() != nil {
						t.Fatalf("still connected after the hang-up: %v", err)
					}
				}
			}
			after, _ := st.PresentationPosition()
			if after < before {
				t.Fatalf("position went back: %d → %d", before, after)
			}
		})
	}
}

// TestBlockingEventfdRefused: a server whose pacing eventfd is in blocking
// mode is refused at Open. (The stream waits on the eventfd with a
// deadline, which only works on a non-blocking descriptor: with a blocking
// one, a full ring and a server that never pokes blocked Write for ever.)
func TestBlockingEventfdRefused(t *testing.T) {
	g := wire.Geometry{Capacity: 960, Params: params, Period: 240}
	size := (g.Size() + os.Getpagesize() - 1) &^ (os.Getpagesize() - 1)
	mf, err := linux.MemfdCreate("ring", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mf.Close() })
	if err := linux.Ftruncate(mf, int64(size)); err != nil {
		t.Fatal(err)
	}
	mem, err := linux.Mmap(mf, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { linux.Munmap(mem) })
	if _, err := wire.Init(mem, g); err != nil {
		t.Fatal(err)
	}
	ef, err := linux.Eventfd(0, unix.EFD_CLOEXEC) // blocking
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ef.Close() })
	path := filepath.Join(testutil.RuntimeDir(t), "audio")
	l, err := unixsock.Listen(unixsock.SeqPacket, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan *net.UnixConn, 1)
	go func() {
		defer close(conns)
		c, err := l.AcceptUnix()
		if err != nil {
			return
		}
		c.Read(make([]byte, 64))
		unixsock.SendFds(c, wire.AppendOpened(nil, wire.Opened{ID: 1, Geometry: g, Size: uint32(size)}), mf, ef)
		conns <- c // held open: the server stays, and never consumes
	}()
	t.Cleanup(func() {
		l.Close()
		for c := range conns {
			c.Close()
		}
	})
	st, err := Open(Config{Path: path, Usage: wire.UsageMedia, Params: params, Reconnect: 1 << 62})
	if err == nil {
		defer st.Close()
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range 3 { // the second write finds the ring full
				st.Write(make([]byte, 960*4))
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // a hang detector: Stall is 500 ms
			if c := <-conns; c != nil {
				c.Close() // a hang-up ends the wait, so that the test can end
			}
			<-done
			t.Fatal("Write blocked for ever on a blocking eventfd")
		}
		t.Fatal("a blocking eventfd was accepted")
	}
	if !strings.Contains(err.Error(), "eventfd") {
		t.Fatalf("err = %v, want a refused eventfd", err)
	}
}
