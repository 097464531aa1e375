package parcel

import (
	"encoding/binary"
	"fmt"
)

// ReqID is a request id (RIL_REQUEST_*).
type ReqID int32

// UnsolID is an unsolicited indication id (RIL_UNSOL_*).
type UnsolID int32

type reqInfo struct{ name, dispatch, response string }

type unsolInfo struct {
	name, response string
	wake           bool // WAKE_PARTIAL: sent as type 4 by a RIL_VERSION ≥ 13 libril
}

// Name returns the id's name without the RIL_REQUEST_ prefix ("DIAL"), or
// "" for an id that is not in the table.
func (id ReqID) Name() string { return requestTable[id].name }

// Known reports whether id is in the android-7.1.2 table.
func (id ReqID) Known() bool { _, ok := requestTable[id]; return ok }

// String returns "NAME(id)", or "REQUEST_id" for an unknown id.
func (id ReqID) String() string {
	if n := id.Name(); n != "" {
		return fmt.Sprintf("%s(%d)", n, int32(id))
	}
	return fmt.Sprintf("REQUEST_%d", int32(id))
}

// Name returns the id's name without the RIL_UNSOL_ prefix
// ("RESPONSE_CALL_STATE_CHANGED"), or "" for an unknown id.
func (id UnsolID) Name() string { return unsolTable[id].name }

// Known reports whether id is in the android-7.1.2 table.
func (id UnsolID) Known() bool { _, ok := unsolTable[id]; return ok }

// Wakes reports whether libril marks the indication WAKE_PARTIAL.
func (id UnsolID) Wakes() bool { return unsolTable[id].wake }

// String returns "NAME(id)", or "UNSOL_id" for an unknown id.
func (id UnsolID) String() string {
	if n := id.Name(); n != "" {
		return fmt.Sprintf("%s(%d)", n, int32(id))
	}
	return fmt.Sprintf("UNSOL_%d", int32(id))
}

// RespType is the first word of every rild→client body.
type RespType int32

// Response types (libril ril.cpp, RIL.java).
const (
	Solicited         RespType = 0 // i32 serial, i32 error, payload
	Unsolicited       RespType = 1 // i32 unsol id, payload
	SolicitedAck      RespType = 2 // i32 serial only
	SolicitedAckExp   RespType = 3 // as Solicited; the client must send request 800
	UnsolicitedAckExp RespType = 4 // as Unsolicited; the client must send request 800
)

// Errno is a RIL_Errno.
type Errno int32

// RIL_Errno values used by droidplex (ril.h).
const (
	Success             Errno = 0
	RadioNotAvailable   Errno = 1
	GenericFailure      Errno = 2
	PasswordIncorrect   Errno = 3
	RequestNotSupported Errno = 6
	Cancelled           Errno = 7
	SMSSendFailRetry    Errno = 10
	InvalidArguments    Errno = 44
	InvalidResponse     Errno = -1 // RIL_ERRNO_INVALID_RESPONSE: libril's marshaller failed
)

// Request is a client→rild body: id, serial, payload.
type Request struct {
	ID      ReqID
	Serial  int32
	Payload []byte // aliases the body
}

// ParseRequest splits a request body without copying or allocating.
func ParseRequest(body []byte) (Request, error) {
	if len(body) < 8 {
		return Request{}, fmt.Errorf("request of %d bytes: %w: need id and serial", len(body), ErrShort)
	}
	return Request{
		ID:      ReqID(int32(binary.LittleEndian.Uint32(body))),
		Serial:  int32(binary.LittleEndian.Uint32(body[4:])),
		Payload: body[8:],
	}, nil
}

// AppendRequest appends a request body (no length word).
func AppendRequest(b []byte, id ReqID, serial int32, payload []byte) []byte {
	b = AppendInt32(b, int32(id))
	b = AppendInt32(b, serial)
	return append(b, payload...)
}

// Message is a rild→client body: a solicited response, an early ack, or an
// unsolicited indication, according to Type.
type Message struct {
	Type    RespType
	Serial  int32   // Solicited, SolicitedAck, SolicitedAckExp
	Error   Errno   // Solicited, SolicitedAckExp
	Unsol   UnsolID // Unsolicited, UnsolicitedAckExp
	Payload []byte  // aliases the body
}

// IsUnsolicited reports whether m is an indication (type 1 or 4).
func (m Message) IsUnsolicited() bool { return m.Type == Unsolicited || m.Type == UnsolicitedAckExp }

// ParseMessage splits a rild→client body without copying or allocating.
func ParseMessage(body []byte) (Message, error) {
	d := Decoder{b: body}
	m := Message{Type: RespType(d.Int32())}
	switch m.Type {
	case Solicited, SolicitedAckExp:
		m.Serial = d.Int32()
		m.Error = Errno(d.Int32())
	case Unsolicited, UnsolicitedAckExp:
		m.Unsol = UnsolID(d.Int32())
	case SolicitedAck:
		m.Serial = d.Int32()
	default:
		if d.err == nil {
			return Message{}, fmt.Errorf("%w: response type %d", ErrBadValue, int32(m.Type))
		}
	}
	if d.err != nil {
		return Message{}, fmt.Errorf("response header: %w", d.err)
	}
	m.Payload = body[d.off:]
	return m, nil
}

// AppendResponse appends a solicited response body (type 0).
func AppendResponse(b []byte, serial int32, e Errno, payload []byte) []byte {
	b = AppendInt32(b, int32(Solicited))
	b = AppendInt32(b, serial)
	b = AppendInt32(b, int32(e))
	return append(b, payload...)
}

// AppendUnsol appends an unsolicited indication body (type 1).
func AppendUnsol(b []byte, id UnsolID, payload []byte) []byte {
	b = AppendInt32(b, int32(Unsolicited))
	b = AppendInt32(b, int32(id))
	return append(b, payload...)
}

// SetRequestSerial rewrites the serial of a request body in place (for
// serial remapping without copying). The body must hold at least 8 bytes.
func SetRequestSerial(body []byte, serial int32) {
	binary.LittleEndian.PutUint32(body[4:8], uint32(serial))
}

// SetResponseSerial rewrites the serial of a solicited response or ack body
// in place. The body must hold at least 8 bytes.
func SetResponseSerial(body []byte, serial int32) {
	binary.LittleEndian.PutUint32(body[4:8], uint32(serial))
}

// SetResponseType rewrites the type word of a rild→client body in place (to
// turn types 3 and 4 into 0 and 1 for legacy clients).
func SetResponseType(body []byte, t RespType) {
	binary.LittleEndian.PutUint32(body[0:4], uint32(t))
}
