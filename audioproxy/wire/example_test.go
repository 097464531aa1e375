package wire_test

import (
	"fmt"

	"droidplex/audioproxy/wire"
)

// A shim asks for a 48 kHz stereo media stream and reads the server's answer.
func Example() {
	req := wire.AppendOpen(nil, wire.Open{
		Dir:    wire.Output,
		Usage:  wire.UsageMedia,
		Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16},
	})
	fmt.Println("open packet:", len(req), "bytes")

	g := wire.Geometry{Capacity: 1024, Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}, Period: 240}
	m, err := wire.DecodeReply(wire.AppendOpened(nil, wire.Opened{ID: 1, Geometry: g, Size: uint32(g.Size())}))
	fmt.Println(m.Geometry.Capacity, m.Geometry.FrameBytes(), m.Size, err)

	_, err = wire.DecodeReply(wire.AppendError(nil, fmt.Errorf("%w: 8 streams per container", wire.ErrLimit)))
	fmt.Println(err)
	// Output:
	// open packet: 16 bytes
	// 1024 4 4224 <nil>
	// stream limit reached: 8 streams per container
}
