package parcel

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
)

// relayStream is 64 oFono-sized DIAL requests back to back.
func relayStream() []byte {
	var s []byte
	for i := range 64 {
		s = AppendFrame(s, AppendRequest(nil, ReqDial, int32(i), Dial{Address: Str("+15551234567")}.AppendTo(nil)))
	}
	return s
}

// BenchmarkRelay is the multiplexer's request hot path with this package:
// read a record, parse the header, rewrite the serial in place, frame it
// again into a reused buffer.
func BenchmarkRelay(b *testing.B) {
	stream := relayStream()
	r := bytes.NewReader(stream)
	fr := NewFrameReader(r, MaxBody)
	out := make([]byte, 0, MaxBody+4)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(stream)
		for {
			body, err := fr.Next()
			if err != nil {
				break
			}
			req, _ := ParseRequest(body)
			SetRequestSerial(body, req.Serial+1000)
			out = AppendFrame(out[:0], body)
		}
	}
}

// BenchmarkRelayNaive is the same work written the obvious way: a new body
// slice per record, binary.Read for the header, a new output record.
func BenchmarkRelayNaive(b *testing.B) {
	stream := relayStream()
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		r := bytes.NewReader(stream)
		for {
			var n uint32
			if err := binary.Read(r, binary.BigEndian, &n); err != nil {
				break
			}
			body := make([]byte, n)
			if _, err := io.ReadFull(r, body); err != nil {
				break
			}
			var hdr struct{ ID, Serial int32 }
			_ = binary.Read(bytes.NewReader(body), binary.LittleEndian, &hdr)
			hdr.Serial += 1000
			var w bytes.Buffer
			_ = binary.Write(&w, binary.BigEndian, n)
			_ = binary.Write(&w, binary.LittleEndian, hdr)
			w.Write(body[8:])
		}
	}
}

// BenchmarkDecodeCallList decodes a three-call GET_CURRENT_CALLS answer.
func BenchmarkDecodeCallList(b *testing.B) {
	p := CallList{{State: CallActive, Index: 1, TOA: 145, IsVoice: true, Number: Str("+15551234567")},
		{State: CallHolding, Index: 2, TOA: 145, IsVoice: true, Number: Str("+15557654321")},
		{State: CallWaiting, Index: 3, TOA: 129, IsMT: true, IsVoice: true, Number: Str("5550001111")}}.AppendTo(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeResponse(ReqGetCurrentCalls, p); err != nil {
			b.Fatal(err)
		}
	}
}
