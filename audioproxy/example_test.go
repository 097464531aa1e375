package audioproxy_test

import (
	"encoding/binary"
	"fmt"

	"droidplex/audioproxy"
	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/wire"
)

// Two containers each play a constant 0.25 full-scale signal; the device
// callback sums them, the second at half volume (gains ramp in over 5 ms),
// and advances each stream's clock by what the device consumed.
func Example() {
	dev := audioproxy.Device{Params: wire.Params{Rate: 48000, Channels: 1, Format: wire.FormatS16}, Period: 240}
	eng, _ := audioproxy.NewEngine(dev, 8)
	g := wire.Geometry{Capacity: 480, Params: dev.Params, Period: dev.Period}
	var waker audioproxytest.Waker
	var rings []*wire.Ring
	for i, name := range []string{"personal", "work"} {
		ring, _ := audioproxytest.Ring(g)
		c := eng.Container(name)
		if i == 1 {
			c.SetVolume(0.5)
		}
		eng.Attach(c, ring, wire.Output, wire.UsageMedia, &waker)
		rings = append(rings, ring)
	}
	out := make([]byte, 240*2)
	for range 3 { // three periods; each shim writes one period ahead
		for _, r := range rings {
			a, b := r.Span(r.WritePos(), 240)
			for _, p := range [][]byte{a, b} {
				for j := 0; j+1 < len(p); j += 2 {
					binary.LittleEndian.PutUint16(p[j:], 8192) // 0.25
				}
			}
			r.SetWritePos(r.WritePos() + 240)
		}
		eng.Process(out, 240)
	}
	fmt.Printf("last sample %.3f\n", float64(int16(binary.LittleEndian.Uint16(out[len(out)-2:])))/32768)
	for _, s := range eng.Streams(nil) {
		fmt.Println(s.Container().Name(), "consumed", s.Consumed(), "frames")
	}
	// Output:
	// last sample 0.375
	// personal consumed 720 frames
	// work consumed 720 frames
}
