package audioproxy

import (
	"os"
	"sync/atomic"
	"time"

	"droidplex/internal/linux"
)

// stream is the server's side of one stream: the engine's Stream plus the
// resources the server owns for it.
type stream struct {
	s       *Stream
	memfd   *os.File
	efd     *os.File
	mem     []byte
	kick    chan struct{}
	done    chan struct{}
	hostile atomic.Bool
}

// Wake is called by the device callback: a non-blocking channel send that
// hands the eventfd write to the stream's waker goroutine.
//
// The callback does not write the eventfd itself because the client shares
// the eventfd's open file description: it can clear O_NONBLOCK and fill the
// counter, and a write from the callback would then block every container's
// audio. The waker goroutine checks the flag before each write and gives up
// on a client that changed it; at worst it blocks only itself.
func (st *stream) Wake() {
	select {
	case st.kick <- struct{}{}:
	default:
	}
}

func (st *stream) startWaker() {
	st.kick, st.done = make(chan struct{}, 1), make(chan struct{})
	var fd int
	rc, err := st.efd.SyscallConn()
	if err == nil {
		err = rc.Control(func(f uintptr) { fd = int(f) })
	}
	if err != nil {
		st.hostile.Store(true)
		close(st.done)
		return
	}
	go func() {
		defer close(st.done)
		for range st.kick {
			if nb, err := linux.NonBlocking(fd); err != nil || !nb {
				st.hostile.Store(true)
				return
			}
			linux.EventfdPoke(fd)
		}
	}()
}

// stopWaker ends the waker goroutine. If a hostile client made its eventfd
// write block (O_NONBLOCK cleared, counter full), reading the counter here
// lets that write finish.
func (st *stream) stopWaker() {
	if st.kick == nil {
		return
	}
	close(st.kick)
	for {
		select {
		case <-st.done:
			st.kick = nil
			return
		case <-time.After(100 * time.Millisecond):
			st.drain()
		}
	}
}

func (st *stream) drain() {
	if rc, err := st.efd.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { linux.EventfdRead(int(fd)) })
	}
}

// close detaches the stream from the engine (waiting until no callback uses
// it), stops its waker and frees the ring and the eventfd.
func (st *stream) close(e *Engine) {
	e.Detach(st.s)
	st.stopWaker()
	if st.memfd != nil {
		st.memfd.Close()
	}
	linux.Munmap(st.mem)
	st.efd.Close()
}
