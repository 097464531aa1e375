package mix

import (
	"fmt"
	"testing"
)

// BenchmarkMix mixes N s16 stereo streams of one 5 ms period (240 frames)
// into an s16 device buffer and reports ns per frame per stream.
func BenchmarkMix(b *testing.B) {
	const frames, ch = 240, 2
	for _, n := range []int{2, 8, 32} {
		b.Run(fmt.Sprintf("streams=%d", n), func(b *testing.B) {
			srcs := make([][]int16, n)
			gains := make([]Ramp, n)
			for i := range srcs {
				srcs[i] = make([]int16, frames*ch)
				for j := range srcs[i] {
					srcs[i][j] = int16(j * 37 * (i + 1))
				}
				gains[i] = NewRamp(0.5)
			}
			acc := make([]float32, frames*ch)
			out := make([]int16, frames*ch)
			b.ReportAllocs()
			for b.Loop() {
				Clear(acc)
				for i := range srcs {
					AddS16(acc, srcs[i], ch, &gains[i])
				}
				ClipS16(out, acc)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/frames/float64(n), "ns/frame/stream")
		})
	}
}
