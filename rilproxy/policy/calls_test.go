package policy

import (
	"fmt"
	"strings"
	"testing"

	"droidplex/rilproxy/parcel"
)

func ev(es []CallEvent) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s:%d:%d ", e.Container, e.Index, e.State)
	}
	return strings.TrimSpace(b.String())
}

func mo(index, state int32) parcel.Call {
	return parcel.Call{Index: index, State: state, Number: parcel.Str("+100")}
}

func mt(index, state int32) parcel.Call {
	return parcel.Call{Index: index, State: state, IsMT: true, Number: parcel.Str("+200")}
}

// A scripted call life: each step is an action and the resulting events.
func TestCallsTranscript(t *testing.T) {
	var c Calls
	ringFG := func() []string { return []string{"work"} }
	ringAll := func() []string { return []string{"personal", "work"} }
	type step struct {
		do   func() string
		want string
	}
	rec := func(list parcel.CallList, ring func() []string) func() string {
		return func() string { return ev(c.Reconcile(list, ring, "personal")) }
	}
	yes := func(b bool) string { return fmt.Sprint(b) }
	drop := func(name string) func() string {
		return func() string {
			hang, ended := c.Drop(name)
			return strings.TrimSpace(fmt.Sprintf("%v %s", hang, ev(ended)))
		}
	}
	steps := []step{
		{func() string { return yes(c.MayDial("personal", false)) }, "true"},
		{func() string { c.Dialing("personal"); return yes(c.MayDial("work", false)) }, "false"},
		{rec(parcel.CallList{mo(1, parcel.CallDialing)}, ringFG), "personal:1:2"},
		{rec(parcel.CallList{mo(1, parcel.CallDialing)}, ringFG), ""},
		{rec(parcel.CallList{mo(1, parcel.CallActive)}, ringFG), "personal:1:0"},
		{func() string { return yes(c.MayDial("work", false)) }, "false"},
		{func() string { return yes(c.MayDial("work", true)) }, "true"},
		{func() string { return yes(c.Authorize("work", parcel.ReqHangup, parcel.Ints{1})) }, "false"},
		{func() string { return yes(c.Authorize("work", parcel.ReqDtmf, parcel.String{})) }, "false"},
		{func() string { return yes(c.Authorize("personal", parcel.ReqDtmf, parcel.String{})) }, "true"},
		{func() string { return yes(c.Authorize("personal", parcel.ReqHangup, parcel.Ints{1})) }, "true"},
		{func() string { return yes(c.Authorize("personal", parcel.ReqHangup, parcel.Void{})) }, "false"},
		{func() string { return fmt.Sprint(len(c.Filter("work", parcel.CallList{mo(1, 0)}))) }, "0"},
		{func() string { return fmt.Sprint(len(c.Filter("personal", parcel.CallList{mo(1, 0)}))) }, "1"},
		{rec(nil, ringFG), "personal:1:-1"},
		// incoming, foreground "work" owns it at once
		{rec(parcel.CallList{mt(1, parcel.CallIncoming)}, ringFG), "work:1:4"},
		{func() string { return yes(c.Authorize("personal", parcel.ReqAnswer, parcel.Void{})) }, "false"},
		{func() string { return yes(c.Authorize("work", parcel.ReqAnswer, parcel.Void{})) }, "true"},
		{rec(parcel.CallList{mt(1, parcel.CallActive)}, ringFG), "work:1:0"},
		{drop("work"), "[1]"},
		{rec(nil, ringFG), "work:1:-1"},
		// ring-all: rings in both, first answer wins
		{rec(parcel.CallList{mt(2, parcel.CallIncoming)}, ringAll), "personal:2:4 work:2:4"},
		{func() string { return fmt.Sprint(c.Owners(nil)) }, "[personal work]"},
		{func() string { lost, ok := c.Answer("work"); return yes(ok) + " " + ev(lost) }, "true personal:2:-1"},
		{func() string { return yes(c.Authorize("personal", parcel.ReqAnswer, parcel.Void{})) }, "false"},
		{func() string { return yes(c.Involved("personal")) }, "false"},
		{rec(parcel.CallList{mt(2, parcel.CallActive)}, ringAll), "work:2:0"},
		// an index reused in the other direction ends the old call
		{rec(parcel.CallList{mo(2, parcel.CallDialing)}, ringAll), "personal:2:2 work:2:-1"},
		{rec(nil, ringAll), "personal:2:-1"},
		// a list read late shows a new call on the index of an ended one
		{rec(parcel.CallList{mt(5, parcel.CallActive)}, ringFG), "work:5:0"},
		{rec(parcel.CallList{{Index: 5, State: parcel.CallIncoming, IsMT: true, Number: parcel.Str("+300")}}, ringAll), "personal:5:4 work:5:4 work:5:-1"},
		{rec(parcel.CallList{{Index: 5, State: parcel.CallIncoming, IsMT: true, Number: parcel.Str("+300")}}, ringAll), ""},
		{rec(parcel.CallList{{Index: 5, State: parcel.CallDialing, Number: parcel.Str("+300")}}, ringAll), "personal:5:2 personal:5:-1 work:5:-1"}, // no DIAL in flight: the fallback owner
		{rec(nil, ringAll), "personal:5:-1"},
		// a ring-all call loses its rings one by one and is hung up with the last
		{rec(parcel.CallList{mt(3, parcel.CallIncoming)}, ringAll), "personal:3:4 work:3:4"},
		{drop("personal"), "[] personal:3:-1"},
		{drop("work"), "[3] work:3:-1"},
	}
	for i, s := range steps {
		if got := s.do(); got != s.want {
			t.Fatalf("step %d: got %q, want %q", i, got, s.want)
		}
	}
}

func TestDialFailed(t *testing.T) {
	var c Calls
	c.Dialing("work")
	c.DialFailed("personal")
	if c.MayDial("personal", false) {
		t.Fatal("personal may dial during work's dial")
	}
	c.DialFailed("work")
	if !c.MayDial("personal", false) {
		t.Fatal("a failed dial still blocks")
	}
	// a new MO call with no dial in flight goes to the fallback
	if got := ev(c.Reconcile(parcel.CallList{mo(4, parcel.CallDialing)}, nil, "personal")); got != "personal:4:2" {
		t.Fatal(got)
	}
}
