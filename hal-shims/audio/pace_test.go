package audioshim

import "testing"

func TestRoomAt(t *testing.T) {
	const ms = int64(1e6)
	const s = 1000 * ms
	const deadline = s + 40*ms
	for _, c := range []struct {
		name            string
		now, last       int64
		free, want, per uint32
		deadline        int64
		at              int64
		ok              bool
	}{
		{"one period short: the next callback", s + 1*ms, s, 0, 240, 240, deadline, s + 5*ms + 2_500_000, true},
		{"a partial period still needs a whole callback", s + 1*ms, s, 100, 240, 240, deadline, s + 5*ms + 2_500_000, true},
		{"two periods short: two callbacks", s + 1*ms, s, 0, 480, 240, deadline, s + 10*ms + 2_500_000, true},
		{"a short period: half of it", s + 100_000, s, 0, 48, 48, deadline, s + ms + 500_000, true},
		{"tiny periods get the least margin", s + 10_000, s, 0, 4, 4, deadline, s + 83_333 + 200_000, true},
		{"a callback a little ahead of our clock", s, s + ms, 0, 240, 240, deadline, s + 6*ms + 2_500_000, true},
		{"room already there", s, s, 240, 240, 240, deadline, 0, false},
		{"no callback yet", 5 * ms, 0, 0, 240, 240, deadline, 0, false},
		{"the device is late", s + 8*ms, s, 0, 240, 240, deadline, 0, false},
		{"a callback in the future", s, s + 30*ms, 0, 240, 240, deadline, 0, false},
		{"a lying time far in the future", s, 9 * s, 0, 240, 240, deadline, 0, false},
		{"a lying time far in the past", s, 1, 0, 240, 240, deadline, 0, false},
		{"beyond the write's deadline", s + ms, s, 0, 240, 240, s + 6*ms, 0, false},
		{"the deadline has passed", s + ms, s, 0, 240, 240, s, 0, false},
		{"no period", s, s, 0, 240, 0, deadline, 0, false},
		{"a period of a whole second per frame", s, s, 0, 2, 1, deadline, 0, false},
	} {
		rate := uint32(48000)
		if c.name == "a period of a whole second per frame" {
			rate = 1
		}
		at, ok := roomAt(c.now, c.last, c.free, c.want, c.per, rate, c.deadline)
		if ok != c.ok || (ok && at != c.at) {
			t.Errorf("%s: got (%d, %v), want (%d, %v)", c.name, at, ok, c.at, c.ok)
		}
	}
}

// FuzzRoomAt: whatever the header says, a predicted wake is in the future
// and no later than the deadline, never a panic or an overflow into the
// past.
func FuzzRoomAt(f *testing.F) {
	f.Add(int64(1_001_000_000), int64(1_000_000_000), uint32(0), uint32(240), uint32(240), uint32(48000), int64(1_040_000_000))
	f.Add(int64(5), int64(-1), uint32(7), uint32(3), uint32(0), uint32(0), int64(0))
	f.Fuzz(func(t *testing.T, now, last int64, free, want, period, rate uint32, deadline int64) {
		if now < 0 {
			return // CLOCK_MONOTONIC is never negative
		}
		at, ok := roomAt(now, last, free, want, period, rate, deadline)
		if ok && (at <= now || at > deadline) {
			t.Fatalf("roomAt(%d, %d, %d, %d, %d, %d, %d) = %d: outside (now, deadline]", now, last, free, want, period, rate, deadline, at)
		}
	})
}
