package policy

import (
	"errors"
	"slices"
	"testing"
)

func TestConfigDefaults(t *testing.T) {
	c, err := Config{Containers: []string{"personal", "work"}}.WithDefaults()
	if err != nil || c.Owner != "personal" || c.Ring != RingForeground || c.SMSTarget != RingForeground {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []Config{
		{},
		{Containers: []string{"a", "a"}},
		{Containers: []string{"a/b"}},
		{Containers: []string{".."}},
		{Containers: []string{"a"}, Owner: "b"},
		{Containers: []string{"a"}, Ring: "b"},
		{Containers: []string{"a"}, SMSTarget: RingAll},
	} {
		if _, err := bad.WithDefaults(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v, want ErrConfig", bad, err)
		}
	}
}

func TestRadioOn(t *testing.T) {
	for _, tc := range []struct {
		wants []int8
		on    bool
	}{
		{nil, false},
		{[]int8{-1, -1}, false},
		{[]int8{0, -1}, false},
		{[]int8{0, 1}, true}, // one container's airplane mode leaves the other on
		{[]int8{1, 0}, true},
		{[]int8{0, 0}, false},
	} {
		if got := RadioOn(tc.wants); got != tc.on {
			t.Errorf("RadioOn(%v) = %v", tc.wants, got)
		}
	}
}

func TestScreenOn(t *testing.T) {
	for _, tc := range []struct {
		screens   []int8
		fg        int
		on, known bool
	}{
		{[]int8{0, 1}, 0, false, true}, // the foreground's state wins
		{[]int8{0, 1}, 1, true, true},
		{[]int8{-1, 0}, 0, false, true}, // foreground silent: any container on
		{[]int8{-1, 1}, 0, true, true},
		{[]int8{-1, -1}, 0, false, false},
		{[]int8{1, 0}, -1, true, true},
	} {
		on, known := ScreenOn(tc.screens, tc.fg)
		if on != tc.on || known != tc.known {
			t.Errorf("ScreenOn(%v, %d) = %v %v", tc.screens, tc.fg, on, known)
		}
	}
}

func TestTargets(t *testing.T) {
	both := func(string) bool { return true }
	onlyWork := func(n string) bool { return n == "work" }
	none := func(string) bool { return false }
	cfg := func(ring, sms string) Config {
		c, err := Config{Containers: []string{"personal", "work"}, Ring: ring, SMSTarget: sms}.WithDefaults()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name      string
		c         Config
		fg        string
		connected func(string) bool
		ring      []string
		sms       string
	}{
		{"foreground", cfg("", ""), "work", both, []string{"work"}, "work"},
		{"foreground switched", cfg("", ""), "personal", both, []string{"personal"}, "personal"},
		{"foreground not connected falls back", cfg("", ""), "personal", onlyWork, []string{"work"}, "work"},
		{"no foreground known", cfg("", ""), "", both, []string{"personal"}, "personal"},
		{"named", cfg("work", "work"), "personal", both, []string{"work"}, "work"},
		{"ring all", cfg(RingAll, ""), "personal", both, []string{"personal", "work"}, "personal"},
		{"nobody", cfg("", ""), "work", none, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RingTargets(tc.c, tc.fg, tc.connected); !slices.Equal(got, tc.ring) {
				t.Errorf("ring %v, want %v", got, tc.ring)
			}
			if got := SMSTarget(tc.c, tc.fg, tc.connected); got != tc.sms {
				t.Errorf("sms %q, want %q", got, tc.sms)
			}
		})
	}
}
