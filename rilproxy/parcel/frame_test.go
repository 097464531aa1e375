package parcel

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestFrameReader(t *testing.T) {
	two := append(AppendFrame(nil, []byte{1, 2, 3, 4}), AppendFrame(nil, []byte{5, 6, 7, 8, 9, 10, 11, 12})...)
	tests := []struct {
		name    string
		stream  io.Reader
		max     int
		bodies  int
		wantErr error
	}{
		{"coalesced", bytes.NewReader(two), MaxBody, 2, io.EOF},
		{"split byte by byte", iotest.OneByteReader(bytes.NewReader(two)), MaxBody, 2, io.EOF},
		{"empty stream", bytes.NewReader(nil), MaxBody, 0, io.EOF},
		{"truncated length", bytes.NewReader([]byte{0, 0}), MaxBody, 0, io.ErrUnexpectedEOF},
		{"truncated body", bytes.NewReader(two[:len(two)-3]), MaxBody, 1, io.ErrUnexpectedEOF},
		{"over limit", bytes.NewReader(AppendFrame(nil, make([]byte, MaxClientBody+1))), MaxClientBody, 0, ErrFrameTooLarge},
		{"at limit", bytes.NewReader(AppendFrame(nil, make([]byte, MaxClientBody))), MaxClientBody, 1, io.EOF},
		{"lying length", bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff, 1}), MaxBody, 0, ErrFrameTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := NewFrameReader(tt.stream, tt.max)
			n := 0
			var err error
			for {
				if _, err = fr.Next(); err != nil {
					break
				}
				n++
			}
			if n != tt.bodies || !errors.Is(err, tt.wantErr) {
				t.Errorf("got %d bodies, err %v; want %d, %v", n, err, tt.bodies, tt.wantErr)
			}
		})
	}
}

func TestBeginEndFrame(t *testing.T) {
	b, at := BeginFrame([]byte("x"))
	b = AppendUnsol(b, UnsolCallStateChanged, nil)
	b, err := EndFrame(b, at, MaxClientBody)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{'x', 0, 0, 0, 8, 1, 0, 0, 0, 0xe9, 3, 0, 0}
	if !bytes.Equal(b, want) {
		t.Errorf("got % x, want % x", b, want)
	}
	b, at = BeginFrame(b)
	b = append(b, make([]byte, MaxClientBody+1)...)
	b, err = EndFrame(b, at, MaxClientBody)
	if !errors.Is(err, ErrFrameTooLarge) || !bytes.Equal(b, want) {
		t.Errorf("oversized frame: err %v, len %d", err, len(b))
	}
	var w bytes.Buffer
	if _, err := WriteFrame(&w, nil, make([]byte, MaxClientBody+1), MaxClientBody); !errors.Is(err, ErrFrameTooLarge) || w.Len() != 0 {
		t.Errorf("WriteFrame over limit: %v, wrote %d", err, w.Len())
	}
}

func TestFrameReaderNoAllocs(t *testing.T) {
	rec := AppendFrame(nil, AppendRequest(nil, ReqDial, 7, make([]byte, 40)))
	r := bytes.NewReader(rec)
	fr := NewFrameReader(r, MaxBody)
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(rec)
		body, err := fr.Next()
		if err != nil {
			t.Fatal(err)
		}
		req, _ := ParseRequest(body)
		SetRequestSerial(body, req.Serial+1)
	})
	if allocs != 0 {
		t.Errorf("%v allocs per record, want 0", allocs)
	}
}
