package policy

import (
	"fmt"
	"testing"

	"droidplex/rilproxy/parcel"
)

// With ring-all, a container that declines stops the ringing only in
// itself; the last one the call rings in rejects it at the modem.
func TestRingAllDecline(t *testing.T) {
	all := func() []string { return []string{"a", "b", "c"} }
	tests := []struct {
		name string
		do   func(c *Calls) string
		want string
	}{
		{"hangup of the ringing index", func(c *Calls) string {
			e, ok := c.Decline("a", parcel.ReqHangup, parcel.Ints{1})
			return fmt.Sprint(ok, " ", ev(e), " ", c.Visible("a", 1), c.Visible("b", 1))
		}, "true a:1:-1 false true"},
		{"udub", func(c *Calls) string {
			e, ok := c.Decline("b", parcel.ReqUdub, parcel.Void{})
			return fmt.Sprint(ok, " ", ev(e), " ", c.Owners(nil))
		}, "true b:1:-1 [a c]"},
		{"hangup waiting or background, as Android hangs up a ringing call", func(c *Calls) string {
			e, ok := c.Decline("c", parcel.ReqHangupWaitingOrBackground, parcel.Void{})
			return fmt.Sprint(ok, " ", ev(e), " ", c.Owners(nil))
		}, "true c:1:-1 [a b]"},
		{"ringing", func(c *Calls) string {
			c.Decline("b", parcel.ReqUdub, parcel.Void{})
			before := fmt.Sprint(c.Ringing(nil))
			c.Answer("a")
			c.Reconcile(parcel.CallList{mt(1, parcel.CallActive)}, all, "a")
			return before + " " + fmt.Sprint(c.Ringing(nil), c.Owners(nil))
		}, "[a c] [] [a]"},
		{"declined twice", func(c *Calls) string {
			c.Decline("a", parcel.ReqUdub, parcel.Void{})
			_, ok := c.Decline("a", parcel.ReqUdub, parcel.Void{})
			return fmt.Sprint(ok, c.Authorize("a", parcel.ReqUdub, parcel.Void{}))
		}, "false false"},
		{"the last one rejects at the modem", func(c *Calls) string {
			c.Decline("a", parcel.ReqUdub, parcel.Void{})
			c.Decline("b", parcel.ReqHangup, parcel.Ints{1})
			_, ok := c.Decline("c", parcel.ReqUdub, parcel.Void{})
			return fmt.Sprint(ok, c.Authorize("c", parcel.ReqUdub, parcel.Void{}), c.Authorize("c", parcel.ReqHangup, parcel.Ints{1}))
		}, "false true true"},
		{"after an answer, nothing to decline", func(c *Calls) string {
			c.Answer("b")
			_, ok := c.Decline("a", parcel.ReqHangup, parcel.Ints{1})
			_, ok2 := c.Decline("b", parcel.ReqHangup, parcel.Ints{1})
			return fmt.Sprint(ok, ok2)
		}, "false false"},
		{"another index or a bad payload", func(c *Calls) string {
			_, ok := c.Decline("a", parcel.ReqHangup, parcel.Ints{2})
			_, ok2 := c.Decline("a", parcel.ReqHangup, parcel.Ints{})
			_, ok3 := c.Decline("a", parcel.ReqHangup, parcel.Void{})
			_, ok4 := c.Decline("a", parcel.ReqDtmf, parcel.String{})
			return fmt.Sprint(ok, ok2, ok3, ok4)
		}, "false false false false"},
		{"a container it does not ring in", func(c *Calls) string {
			_, ok := c.Decline("d", parcel.ReqUdub, parcel.Void{})
			return fmt.Sprint(ok)
		}, "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Calls
			c.Reconcile(parcel.CallList{mt(1, parcel.CallIncoming)}, all, "a")
			if got := tt.do(&c); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	var d Calls
	d.Dialing("b")
	d.Reconcile(parcel.CallList{mo(1, parcel.CallAlerting)}, all, "a")
	first := fmt.Sprint(d.Dialling(nil))
	d.Dialing("c")
	d.Reconcile(parcel.CallList{mo(1, parcel.CallActive)}, all, "a")
	if got := first + fmt.Sprint(d.Dialling(nil)); got != "[b][c]" {
		t.Fatalf("dialling: %s, want [b][c]", got)
	}
	// a call ringing in one container only is that container's to refuse
	var c Calls
	c.Reconcile(parcel.CallList{mt(1, parcel.CallIncoming)}, func() []string { return []string{"a"} }, "a")
	if _, ok := c.Decline("a", parcel.ReqUdub, parcel.Void{}); ok {
		t.Fatal("a foreground ring was declined locally")
	}
}
