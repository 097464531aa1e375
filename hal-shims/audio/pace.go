package audioshim

import (
	"time"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
)

// A writer whose ring is full paces itself by the device's clock instead of
// asking the server for a wake-up: the ring header says when the device
// last consumed (consumed_ns) and how much it consumes per callback
// (period_frames), so the writer can sleep until the callback that frees
// the room it needs. The server then never has to poke a steady writer (a
// poke is a system call and a cross-CPU wake-up on the device's thread, per
// stream and period). A device that is late or irregular, or a header that
// makes no sense, costs one fallback to the eventfd wait, never a longer
// sleep. The C shim (c/dpx_wait.c) does the same.

// roomAt predicts when an output ring will have room for want more frames,
// given free frames of room now: the device callback that frees the deficit
// (callbacks come every period frames after lastNs, the CLOCK_MONOTONIC time
// of the last one) plus half a period. Waking mid-period leaves the device's
// timing half a period of jitter either way, and writes the frames half a
// period later than the room appeared: they wait that much less in the
// ring (the stream's latency drops from the ring's length to half a period
// below it), while the ring still holds a period before they are due. ok is
// false when there is nothing to predict from (no callback yet), when the
// clock cannot be right (a callback in the future), or when the prediction
// is already past (the device is late) or after deadlineNs (the latest a
// write may return: a stale or lying clock): the caller then waits for the
// server's wake-up.
func roomAt(nowNs, lastNs int64, free, want, period, rate uint32, deadlineNs int64) (at int64, ok bool) {
	if lastNs <= 0 || period == 0 || rate == 0 || want <= free || deadlineNs <= nowNs {
		return 0, false
	}
	periodNs := int64(period) * int64(time.Second) / int64(rate)
	margin := max(periodNs/2, minMarginNs)
	if lastNs > nowNs+margin || periodNs <= 0 {
		return 0, false
	}
	callbacks := (int64(want-free) + int64(period) - 1) / int64(period)
	if callbacks > (deadlineNs-lastNs)/periodNs+1 { // also keeps the product below in range
		return 0, false
	}
	at = lastNs + callbacks*periodNs + margin
	if at <= nowNs || at > deadlineNs {
		return 0, false
	}
	return at, true
}

// minMarginNs is the least time a paced writer waits after the predicted
// callback, so that the callback has published its progress.
const minMarginNs = int64(200 * time.Microsecond)

// paceByClock sleeps until the device should have freed want frames of
// room in a full ring, without asking the server to wake us, and no later than
// deadline. It returns true if it slept and the room is there; false if
// there was nothing to predict from, the server hung up, or the room is
// still missing (the caller then waits for the server's wake-up). It
// sleeps a period at a time and looks for a hang-up in between.
func (s *Stream) paceByClock(r *wire.Ring, g wire.Geometry, want uint32, deadline int64) bool {
	_, last, ok := r.Consumed()
	if !ok {
		return false
	}
	now := linux.MonotonicNs()
	at, ok := roomAt(now, last, 0, want, g.Period, g.Rate, deadline)
	if !ok {
		return false
	}
	if r.Flags()&wire.FlagWaiting != 0 {
		// An earlier fallback that ended without a poke left the flag
		// set: take it back, or the server pokes us for nothing.
		r.ClearFlags(wire.FlagWaiting)
	}
	step := framesNs(g.Rate, g.Period)
	for t := now; t < at; t = linux.MonotonicNs() {
		linux.SleepUntil(min(at, t+step)) // in the kernel: a quarter of a Go timer wake's CPU
		if s.gone.Load() {
			return false
		}
	}
	queued := s.pos - r.ReadPos()
	if queued > uint64(g.Capacity) || uint64(g.Capacity)-queued < uint64(want) {
		return false
	}
	s.timed.Add(1)
	return true
}

// framesNs is the duration of frames at rate, in nanoseconds.
func framesNs(rate, frames uint32) int64 {
	return int64(frames) * int64(time.Second) / int64(max(rate, 1))
}

// Waits returns how often Write waited for room by the device's clock
// (timed) and by the server's wake-up (poked). A steady writer is almost
// always timed.
func (s *Stream) Waits() (timed, poked uint64) { return s.timed.Load(), s.poked.Load() }
