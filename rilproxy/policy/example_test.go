package policy_test

import (
	"fmt"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

func Example() {
	r, _ := policy.Request(parcel.ReqRadioPower)
	fmt.Println(r.ID, r.Action)
	u, _ := policy.Unsol(parcel.UnsolNewSms)
	fmt.Println(u.ID, u.Route, "acked by", u.Ack)

	// personal dials; work may not dial during the call and does not see it.
	var calls policy.Calls
	calls.Dialing("personal")
	list := parcel.CallList{{Index: 1, State: parcel.CallDialing}}
	for _, e := range calls.Reconcile(list, nil, "personal") {
		fmt.Println(e.Container, "call", e.Index, "state", e.State)
	}
	fmt.Println("work may dial:", calls.MayDial("work", false))
	fmt.Println("work sees", len(calls.Filter("work", list)), "calls")
	fmt.Println("radio on:", policy.RadioOn([]int8{0, 1}))
	// Output:
	// RADIO_POWER(23) radio-power-or
	// RESPONSE_NEW_SMS(1003) sms-target acked by SMS_ACKNOWLEDGE(37)
	// personal call 1 state 2
	// work may dial: false
	// work sees 0 calls
	// radio on: true
}
