package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

var le = binary.LittleEndian

// Format is a PCM sample format.
type Format uint16

// Sample formats.
const (
	FormatS16 Format = 1 // signed 16-bit little-endian
	FormatF32 Format = 2 // 32-bit IEEE float, nominal range [-1, 1]
)

// SampleBytes returns the size of one sample, 0 for an unknown format.
func (f Format) SampleBytes() int {
	switch f {
	case FormatS16:
		return 2
	case FormatF32:
		return 4
	}
	return 0
}

// String returns "s16", "f32" or the number.
func (f Format) String() string {
	switch f {
	case FormatS16:
		return "s16"
	case FormatF32:
		return "f32"
	}
	return fmt.Sprintf("format(%d)", uint16(f))
}

// ParseFormat parses "s16" or "f32".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "s16":
		return FormatS16, nil
	case "f32":
		return FormatF32, nil
	}
	return 0, fmt.Errorf("unknown sample format %q (want s16 or f32)", s)
}

// Direction says whether a stream plays or captures.
type Direction uint8

// Stream directions.
const (
	Output Direction = 1 // the shim writes, the server plays
	Input  Direction = 2 // the server writes, the shim reads
)

// Usage says what a stream is for; the audio policy keys on it.
type Usage uint8

// Stream usages.
const (
	UsageMedia        Usage = 1
	UsageVoice        Usage = 2
	UsageRing         Usage = 3
	UsageAlarm        Usage = 4
	UsageNotification Usage = 5
)

var usageNames = [...]string{"", "media", "voice", "ring", "alarm", "notification"}

// String returns the usage's name.
func (u Usage) String() string {
	if int(u) < len(usageNames) && u != 0 {
		return usageNames[u]
	}
	return fmt.Sprintf("usage(%d)", uint8(u))
}

// Params are a stream's sample parameters.
type Params struct {
	Rate     uint32
	Channels uint16
	Format   Format
}

// FrameBytes returns the size of one frame.
func (p Params) FrameBytes() int { return int(p.Channels) * p.Format.SampleBytes() }

// Validate checks that p describes a usable stream.
func (p Params) Validate() error {
	if p.Rate < 8000 || p.Rate > 192000 {
		return fmt.Errorf("%w: rate %d outside 8000..192000", ErrInvalid, p.Rate)
	}
	if p.Channels < 1 || p.Channels > 8 {
		return fmt.Errorf("%w: %d channels outside 1..8", ErrInvalid, p.Channels)
	}
	if p.Format.SampleBytes() == 0 {
		return fmt.Errorf("%w: %v", ErrInvalid, p.Format)
	}
	return nil
}

// Message sizes. Control messages travel on a SOCK_SEQPACKET socket, one per
// packet; a packet of any other size is refused.
const (
	OpenSize    = 16
	OpenedSize  = 32
	ErrorMaxLen = 200
	MaxMsgSize  = 4 + ErrorMaxLen
)

// Opcodes, the first byte of every message.
const (
	OpOpen   = 1 // client → server: Open
	OpOpened = 2 // server → client: Opened, with the memfd and eventfd attached
	OpError  = 3 // server → client: an error code and text; the server then closes
)

// Errors carried by OpError, by code.
var (
	ErrInvalid     = errors.New("invalid stream request")
	ErrLimit       = errors.New("stream limit reached")
	ErrUnsupported = errors.New("unsupported stream")
	ErrInternal    = errors.New("server error")
	ErrMalformed   = errors.New("malformed message")
)

var codeErrs = [...]error{nil, ErrInvalid, ErrLimit, ErrUnsupported, ErrInternal}

// Open asks for a stream. The connection it is sent on then belongs to the
// stream: closing it closes the stream.
//
//	off size field
//	  0    1 op = OpOpen
//	  1    1 direction
//	  2    1 usage
//	  3    1 reserved (0)
//	  4    4 rate
//	  8    2 channels
//	 10    2 format
//	 12    4 period hint in frames (0: no preference)
type Open struct {
	Dir        Direction
	Usage      Usage
	Params     Params
	PeriodHint uint32
}

// AppendOpen appends the encoding of m to b.
func AppendOpen(b []byte, m Open) []byte {
	var p [OpenSize]byte
	p[0], p[1], p[2] = OpOpen, byte(m.Dir), byte(m.Usage)
	le.PutUint32(p[4:], m.Params.Rate)
	le.PutUint16(p[8:], m.Params.Channels)
	le.PutUint16(p[10:], uint16(m.Params.Format))
	le.PutUint32(p[12:], m.PeriodHint)
	return append(b, p[:]...)
}

// DecodeOpen decodes an Open packet. It checks the framing, not the values
// (Open.Validate does that).
func DecodeOpen(p []byte) (Open, error) {
	if len(p) != OpenSize || p[0] != OpOpen {
		return Open{}, fmt.Errorf("%w: open packet of %d bytes", ErrMalformed, len(p))
	}
	return Open{
		Dir:   Direction(p[1]),
		Usage: Usage(p[2]),
		Params: Params{
			Rate:     le.Uint32(p[4:]),
			Channels: le.Uint16(p[8:]),
			Format:   Format(le.Uint16(p[10:])),
		},
		PeriodHint: le.Uint32(p[12:]),
	}, nil
}

// Validate checks the request's values.
func (m Open) Validate() error {
	if m.Dir != Output && m.Dir != Input {
		return fmt.Errorf("%w: direction %d", ErrInvalid, m.Dir)
	}
	if m.Usage < UsageMedia || m.Usage > UsageNotification {
		return fmt.Errorf("%w: %v", ErrInvalid, m.Usage)
	}
	if m.PeriodHint > MaxCapacity {
		return fmt.Errorf("%w: period hint %d frames", ErrInvalid, m.PeriodHint)
	}
	return m.Params.Validate()
}

// Opened answers an Open. The memfd holding the ring and the pacing eventfd
// travel with it as SCM_RIGHTS, in that order.
//
//	off size field
//	  0    1 op = OpOpened
//	  1    3 reserved (0)
//	  4    4 stream id
//	  8    4 rate
//	 12    2 channels
//	 14    2 format
//	 16    4 capacity in frames
//	 20    4 device period in frames
//	 24    4 ring size in bytes (the memfd's size)
//	 28    4 reserved (0)
type Opened struct {
	ID       uint32
	Geometry Geometry
	Size     uint32
}

// AppendOpened appends the encoding of m to b.
func AppendOpened(b []byte, m Opened) []byte {
	var p [OpenedSize]byte
	p[0] = OpOpened
	le.PutUint32(p[4:], m.ID)
	le.PutUint32(p[8:], m.Geometry.Rate)
	le.PutUint16(p[12:], m.Geometry.Channels)
	le.PutUint16(p[14:], uint16(m.Geometry.Format))
	le.PutUint32(p[16:], m.Geometry.Capacity)
	le.PutUint32(p[20:], m.Geometry.Period)
	le.PutUint32(p[24:], m.Size)
	return append(b, p[:]...)
}

// AppendError appends an OpError packet carrying err (one of the package's
// sentinel errors, possibly wrapped) to b. The text is cut to ErrorMaxLen.
func AppendError(b []byte, err error) []byte {
	code := byte(4)
	msg := err.Error()
	for i, e := range codeErrs {
		if e != nil && errors.Is(err, e) {
			code = byte(i)
			msg = strings.TrimPrefix(msg, e.Error()+": ")
			break
		}
	}
	if len(msg) > ErrorMaxLen {
		msg = msg[:ErrorMaxLen]
	}
	b = append(b, OpError, code, byte(len(msg)), 0)
	return append(b, msg...)
}

// DecodeReply decodes the server's answer to Open. An OpError packet comes
// back as an error that matches its sentinel with errors.Is.
func DecodeReply(p []byte) (Opened, error) {
	if len(p) >= 4 && p[0] == OpError {
		code, n := int(p[1]), int(p[2])
		if code == 0 || code >= len(codeErrs) || n > len(p)-4 {
			return Opened{}, fmt.Errorf("%w: error packet code %d length %d", ErrMalformed, code, n)
		}
		return Opened{}, fmt.Errorf("%w: %s", codeErrs[code], p[4:4+n])
	}
	if len(p) != OpenedSize || p[0] != OpOpened {
		return Opened{}, fmt.Errorf("%w: reply of %d bytes", ErrMalformed, len(p))
	}
	m := Opened{
		ID: le.Uint32(p[4:]),
		Geometry: Geometry{
			Params: Params{
				Rate:     le.Uint32(p[8:]),
				Channels: le.Uint16(p[12:]),
				Format:   Format(le.Uint16(p[14:])),
			},
			Capacity: le.Uint32(p[16:]),
			Period:   le.Uint32(p[20:]),
		},
		Size: le.Uint32(p[24:]),
	}
	if err := m.Geometry.Validate(); err != nil {
		return Opened{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if int(m.Size) < m.Geometry.Size() {
		return Opened{}, fmt.Errorf("%w: ring size %d below %d", ErrMalformed, m.Size, m.Geometry.Size())
	}
	return m, nil
}
