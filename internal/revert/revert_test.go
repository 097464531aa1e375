package revert

import (
	"droidplex/internal/testutil"
	"reflect"
	"testing"
)

func TestFailRunsInReverse(t *testing.T) {
	var got []int
	r := New()
	r.Add(func() { got = append(got, 1) })
	r.Add(func() { got = append(got, 2) })
	r.Fail()
	r.Fail() // second Fail does nothing
	if !reflect.DeepEqual(got, []int{2, 1}) {
		t.Fatalf("got %v", got)
	}
}

func TestSuccessKeeps(t *testing.T) {
	ran := false
	r := New()
	r.Add(func() { ran = true })
	c := r.Clone()
	r.Success()
	r.Fail()
	if ran {
		t.Fatal("undo ran after Clone/Success")
	}
	c.Fail()
	if !ran {
		t.Fatal("clone did not run the undo step")
	}
}

func TestMain(m *testing.M) { testutil.Main(m) }

// An undo step that panics does not keep the older steps from running
// (before, the panic skipped them: a mount stayed mounted because the
// removal of a later file panicked), Fail passes the panic on afterwards,
// and a second Fail runs nothing again.
func TestPanickingUndoStillRunsTheRest(t *testing.T) {
	var got []int
	r := New()
	r.Add(func() { got = append(got, 1) })
	r.Add(func() { panic("second") })
	r.Add(func() { got = append(got, 3) })
	r.Add(func() { panic("fourth") })
	func() {
		defer func() {
			if v := recover(); v != "fourth" {
				t.Errorf("Fail panicked with %v, want the first undo panic (fourth)", v)
			}
		}()
		r.Fail()
	}()
	if !reflect.DeepEqual(got, []int{3, 1}) {
		t.Fatalf("undo steps run: %v, want [3 1]", got)
	}
	r.Fail()
	if len(got) != 2 {
		t.Fatalf("second Fail ran undo steps again: %v", got)
	}
}
