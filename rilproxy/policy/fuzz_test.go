package policy

import (
	"testing"

	"droidplex/rilproxy/parcel"
)

// FuzzCalls feeds call lists decoded from arbitrary bytes (the modem's
// GET_CURRENT_CALLS replies) and arbitrary requests to the call table: it
// must never panic, and a container must never see a call it does not own
// or have ringing in it, nor one it declined.
func FuzzCalls(f *testing.F) {
	f.Add(parcel.CallList{mo(1, 2)}.AppendTo(nil), byte(0), []byte{1, 0, 0, 0, 1, 0, 0, 0})
	f.Add(parcel.CallList{mt(1, 4), mt(2, 5)}.AppendTo(nil), byte(1), []byte{})
	f.Add(parcel.CallList{mt(1, 4)}.AppendTo(nil), byte(9), []byte{17, 0, 0, 0})                          // ring-all, personal declines
	f.Add(parcel.CallList{mt(1, 4)}.AppendTo(nil), byte(17), []byte{12, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}) // three ring, third hangs up 1
	f.Fuzz(func(t *testing.T, list []byte, who byte, req []byte) {
		p, err := parcel.DecodeResponse(parcel.ReqGetCurrentCalls, list)
		if err != nil {
			return
		}
		calls := p.(parcel.CallList)
		names := []string{"personal", "work", "third"}
		me := names[int(who)%len(names)]
		var c Calls
		if who&4 != 0 {
			c.Dialing(me)
		}
		ring := func() []string { return names[:1+int(who>>3)%len(names)] }
		c.Reconcile(calls, ring, "personal")
		if len(req) >= 4 {
			id := parcel.ReqID(int32(req[0]) | int32(req[1])<<8)
			if pl, err := parcel.DecodeRequest(id, req[4:]); err == nil {
				if ended, ok := c.Decline(me, id, pl); ok {
					if len(ended) != 1 || ended[0].Container != me || c.Visible(me, ended[0].Index) {
						t.Fatalf("%s declined %v and got %+v", me, id, ended)
					}
				} else {
					c.Authorize(me, id, pl)
				}
			}
		}
		for _, e := range c.Filter(me, calls) {
			if !c.Visible(me, e.Index) {
				t.Fatalf("%s sees call %d it may not", me, e.Index)
			}
		}
		c.Drop(me)
		c.Reconcile(nil, ring, "personal")
		if len(c.Owners(nil)) != 0 {
			t.Fatal("calls left after an empty list")
		}
	})
}
