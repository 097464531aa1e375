package rilproxytest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"droidplex/rilproxy/parcel"
)

// Reply is a scripted modem's answer to one request.
type Reply struct {
	Error   parcel.Errno
	Payload []byte
	// Type is the response type (0 when zero; 3 asks for an acknowledgement).
	Type parcel.RespType
	// None: send no reply at all (the request hangs until the proxy's timeout).
	None bool
}

// Modem is a scripted rild: the upstream end of a proxy. Unless Handler
// says otherwise it answers every request with success and, as payload,
// the request's own payload (so a test can tell replies apart). Its
// methods are safe for concurrent use.
type Modem struct {
	// Handler, when set, decides replies (it runs on the reading goroutine).
	Handler func(parcel.Request) Reply
	// Delay, when set, delays each reply by its result; replies are then
	// sent from timers and so reordered.
	Delay func() time.Duration
	// Version is announced in RIL_CONNECTED (default 12); Radio is the
	// radio state sent after it (default 10, on).
	Version, Radio int32

	mu    sync.Mutex
	wmu   sync.Mutex
	conn  net.Conn
	trans []string
	wg    sync.WaitGroup
}

// Serve greets the proxy like libril, then answers requests from conn until
// it closes. Call it once; Close ends it.
func (m *Modem) Serve(conn net.Conn) error {
	m.mu.Lock()
	m.conn = conn
	m.mu.Unlock()
	ver, radio := m.Version, m.Radio
	if ver == 0 {
		ver = 12
	}
	if radio == 0 {
		radio = 10
	}
	m.Unsol(parcel.UnsolRilConnected, parcel.AppendInts(nil, ver))
	m.Unsol(parcel.UnsolRadioStateChanged, parcel.AppendInt32(nil, radio))
	fr := parcel.NewFrameReader(conn, parcel.MaxBody)
	defer m.wg.Wait()
	for {
		body, err := fr.Next()
		if err != nil {
			return err
		}
		req, err := parcel.ParseRequest(body)
		if err != nil {
			return err
		}
		m.mu.Lock()
		m.trans = append(m.trans, fmt.Sprintf("%v %x", req.ID, req.Payload))
		m.mu.Unlock()
		if req.ID == parcel.ReqResponseAcknowledgement {
			continue
		}
		r := Reply{Payload: append([]byte(nil), req.Payload...)}
		if m.Handler != nil {
			r = m.Handler(req)
		}
		if r.None {
			continue
		}
		b := parcel.AppendResponse(nil, req.Serial, r.Error, r.Payload)
		if r.Type != 0 {
			parcel.SetResponseType(b, r.Type)
		}
		if m.Delay == nil {
			m.write(b)
			continue
		}
		m.wg.Add(1)
		time.AfterFunc(m.Delay(), func() { defer m.wg.Done(); m.write(b) })
	}
}

func (m *Modem) write(body []byte) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.Lock()
	c := m.conn
	m.mu.Unlock()
	if c != nil {
		c.Write(parcel.AppendFrame(nil, body))
	}
}

// Unsol sends an indication (type 1).
func (m *Modem) Unsol(id parcel.UnsolID, payload []byte) {
	m.write(parcel.AppendUnsol(nil, id, payload))
}

// Raw sends a body as it is (for malformed or type-4 messages).
func (m *Modem) Raw(body []byte) { m.write(body) }

// Transcript returns "REQUEST(id) payload-hex" for every request received.
func (m *Modem) Transcript() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.trans...)
}

// Count returns how many requests of id were received.
func (m *Modem) Count(id parcel.ReqID) int {
	prefix := id.String() + " "
	n := 0
	for _, l := range m.Transcript() {
		if len(l) >= len(prefix) && l[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

// RandomDelay returns a Delay of up to max, uniformly.
func RandomDelay(max time.Duration) func() time.Duration {
	return func() time.Duration { return rand.N(max) }
}
