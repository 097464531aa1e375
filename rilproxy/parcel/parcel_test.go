package parcel

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAppendGolden(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"string 1 (ril.md 1.2)", AppendString(nil, "1"), "01000000" + "3100" + "0000"},
		{"empty string", AppendString(nil, ""), "00000000" + "00000000"},
		{"null string", AppendNullString(nil, Null), "ffffffff"},
		{"number", AppendString(nil, "+15551234567"), "0c000000" + "2b00310035003500350031003200330034003500360037000000" + "0000"},
		{"surrogate pair", AppendString(nil, "😀"), "02000000" + "3dd800de" + "00000000"},
		{"ints", AppendInts(nil, 1, -1), "02000000" + "01000000" + "ffffffff"},
		{"strings with null", AppendStrings(nil, Str("PS"), Str(""), Null), "03000000" + "02000000500053000000" + "0000" + "0000000000000000" + "ffffffff"},
		{"bytes padded", AppendBytes(nil, []byte{1, 2, 3}), "03000000" + "01020300"},
		{"null bytes", AppendBytes(nil, nil), "ffffffff"},
		{"int64", AppendInt64(nil, -2), "feffffffffffffff"},
		{"request", AppendRequest(nil, ReqBasebandVersion, 1, nil), "33000000" + "01000000"},
		{"response", AppendResponse(nil, 3, Success, nil), "00000000" + "03000000" + "00000000"},
		{"unsol", AppendUnsol(nil, UnsolRadioStateChanged, AppendInt32(nil, 0)), "01000000" + "e8030000" + "00000000"},
	}
	for _, tt := range tests {
		if got := hex.EncodeToString(tt.got); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestDecoderRoundTrip(t *testing.T) {
	b := AppendInt32(nil, 7)
	b = AppendInt64(b, 1<<40)
	b = AppendStrings(b, Str("héllo 😀"), Null, Str(""))
	b = AppendInts(b, 3, 4)
	b = AppendBytes(b, []byte{9, 8, 7, 6, 5})
	d := NewDecoder(b)
	if d.Int32() != 7 || d.Int64() != 1<<40 {
		t.Fatal("ints")
	}
	ss := d.Strings()
	is := d.Ints()
	bs := d.Bytes()
	if d.Err() != nil || d.Remaining() != 0 || d.Offset() != len(b) {
		t.Fatalf("err %v remaining %d", d.Err(), d.Remaining())
	}
	if len(ss) != 3 || ss[0] != Str("héllo 😀") || ss[1].Valid || ss[2] != Str("") {
		t.Errorf("strings %v", ss)
	}
	if len(is) != 2 || is[1] != 4 || !bytes.Equal(bs, []byte{9, 8, 7, 6, 5}) {
		t.Errorf("ints %v bytes %v", is, bs)
	}
}

func TestDecoderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		read func(*Decoder)
		want error
	}{
		{"short int32", "010000", func(d *Decoder) { d.Int32() }, ErrShort},
		{"lying string length", "ffffff7f", func(d *Decoder) { d.String16() }, ErrShort},
		{"negative string length", "feffffff", func(d *Decoder) { d.String16() }, ErrBadValue},
		{"string missing NUL", "010000003100", func(d *Decoder) { d.String16() }, ErrShort},
		{"lying int count", "00010000" + "01000000", func(d *Decoder) { d.Ints() }, ErrShort},
		{"lying string count", "10000000" + "ffffffff", func(d *Decoder) { d.Strings() }, ErrShort},
		{"lying byte count", "05000000" + "0102", func(d *Decoder) { d.Bytes() }, ErrShort},
		{"short int64", "01000000", func(d *Decoder) { d.Int64() }, ErrShort},
	}
	for _, tt := range tests {
		d := NewDecoder(unhex(t, tt.in))
		tt.read(d)
		d.Int32() // sticky: no panic, error unchanged
		if !errors.Is(d.Err(), tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, d.Err(), tt.want)
		}
	}
}

func TestParseMessage(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Message
		err  error
	}{
		{"solicited", "00000000" + "05000000" + "02000000" + "aa", Message{Type: Solicited, Serial: 5, Error: GenericFailure, Payload: []byte{0xaa}}, nil},
		{"unsolicited", "01000000" + "e9030000", Message{Type: Unsolicited, Unsol: UnsolCallStateChanged, Payload: []byte{}}, nil},
		{"ack", "02000000" + "09000000", Message{Type: SolicitedAck, Serial: 9, Payload: []byte{}}, nil},
		{"ack exp", "03000000" + "09000000" + "00000000", Message{Type: SolicitedAckExp, Serial: 9, Payload: []byte{}}, nil},
		{"unsol ack exp", "04000000" + "eb030000", Message{Type: UnsolicitedAckExp, Unsol: UnsolNewSms, Payload: []byte{}}, nil},
		{"bad type", "07000000" + "00000000", Message{}, ErrBadValue},
		{"truncated", "00000000" + "0500", Message{}, ErrShort},
		{"empty", "", Message{}, ErrShort},
	}
	for _, tt := range tests {
		m, err := ParseMessage(unhex(t, tt.in))
		if !errors.Is(err, tt.err) || m.Type != tt.want.Type || m.Serial != tt.want.Serial ||
			m.Error != tt.want.Error || m.Unsol != tt.want.Unsol || !bytes.Equal(m.Payload, tt.want.Payload) {
			t.Errorf("%s: got %+v, %v; want %+v, %v", tt.name, m, err, tt.want, tt.err)
		}
	}
	if _, err := ParseRequest([]byte{1, 0, 0, 0}); !errors.Is(err, ErrShort) {
		t.Errorf("short request: %v", err)
	}
}

func TestRewriteInPlace(t *testing.T) {
	b := AppendResponse(nil, 1, Success, nil)
	SetResponseSerial(b, 42)
	SetResponseType(b, SolicitedAckExp)
	m, err := ParseMessage(b)
	if err != nil || m.Serial != 42 || m.Type != SolicitedAckExp {
		t.Errorf("got %+v %v", m, err)
	}
}
