package policy_test

import (
	"fmt"

	"droidplex/audioproxy/policy"
	"droidplex/audioproxy/wire"
)

// Music plays in "personal" while "work" takes a call.
func ExampleDecide() {
	d := policy.Decide(policy.Input{
		Containers: []string{"personal", "work"},
		Foreground: "personal",
		Calls:      []policy.Call{{Container: "work", Index: 1, State: policy.CallActive}},
		Streams: []policy.Stream{
			{ID: 1, Container: "personal", Dir: wire.Output, Usage: wire.UsageMedia},
			{ID: 2, Container: "work", Dir: wire.Output, Usage: wire.UsageVoice},
			{ID: 3, Container: "work", Dir: wire.Input, Usage: wire.UsageVoice},
			{ID: 4, Container: "personal", Dir: wire.Input, Usage: wire.UsageMedia},
		},
	})
	fmt.Println(d.Mode, d.Route, d.Owner, "capture:", d.Capture)
	for _, s := range d.Streams {
		fmt.Printf("stream %d gain %.1f mic %v\n", s.ID, s.Gain, s.Mic)
	}
	// Output:
	// in-call earpiece work capture: true
	// stream 1 gain 0.2 mic false
	// stream 2 gain 1.0 mic false
	// stream 3 gain 1.0 mic true
	// stream 4 gain 0.0 mic false
}

func ExampleRoutingParameter() {
	r, ok := policy.RoutingParameter("screen_state=on;routing=4")
	fmt.Println(r, ok)
	// Output: headset true
}
