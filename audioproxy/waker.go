package audioproxy

import (
	"os"
	"sync/atomic"

	"droidplex/internal/linux"
)

// stream is the server's side of one stream: the engine's Stream plus the
// resources the server owns for it.
type stream struct {
	s       *Stream
	memfd   *os.File
	efd     *os.File
	fd      int // efd's descriptor, valid until efd is closed
	mem     []byte
	hostile atomic.Bool
}

// Wake is called by the device callback when the shim waits for room: a
// raw, non-blocking eventfd write (no allocation, no lock, no scheduler).
//
// The client shares the eventfd's open file description, so it could switch
// it to blocking mode and fill the counter to make that write block the
// device thread. Wake therefore checks O_NONBLOCK first and gives up on a
// client that cleared it; a client that wins the remaining race between
// the check and the write is caught by the server's watchdog, which drains
// the counter (unblocking the write) and drops the stream.
func (st *stream) Wake() {
	if !linux.EventfdPokeIfNonBlocking(st.fd) {
		st.hostile.Store(true)
	}
}

// initFd records the eventfd's descriptor.
func (st *stream) initFd() bool {
	rc, err := st.efd.SyscallConn()
	if err != nil {
		return false
	}
	return rc.Control(func(f uintptr) { st.fd = int(f) }) == nil
}

// drain reads the eventfd's counter, releasing a write blocked on it.
func (st *stream) drain() { linux.EventfdRead(st.fd) }

// free frees the ring and the eventfd of a stream detached from the engine.
func (st *stream) free() {
	if st.memfd != nil {
		st.memfd.Close()
	}
	linux.Munmap(st.mem)
	st.efd.Close()
}
