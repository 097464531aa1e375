package audioshim

import "testing"

func TestRoomAt(t *testing.T) {
	const ms = int64(1e6)
	const limit = 40 * ms
	for _, c := range []struct {
		name            string
		now, last       int64
		free, want, per uint32
		at              int64
		ok              bool
	}{
		{"one period short: the next callback", 1000*ms + 1*ms, 1000 * ms, 0, 240, 240, 1000*ms + 5*ms + 2_500_000, true},
		{"a partial period still needs a whole callback", 1000*ms + 1*ms, 1000 * ms, 100, 240, 240, 1000*ms + 5*ms + 2_500_000, true},
		{"two periods short: two callbacks", 1000*ms + 1*ms, 1000 * ms, 0, 480, 240, 1000*ms + 10*ms + 2_500_000, true},
		{"a short period: half of it", 1000*ms + 100_000, 1000 * ms, 0, 48, 48, 1000*ms + ms + 500_000, true},
		{"room already there", 1000 * ms, 1000 * ms, 240, 240, 240, 0, false},
		{"no callback yet", 5 * ms, 0, 0, 240, 240, 0, false},
		{"tiny periods get the least margin", 1000*ms + 10_000, 1000 * ms, 0, 4, 4, 1000*ms + 83_333 + 200_000, true},
		{"the device is late", 1000*ms + 8*ms, 1000 * ms, 0, 240, 240, 0, false},
		{"a lying time far in the future", 1000 * ms, 9000 * ms, 0, 240, 240, 0, false},
		{"a lying time far in the past", 1000 * ms, 1, 0, 240, 240, 0, false},
		{"no period", 1000 * ms, 1000 * ms, 0, 240, 0, 0, false},
	} {
		at, ok := roomAt(c.now, c.last, c.free, c.want, c.per, 48000, limit)
		if ok != c.ok || (ok && at != c.at) {
			t.Errorf("%s: got (%d, %v), want (%d, %v)", c.name, at, ok, c.at, c.ok)
		}
	}
}

// FuzzRoomAt: whatever the header says, a predicted wake is in the future
// and within the limit, never a panic or an overflow into the past.
func FuzzRoomAt(f *testing.F) {
	f.Add(int64(1_001_000_000), int64(1_000_000_000), uint32(0), uint32(240), uint32(240), uint32(48000), int64(40_000_000))
	f.Add(int64(5), int64(-1), uint32(7), uint32(3), uint32(0), uint32(0), int64(0))
	f.Fuzz(func(t *testing.T, now, last int64, free, want, period, rate uint32, limit int64) {
		at, ok := roomAt(now, last, free, want, period, rate, limit)
		if ok && (at <= now || at-now > limit) {
			t.Fatalf("roomAt(%d, %d, %d, %d, %d, %d, %d) = %d: outside (now, now+limit]", now, last, free, want, period, rate, limit, at)
		}
	})
}
