package mockmodem_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"droidplex/rilproxy/mockmodem"
	"droidplex/rilproxy/parcel"
)

// Use the mock modem in-process: serve it on a socket, connect as a rild
// client, and see what libril sends on accept.
func Example() {
	dir, _ := os.MkdirTemp("", "modem")
	defer os.RemoveAll(dir)
	l, _ := net.Listen("unix", filepath.Join(dir, "rild"))
	m := mockmodem.New(mockmodem.Config{}, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Serve(ctx, l) }()

	conn, _ := net.Dial("unix", filepath.Join(dir, "rild"))
	fr := parcel.NewFrameReader(conn, parcel.MaxClientBody)
	for range 2 {
		body, _ := fr.Next()
		msg, _ := parcel.ParseMessage(body)
		v, _ := parcel.DecodeUnsol(msg.Unsol, msg.Payload)
		fmt.Println(msg.Unsol.Name(), v)
	}
	conn.Write(parcel.AppendFrame(nil, parcel.AppendRequest(nil, parcel.ReqGetImsi, 1, parcel.AppendStrings(nil, parcel.Null))))
	body, _ := fr.Next()
	msg, _ := parcel.ParseMessage(body)
	v, _ := parcel.DecodeResponse(parcel.ReqGetImsi, msg.Payload)
	fmt.Println(msg.Serial, v.(parcel.String).Value.S)

	conn.Close()
	cancel()
	m.Close()
	fmt.Println(<-done)
	// Output:
	// RIL_CONNECTED [12]
	// RESPONSE_RADIO_STATE_CHANGED {0}
	// 1 001010123456789
	// <nil>
}
