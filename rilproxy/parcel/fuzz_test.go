package parcel

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzFrames feeds arbitrary streams to the frame reader and every body to
// the header parsers: no panic, no body over the limit.
func FuzzFrames(f *testing.F) {
	f.Add(AppendFrame(nil, AppendUnsol(nil, UnsolRilConnected, AppendInts(nil, 12))))
	f.Add(AppendFrame(nil, AppendRequest(nil, ReqDial, 1, Dial{Address: Str("+1555")}.AppendTo(nil))))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0, 0, 4, 1})
	f.Fuzz(func(t *testing.T, stream []byte) {
		fr := NewFrameReader(bytes.NewReader(stream), MaxClientBody)
		for {
			body, err := fr.Next()
			if err != nil {
				var fe *FrameSizeError
				if errors.As(err, &fe) && fe.Size <= MaxClientBody {
					t.Fatalf("size error for %d bytes", fe.Size)
				}
				return
			}
			if len(body) > MaxClientBody {
				t.Fatalf("body of %d bytes", len(body))
			}
			if req, err := ParseRequest(body); err == nil {
				_, _ = DecodeRequest(req.ID, req.Payload)
			}
			if m, err := ParseMessage(body); err == nil && m.IsUnsolicited() {
				_, _ = DecodeUnsol(m.Unsol, m.Payload)
			}
		}
	})
}

// FuzzParcel decodes arbitrary payloads as every request, response and
// indication id: never a panic, and whatever decodes re-encodes to a payload
// that decodes to the same encoding.
func FuzzParcel(f *testing.F) {
	f.Add(int32(ReqDial), Dial{Address: Str("+15551234567")}.AppendTo(nil))
	f.Add(int32(ReqGetCurrentCalls), CallList{{State: 2, Index: 1, Number: Str("1")}}.AppendTo(nil))
	f.Add(int32(ReqSimIo), SIMIO{Path: Str("3F00")}.AppendTo(nil))
	f.Add(int32(UnsolNewSms), AppendString(nil, "00"))
	f.Add(int32(ReqSetupDataCall), DataCallList{Version: 11, Calls: []DataCall{{}}}.AppendTo(nil))
	f.Add(int32(ReqGetSimStatus), CardStatus{Apps: []AppStatus{{}}}.AppendTo(nil))
	f.Fuzz(func(t *testing.T, id int32, payload []byte) {
		check := func(kind string, v Payload, err error, decode func([]byte) (Payload, error)) {
			if err != nil {
				return
			}
			enc := v.AppendTo(nil)
			v2, err := decode(enc)
			if err != nil {
				t.Fatalf("%s %d: re-encoded %x does not decode: %v", kind, id, enc, err)
			}
			if enc2 := v2.AppendTo(nil); !bytes.Equal(enc, enc2) {
				t.Fatalf("%s %d: unstable encoding %x vs %x", kind, id, enc, enc2)
			}
		}
		for _, rid := range []ReqID{ReqID(id), ReqID(id%140 + 1)} {
			v, err := DecodeRequest(rid, payload)
			check("request", v, err, func(b []byte) (Payload, error) { return DecodeRequest(rid, b) })
			v, err = DecodeResponse(rid, payload)
			check("response", v, err, func(b []byte) (Payload, error) { return DecodeResponse(rid, b) })
		}
		uid := UnsolID(1000 + uint32(id)%47)
		v, err := DecodeUnsol(uid, payload)
		check("unsol", v, err, func(b []byte) (Payload, error) { return DecodeUnsol(uid, b) })
		d := NewDecoder(payload)
		for d.Err() == nil && d.Remaining() > 0 {
			switch (d.Offset() + int(uint32(id)%5)) % 5 {
			case 0:
				d.String16()
			case 1:
				d.Strings()
			case 2:
				d.Ints()
			case 3:
				d.Bytes()
			default:
				d.Int64()
			}
		}
	})
}
