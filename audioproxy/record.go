package audioproxy

import "sync/atomic"

// Recorder captures what one container plays, before its volume and mute,
// as interleaved s16 in the device's rate and channels. The callback pushes
// into a fixed ring; a reader drains it with Read. When the reader falls
// behind, new samples are dropped and counted, never blocking the callback.
type Recorder struct {
	buf     []int16
	w, r    atomic.Uint64 // samples
	dropped atomic.Uint64
}

// NewRecorder returns a recorder holding up to samples samples.
func NewRecorder(samples int) *Recorder { return &Recorder{buf: make([]int16, samples)} }

func (r *Recorder) push(p []int16) {
	w, rd := r.w.Load(), r.r.Load()
	if uint64(len(r.buf))-(w-rd) < uint64(len(p)) {
		r.dropped.Add(uint64(len(p)))
		return
	}
	n := uint64(len(r.buf))
	for len(p) > 0 {
		i := w % n
		c := copy(r.buf[i:], p)
		p, w = p[c:], w+uint64(c)
	}
	r.w.Store(w)
}

// Read copies queued samples into p and returns how many.
func (r *Recorder) Read(p []int16) int {
	w, rd := r.w.Load(), r.r.Load()
	n := uint64(len(r.buf))
	total := 0
	for rd < w && len(p) > 0 {
		i := rd % n
		c := copy(p, r.buf[i:min(n, i+(w-rd))])
		p, rd, total = p[c:], rd+uint64(c), total+c
	}
	r.r.Store(rd)
	return total
}

// Dropped returns the samples lost because the reader fell behind.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }
