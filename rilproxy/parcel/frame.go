package parcel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Body size limits of one record (the length word not included).
const (
	// MaxBody is libril's and RIL.java's MAX_COMMAND_BYTES: a record over
	// this size makes libril drop the client.
	MaxBody = 8192
	// MaxClientBody is the largest body that may be sent to a client: oFono
	// calls exit(1) on a body over 8188 bytes ("RIL parcel bigger than
	// buffer"). Every body sent towards a client must respect it.
	MaxClientBody = 8188
)

// ErrFrameTooLarge is reported (wrapped in a *FrameSizeError) for a record
// whose length is over the reader's or writer's limit.
var ErrFrameTooLarge = errors.New("rild record too large")

// FrameSizeError is a record length over a limit.
type FrameSizeError struct {
	Size, Max int
}

// Error describes the size and the limit.
func (e *FrameSizeError) Error() string {
	return fmt.Sprintf("rild record of %d bytes over the %d-byte limit", e.Size, e.Max)
}

// Is reports whether target is ErrFrameTooLarge.
func (e *FrameSizeError) Is(target error) bool { return target == ErrFrameTooLarge }

// AppendFrame appends a record (length word and body) to dst.
func AppendFrame(dst, body []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(body)))
	return append(dst, body...)
}

// BeginFrame appends a placeholder length word to dst and returns the
// extended slice and the offset of the record, for building a body in place:
//
//	b, at := BeginFrame(b)
//	b = AppendInt32(b, ...)
//	b, err := EndFrame(b, at, MaxClientBody)
func BeginFrame(dst []byte) ([]byte, int) {
	return append(dst, 0, 0, 0, 0), len(dst)
}

// EndFrame fills in the length word of the record started at offset at by
// BeginFrame. A body over max is an error and the record is removed from b.
func EndFrame(b []byte, at, max int) ([]byte, error) {
	n := len(b) - at - 4
	if n > max {
		return b[:at], &FrameSizeError{Size: n, Max: max}
	}
	binary.BigEndian.PutUint32(b[at:], uint32(n))
	return b, nil
}

// WriteFrame writes body as one record with a single Write call, refusing
// bodies over max. buf is scratch space (it may be nil); the extended
// scratch space is returned for reuse.
func WriteFrame(w io.Writer, buf, body []byte, max int) ([]byte, error) {
	if len(body) > max {
		return buf, &FrameSizeError{Size: len(body), Max: max}
	}
	buf = AppendFrame(buf[:0], body)
	_, err := w.Write(buf)
	return buf, err
}

// FrameReader reads records from a byte stream that may split or coalesce
// them arbitrarily. It owns one buffer of the limit's size, so reading
// allocates nothing after construction.
type FrameReader struct {
	r   io.Reader
	max int
	buf []byte
	hdr [4]byte
}

// NewFrameReader reads records of at most max body bytes from r.
func NewFrameReader(r io.Reader, max int) *FrameReader {
	return &FrameReader{r: r, max: max, buf: make([]byte, max)}
}

// Next returns the next record's body; it stays valid until the next call.
// At a clean end of stream between records it returns io.EOF; a stream that
// ends inside a record gives io.ErrUnexpectedEOF; a length over the limit
// gives a *FrameSizeError (the stream is then out of step and should be
// closed).
func (f *FrameReader) Next() ([]byte, error) {
	if _, err := io.ReadFull(f.r, f.hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(f.hdr[:])
	if n > uint32(f.max) {
		return nil, &FrameSizeError{Size: int(n), Max: f.max}
	}
	body := f.buf[:n]
	if _, err := io.ReadFull(f.r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}
