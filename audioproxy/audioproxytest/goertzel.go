package audioproxytest

import "math"

// ToneLevel measures the amplitude (0..1 of full scale) of freq in channel 0
// of interleaved s16 samples with the Goertzel algorithm. A pure sine of
// amplitude A gives A when the window holds many periods.
func ToneLevel(s []int16, channels, rate int, freq float64) float64 {
	n := len(s) / channels
	if n == 0 {
		return 0
	}
	w := 2 * math.Pi * freq / float64(rate)
	coeff := 2 * math.Cos(w)
	var s1, s2 float64
	for i := range n {
		x := float64(s[i*channels]) / 32768
		s0 := x + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	power := s1*s1 + s2*s2 - coeff*s1*s2
	return 2 * math.Sqrt(math.Max(power, 0)) / float64(n)
}
