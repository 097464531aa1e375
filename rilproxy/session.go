package rilproxy

import (
	"net"
	"sync"

	"droidplex/rilproxy/parcel"
)

// session is one container's connected client. Its reader goroutine feeds
// requests to the Mux; its writer goroutine drains a bounded queue of
// framed messages, so nothing that sends to a client ever blocks on it: a
// client too slow to keep up is disconnected.
type session struct {
	name string
	idx  int // owner id: 1 + the container's position
	conn net.Conn

	free chan []byte // empty frame buffers
	out  chan []byte // framed messages to write
	done chan struct{}
	once sync.Once
	left chan struct{} // closed when the Mux has forgotten the session

	// Guarded by Mux.mu.
	gone   bool
	want   int8 // RADIO_POWER wish: -1 none, 0 off, 1 on
	screen int8 // SCREEN_STATE: -1 unknown, 0 off, 1 on
}

func newSession(name string, idx int, conn net.Conn, queue int) *session {
	s := &session{
		name: name, idx: idx, conn: conn,
		free: make(chan []byte, queue), out: make(chan []byte, queue), done: make(chan struct{}), left: make(chan struct{}),
		want: -1, screen: -1,
	}
	for range queue {
		s.free <- make([]byte, 0, 256)
	}
	return s
}

// kill disconnects the client; the reader then detaches the session.
func (s *session) kill() {
	s.once.Do(func() {
		close(s.done)
		s.conn.Close()
	})
}

// buf takes an empty frame buffer, or kills a client whose queue is full.
func (s *session) buf() ([]byte, bool) {
	select {
	case b := <-s.free:
		return b[:0], true
	default:
		s.kill()
		return nil, false
	}
}

// push queues a framed message taken from buf (never blocks: the buffer
// came from free, and out is as large as free).
func (s *session) push(b []byte) { s.out <- b }

// release returns an unused buffer.
func (s *session) release(b []byte) { s.free <- b }

func (s *session) writeLoop() {
	for {
		select {
		case b := <-s.out:
			_, err := s.conn.Write(b)
			s.free <- b[:0]
			if err != nil {
				s.kill()
				return
			}
		case <-s.done:
			return
		}
	}
}

// reply queues a solicited response built by the proxy.
func (s *session) reply(serial int32, e parcel.Errno, payload []byte) {
	b, ok := s.buf()
	if !ok {
		return
	}
	b, at := parcel.BeginFrame(b)
	b = parcel.AppendResponse(b, serial, e, payload)
	b, err := parcel.EndFrame(b, at, parcel.MaxClientBody)
	if err != nil {
		b, at = parcel.BeginFrame(b[:0])
		b = parcel.AppendResponse(b, serial, parcel.GenericFailure, nil)
		b, _ = parcel.EndFrame(b, at, parcel.MaxClientBody)
	}
	s.push(b)
}

// unsol queues an indication built by the proxy.
func (s *session) unsol(id parcel.UnsolID, payload []byte) {
	b, ok := s.buf()
	if !ok {
		return
	}
	b, at := parcel.BeginFrame(b)
	b = parcel.AppendUnsol(b, id, payload)
	b, err := parcel.EndFrame(b, at, parcel.MaxClientBody)
	if err != nil {
		s.release(b[:0])
		return
	}
	s.push(b)
}

// relay queues a modem message with its type word (and, for a solicited
// response, its serial) rewritten. A message over the client limit is
// dropped; a response is then replaced by GENERIC_FAILURE, so the client's
// request does not hang.
func (s *session) relay(body []byte, t parcel.RespType, serial int32) {
	b, ok := s.buf()
	if !ok {
		return
	}
	b, at := parcel.BeginFrame(b)
	b = append(b, body...)
	b, err := parcel.EndFrame(b, at, parcel.MaxClientBody)
	if err != nil {
		s.release(b[:0])
		if t == parcel.Solicited {
			s.reply(serial, parcel.GenericFailure, nil)
		}
		return
	}
	parcel.SetResponseType(b[at+4:], t)
	if t == parcel.Solicited {
		parcel.SetResponseSerial(b[at+4:], serial)
	}
	s.push(b)
}
