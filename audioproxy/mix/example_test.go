package mix_test

import (
	"fmt"

	"droidplex/audioproxy/mix"
)

// Two s16 stereo streams mixed into an s16 device buffer, the second at half
// gain; the sum clips at full scale.
func Example() {
	a := []int16{16384, 16384, 30000, -30000}
	b := []int16{16384, -16384, 30000, -30000}
	acc := make([]float32, 4)
	ga, gb := mix.NewRamp(1), mix.NewRamp(0.5)
	mix.AddS16(acc, a, 2, &ga)
	mix.AddS16(acc, b, 2, &gb)
	out := make([]int16, 4)
	mix.ClipS16(out, acc)
	fmt.Println(out)
	// Output: [24576 8192 32767 -32768]
}
