package audioproxy

import "testing"

// TestRecorderDropsWhenTheReaderIsSlow: a reader that falls behind loses
// samples (counted); the writer (the device callback) never waits.
func TestRecorderDropsWhenTheReaderIsSlow(t *testing.T) {
	r := NewRecorder(8)
	r.push([]int16{1, 2, 3, 4, 5, 6})
	r.push([]int16{7, 8, 9, 10}) // does not fit: dropped whole
	if r.Dropped() != 4 {
		t.Fatalf("dropped %d", r.Dropped())
	}
	got := make([]int16, 4)
	if n := r.Read(got); n != 4 || got[0] != 1 || got[3] != 4 {
		t.Fatalf("read %d %v", n, got)
	}
	r.push([]int16{7, 8, 9, 10, 11, 12}) // wraps around
	all := make([]int16, 16)
	n := r.Read(all)
	want := []int16{5, 6, 7, 8, 9, 10, 11, 12}
	if n != len(want) {
		t.Fatalf("read %d %v", n, all[:n])
	}
	for i, v := range want {
		if all[i] != v {
			t.Fatalf("read %v, want %v", all[:n], want)
		}
	}
	if r.Read(all) != 0 {
		t.Fatal("read from an empty recorder")
	}
}
