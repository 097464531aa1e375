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
	fd      int // efd's descriptor, valid until efd is closed
	mem     []byte
	hostile atomic.Bool // drop the stream
	// tampered: the client cleared O_NONBLOCK on the shared eventfd,
	// which no accident does; its container is refused for a while (ban.go).
	tampered atomic.Bool
}

// Wake is called by the device callback when the shim waits for room: a
// non-blocking eventfd write (no allocation, no lock; linux.EventfdPoke).
//
// The client shares the eventfd's open file description, so it could switch
// it to blocking mode and fill the counter to make that write block the
// device thread. Wake therefore checks O_NONBLOCK first and gives up on a
// client that cleared it; a client that wins the remaining race between
// the check and the write is caught by the server's watchdog, which drains
// the counter (unblocking the write) and drops the stream.
func (st *stream) Wake() {
	if !linux.EventfdPokeIfNonBlocking(st.fd) {
		st.tampered.Store(true)
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

// drain empties the eventfd's counter, releasing a write blocked on it. It
// goes through the file (so the descriptor cannot be closed and reused
// meanwhile) and never blocks, even if the client switched the eventfd back
// to blocking mode and emptied it first. It reports whether the client had
// cleared O_NONBLOCK: only then was the write blocked by tampering, not
// merely slow (the machine stalled).
func (st *stream) drain() (tampered bool) {
	rc, err := st.efd.SyscallConn()
	if err != nil {
		return false
	}
	_ = rc.Control(func(fd uintptr) {
		nb, err := linux.NonBlocking(int(fd))
		tampered = err == nil && !nb
		_, _ = linux.EventfdDrain(int(fd))
	})
	return tampered
}

// free frees the ring and the eventfd of a stream detached from the engine.
func (st *stream) free() {
	if st.memfd != nil {
		st.memfd.Close()
	}
	linux.Munmap(st.mem)
	st.efd.Close()
}

// watchdog frees a device callback stuck in a stream's eventfd write (a
// hostile client that switched its eventfd to blocking mode and filled the
// counter between Wake's check and write): if the same wake is still in
// progress a tick later, it drains that eventfd and drops the stream.
func (s *Server) watchdog() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	var last *Stream
	for {
		select {
		case <-s.wdStop:
			return
		case <-t.C:
		}
		cur := s.eng.waking.Load()
		if cur == nil || cur != last {
			last = cur
			continue
		}
		s.mu.Lock()
		st := s.streams[cur]
		s.mu.Unlock()
		if st != nil {
			s.log.Warn("device callback blocked on a client's eventfd; dropping the stream", "container", cur.c.name, "id", cur.id)
			st.hostile.Store(true)
			if st.drain() {
				st.tampered.Store(true)
			}
		}
		last = nil
	}
}
