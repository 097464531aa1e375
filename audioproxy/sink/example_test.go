package sink_test

import (
	"bytes"
	"fmt"

	"droidplex/audioproxy/sink"
)

// A WAV header for one second of the default device format.
func ExampleAppendWAVHeader() {
	p := sink.Default.Params
	h := sink.AppendWAVHeader(nil, p, p.Rate*uint32(p.FrameBytes()))
	got, data, err := sink.ReadWAV(bytes.NewReader(append(h, make([]byte, 192000)...)))
	fmt.Println(len(h), got.Rate, got.Channels, got.Format, len(data), err)
	// Output: 44 48000 2 s16 192000 <nil>
}
