package parcel_test

import (
	"bytes"
	"fmt"

	"droidplex/rilproxy/parcel"
)

// A client sends a request; the server reads the record, decodes the typed
// payload and answers with a framed response.
func Example() {
	var stream bytes.Buffer
	req := parcel.AppendRequest(nil, parcel.ReqDial, 7, parcel.Dial{Address: parcel.Str("+15551234567")}.AppendTo(nil))
	stream.Write(parcel.AppendFrame(nil, req))

	fr := parcel.NewFrameReader(&stream, parcel.MaxBody)
	body, _ := fr.Next()
	r, _ := parcel.ParseRequest(body)
	v, _ := parcel.DecodeRequest(r.ID, r.Payload)
	fmt.Println(r.ID, r.Serial, v.(parcel.Dial).Address.S)

	out, at := parcel.BeginFrame(nil)
	out = parcel.AppendResponse(out, r.Serial, parcel.Success, nil)
	out, err := parcel.EndFrame(out, at, parcel.MaxClientBody)
	fmt.Printf("% x %v\n", out, err)
	// Output:
	// DIAL(10) 7 +15551234567
	// 00 00 00 0c 00 00 00 00 07 00 00 00 00 00 00 00 <nil>
}

// Strings are UTF-16 with a NUL and padding; null is -1.
func ExampleAppendStrings() {
	b := parcel.AppendStrings(nil, parcel.Str("1"), parcel.Null)
	fmt.Printf("% x\n", b)
	d := parcel.NewDecoder(b)
	fmt.Println(d.Strings(), d.Err())
	// Output:
	// 02 00 00 00 01 00 00 00 31 00 00 00 ff ff ff ff
	// ["1" <null>] <nil>
}

// An indication from the modem: the type word, the id and the payload.
func ExampleParseMessage() {
	body := parcel.AppendUnsol(nil, parcel.UnsolRilConnected, parcel.AppendInts(nil, 12))
	m, _ := parcel.ParseMessage(body)
	v, _ := parcel.DecodeUnsol(m.Unsol, m.Payload)
	fmt.Println(m.IsUnsolicited(), m.Unsol, v)
	// Output: true RIL_CONNECTED(1034) [12]
}
