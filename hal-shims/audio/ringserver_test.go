package audioshim

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// ringServer is a fake audioproxyd that answers one Open with a 960-frame
// ring and a pacing eventfd, and holds the connection; the test plays the
// device by hand.
type ringServer struct {
	path string
	g    wire.Geometry
	ring *wire.Ring
	mem  []byte
	efd  *os.File
	conn chan *net.UnixConn // the accepted connection, once
}

// startRingServer listens; efdFlags are the eventfd's EFD_* flags besides
// EFD_CLOEXEC (EFD_NONBLOCK, as audioproxyd makes it, or 0).
func startRingServer(t *testing.T, efdFlags int) *ringServer {
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
	ef, err := linux.Eventfd(0, unix.EFD_CLOEXEC|efdFlags)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ef.Close() })
	rs := &ringServer{path: filepath.Join(testutil.RuntimeDir(t), "audio"), g: g, ring: ring, mem: mem, efd: ef,
		conn: make(chan *net.UnixConn, 1)}
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

// hangUp closes the server's end of the stream (once a client opened it).
func (rs *ringServer) hangUp() { (<-rs.conn).Close() }
