// Package mix is audioproxy's pure mixing arithmetic: float32 accumulation of
// s16 and f32 streams with a per-stream gain that ramps on change (so a
// volume change does not click), and clipping back to the device format.
// Nothing here allocates, locks or makes a system call; every function works
// on caller-owned buffers, so the device callback can use them directly.
package mix

import "unsafe"

// DefaultRampFrames is the length of a gain ramp: 5 ms at 48 kHz.
const DefaultRampFrames = 240

// Ramp is a linear gain that moves to a new target over a number of frames.
// The zero value is silent (gain 0).
type Ramp struct {
	cur, target, step float32
	left              int
}

// NewRamp returns a ramp resting at gain g.
func NewRamp(g float32) Ramp { return Ramp{cur: g, target: g} }

// Set starts a ramp from the current gain to target over frames frames (0:
// jump at once). Setting the target it already has does nothing.
func (r *Ramp) Set(target float32, frames int) {
	if target == r.target {
		return
	}
	r.target = target
	if frames <= 0 {
		r.cur, r.left = target, 0
		return
	}
	r.step = (target - r.cur) / float32(frames)
	r.left = frames
}

// Gain returns the current gain.
func (r *Ramp) Gain() float32 { return r.cur }

// Target returns the gain the ramp is heading to.
func (r *Ramp) Target() float32 { return r.target }

// Silent reports whether the ramp is at rest at gain 0, so a stream can be
// consumed without being summed.
func (r *Ramp) Silent() bool { return r.left == 0 && r.cur == 0 }

// advance moves the ramp by one frame.
func (r *Ramp) advance() {
	r.cur += r.step
	r.left--
	if r.left == 0 {
		r.cur = r.target
	}
}

const s16Scale = 1.0 / 32768

// AddS16 adds interleaved s16 samples (ch channels) times the ramp's gain to
// acc. It processes min(len(acc), len(src)) samples, whole frames only.
func AddS16(acc []float32, src []int16, ch int, g *Ramp) {
	n := min(len(acc), len(src))
	n -= n % ch
	acc, src = acc[:n], src[:n]
	i := 0
	for ; g.left > 0 && i < n; i += ch {
		g.advance()
		k := g.cur * s16Scale
		for c := range ch {
			acc[i+c] += float32(src[i+c]) * k
		}
	}
	if g.cur == 0 {
		return
	}
	k := g.cur * s16Scale
	acc, src = acc[i:], src[i:]
	src = src[:len(acc)]
	for j := range acc {
		acc[j] += float32(src[j]) * k
	}
}

// AddF32 is AddS16 for float32 samples. Each sample is first held to full
// scale, [-1, 1], and NaN taken for silence: an f32 stream carries no more
// than an s16 one can, so its gain always tames it and it cannot poison the
// sum the other streams share (a NaN would silence them, an infinity or a
// huge value pin them at full scale, whatever the gain).
func AddF32(acc []float32, src []float32, ch int, g *Ramp) {
	n := min(len(acc), len(src))
	n -= n % ch
	acc, src = acc[:n], src[:n]
	i := 0
	for ; g.left > 0 && i < n; i += ch {
		g.advance()
		for c := range ch {
			acc[i+c] += fullScale(src[i+c]) * g.cur
		}
	}
	if g.cur == 0 {
		return
	}
	k := g.cur
	acc, src = acc[i:], src[i:]
	src = src[:len(acc)]
	for j := range acc {
		acc[j] += fullScale(src[j]) * k
	}
}

// fullScale holds an f32 sample to [-1, 1]; NaN becomes 0.
func fullScale(v float32) float32 {
	switch {
	case v > 1:
		return 1
	case v < -1:
		return -1
	case v != v:
		return 0
	}
	return v
}

// Skip advances the ramp over frames frames without summing (for a stream
// that is consumed but not heard).
func (r *Ramp) Skip(frames int) {
	for ; r.left > 0 && frames > 0; frames-- {
		r.advance()
	}
}

// ClipS16 converts accumulated samples to s16, saturating at full scale.
func ClipS16(dst []int16, acc []float32) {
	n := min(len(dst), len(acc))
	dst, acc = dst[:n], acc[:n]
	for i, v := range acc {
		v *= 32768
		switch {
		case v >= 32767:
			dst[i] = 32767
		case v <= -32768:
			dst[i] = -32768
		case v != v: // NaN from a hostile f32 stream
			dst[i] = 0
		default:
			dst[i] = int16(v)
		}
	}
}

// ClipF32 copies accumulated samples to f32, clamped to [-1, 1].
func ClipF32(dst []float32, acc []float32) {
	n := min(len(dst), len(acc))
	dst, acc = dst[:n], acc[:n]
	for i, v := range acc {
		switch {
		case v > 1:
			v = 1
		case v < -1:
			v = -1
		case v != v:
			v = 0
		}
		dst[i] = v
	}
}

// Clear zeroes acc.
func Clear(acc []float32) { clear(acc) }

// S16 views b (little-endian s16 samples, 2-byte aligned) as []int16. A
// trailing odd byte is ignored.
func S16(b []byte) []int16 {
	if len(b) < 2 {
		return nil
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2)
}

// F32 views b (float32 samples, 4-byte aligned) as []float32.
func F32(b []byte) []float32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}
