package sink

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"droidplex/audioproxy/wire"
)

// WAVHeaderSize is the size of the header AppendWAVHeader writes.
const WAVHeaderSize = 44

// AppendWAVHeader appends a 44-byte RIFF/WAVE header for dataBytes of PCM in
// p to b. Pass 0xFFFFFFFF as dataBytes for a stream of unknown length.
func AppendWAVHeader(b []byte, p wire.Params, dataBytes uint32) []byte {
	var h [WAVHeaderSize]byte
	le := binary.LittleEndian
	riff := dataBytes + 36
	if dataBytes > 0xFFFFFFFF-36 {
		riff = 0xFFFFFFFF
	}
	copy(h[0:], "RIFF")
	le.PutUint32(h[4:], riff)
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	tag := uint16(1) // PCM
	if p.Format == wire.FormatF32 {
		tag = 3 // IEEE float
	}
	le.PutUint16(h[20:], tag)
	le.PutUint16(h[22:], p.Channels)
	le.PutUint32(h[24:], p.Rate)
	le.PutUint32(h[28:], p.Rate*uint32(p.FrameBytes()))
	le.PutUint16(h[32:], uint16(p.FrameBytes()))
	le.PutUint16(h[34:], uint16(p.Format.SampleBytes()*8))
	copy(h[36:], "data")
	le.PutUint32(h[40:], dataBytes)
	return append(b, h[:]...)
}

// ErrNotWAV is returned by ReadWAV for input that is not PCM WAV.
var ErrNotWAV = errors.New("not a PCM WAV file")

// ReadWAV reads a PCM (s16 or float) WAV file and returns its parameters and
// sample data. A data chunk whose size is 0 or 0xFFFFFFFF (a stream that was
// cut off) extends to the end of the input.
func ReadWAV(r io.Reader) (wire.Params, []byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return wire.Params{}, nil, err
	}
	le := binary.LittleEndian
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return wire.Params{}, nil, ErrNotWAV
	}
	var p wire.Params
	for off := 12; off+8 <= len(b); {
		id, n := string(b[off:off+4]), uint64(le.Uint32(b[off+4:]))
		body := b[off+8:]
		switch id {
		case "fmt ":
			if n < 16 || len(body) < 16 {
				return p, nil, fmt.Errorf("%w: short fmt chunk", ErrNotWAV)
			}
			tag, bits := le.Uint16(body[0:]), le.Uint16(body[14:])
			p.Channels, p.Rate = le.Uint16(body[2:]), le.Uint32(body[4:])
			switch {
			case (tag == 1 || tag == 0xFFFE) && bits == 16:
				p.Format = wire.FormatS16
			case (tag == 3 || tag == 0xFFFE) && bits == 32:
				p.Format = wire.FormatF32
			default:
				return p, nil, fmt.Errorf("%w: format tag %d, %d bits", ErrNotWAV, tag, bits)
			}
		case "data":
			if p.Format == 0 {
				return p, nil, fmt.Errorf("%w: data before fmt", ErrNotWAV)
			}
			if n == 0 || n == 0xFFFFFFFF || n > uint64(len(body)) {
				n = uint64(len(body))
			}
			return p, body[:n], nil
		}
		off += 8 + int(min(n+n&1, uint64(len(b))))
	}
	return p, nil, fmt.Errorf("%w: no data chunk", ErrNotWAV)
}

// wavFile is the WAV sink: real-time paced like the null sink, each period
// appended to the file, sizes fixed on Close. A file that fails (a full
// disk) does not stop the device: it keeps consuming at its pace, so the
// streams keep their clocks, and Close reports the failure.
type wavFile struct {
	*clock
	f     *os.File
	w     *bufio.Writer
	bytes uint64
	err   error // the first write error; the period thread's until Stop
}

// NewWAV returns a sink that writes what it plays to a WAV file at path,
// consuming at the device's pace.
func NewWAV(path string, cfg Config) (Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("wav sink: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("wav sink: %w", err)
	}
	s := &wavFile{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	if _, err := s.w.Write(AppendWAVHeader(nil, cfg.Params, 0xFFFFFFFF)); err != nil {
		f.Close()
		return nil, fmt.Errorf("wav sink: %w", err)
	}
	s.clock = &clock{cfg: cfg, out: s.write}
	return s, nil
}

func (s *wavFile) write(b []byte) error {
	if s.err != nil {
		return nil
	}
	s.bytes += uint64(len(b))
	_, s.err = s.w.Write(b)
	return nil
}

func (s *wavFile) Close() error {
	err := s.Stop()
	if err == nil {
		err = s.err
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	n := uint32(min(s.bytes, 0xFFFFFFFF-36))
	if _, werr := s.f.WriteAt(AppendWAVHeader(nil, s.cfg.Params, n), 0); err == nil {
		err = werr
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("wav sink: %w", err)
	}
	return nil
}
