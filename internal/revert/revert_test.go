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
