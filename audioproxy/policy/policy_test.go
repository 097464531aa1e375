package policy

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"droidplex/audioproxy/wire"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func out(id uint32, c string, u wire.Usage) Stream {
	return Stream{ID: id, Container: c, Dir: wire.Output, Usage: u}
}

func in(id uint32, c string) Stream {
	return Stream{ID: id, Container: c, Dir: wire.Input, Usage: wire.UsageVoice}
}

// summary renders a decision as one line so table rows stay readable:
// "in-call earpiece owner=b | 1:0.2 2:1 3:mic 4:- capture".
func summary(d Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", d.Mode, d.Route)
	if d.Owner != "" {
		fmt.Fprintf(&b, " owner=%s", d.Owner)
	}
	b.WriteString(" |")
	for _, s := range d.Streams {
		switch {
		case s.Mic:
			fmt.Fprintf(&b, " %d:mic", s.ID)
		case s.Gain == 0:
			fmt.Fprintf(&b, " %d:-", s.ID)
		default:
			fmt.Fprintf(&b, " %d:%g", s.ID, s.Gain)
		}
	}
	if d.Capture {
		b.WriteString(" capture")
	}
	return b.String()
}

func TestDecideLeastSurprise(t *testing.T) {
	ab := []string{"a", "b"}
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{
			name: "music in a while b takes a call: a ducked, b on the earpiece, only b's mic live",
			in: Input{Containers: ab, Foreground: "a",
				Calls:   []Call{{Container: "b", Index: 1, State: CallActive}},
				Streams: []Stream{out(1, "a", wire.UsageMedia), out(2, "b", wire.UsageVoice), in(3, "b"), in(4, "a")}},
			want: "in-call earpiece owner=b | 1:0.2 2:1 3:mic 4:- capture",
		},
		{
			name: "both play media: both heard on the speaker",
			in: Input{Containers: ab, Foreground: "a",
				Streams: []Stream{out(1, "a", wire.UsageMedia), out(2, "b", wire.UsageMedia)}},
			want: "normal speaker | 1:1 2:1",
		},
		{
			name: "headset plugged in: everything to the headset",
			in: Input{Containers: ab, Foreground: "a", Headset: true,
				Streams: []Stream{out(1, "a", wire.UsageMedia), out(2, "b", wire.UsageMedia)}},
			want: "normal headset | 1:1 2:1",
		},
		{
			name: "headset plugged in during a call: the call goes to the headset",
			in: Input{Containers: ab, Foreground: "a", Headset: true,
				Calls:   []Call{{Container: "b", State: CallActive}},
				Streams: []Stream{out(1, "a", wire.UsageMedia), out(2, "b", wire.UsageVoice)}},
			want: "in-call headset owner=b | 1:0.2 2:1",
		},
		{
			name: "background container records: silence",
			in: Input{Containers: ab, Foreground: "a",
				Streams: []Stream{in(1, "b")}},
			want: "normal speaker | 1:-",
		},
		{
			name: "foreground container records: it gets the mic",
			in: Input{Containers: ab, Foreground: "a",
				Streams: []Stream{in(1, "b"), in(2, "a")}},
			want: "normal speaker | 1:- 2:mic capture",
		},
		{
			name: "during b's call the foreground a loses the mic",
			in: Input{Containers: ab, Foreground: "a",
				Calls:   []Call{{Container: "b", State: CallDialing}},
				Streams: []Stream{in(1, "a")}},
			want: "in-call earpiece owner=b | 1:-",
		},
		{
			name: "bluetooth present: everything to bluetooth, headset still wins",
			in: Input{Containers: ab, Foreground: "a", Bluetooth: true,
				Streams: []Stream{out(1, "a", wire.UsageMedia)}},
			want: "normal bluetooth | 1:1",
		},
		{
			name: "caller asked for the speaker: speakerphone",
			in: Input{Containers: ab, Foreground: "a", Requested: map[string]Route{"b": RouteSpeaker, "a": RouteEarpiece},
				Calls:   []Call{{Container: "b", State: CallActive}},
				Streams: []Stream{out(1, "b", wire.UsageVoice)}},
			want: "in-call speaker owner=b | 1:1",
		},
		{
			name: "a background container's wish for the earpiece is ignored",
			in: Input{Containers: ab, Foreground: "a", Requested: map[string]Route{"b": RouteEarpiece},
				Streams: []Stream{out(1, "a", wire.UsageMedia)}},
			want: "normal speaker | 1:1",
		},
		{
			name: "the foreground's wish for the earpiece (VoIP) is honoured",
			in: Input{Containers: ab, Foreground: "a", Requested: map[string]Route{"a": RouteEarpiece},
				Streams: []Stream{out(1, "a", wire.UsageVoice)}},
			want: "normal earpiece | 1:1",
		},
		{
			name: "a wish for an absent headset is ignored",
			in: Input{Containers: ab, Foreground: "a", Requested: map[string]Route{"a": RouteHeadset},
				Streams: []Stream{out(1, "a", wire.UsageMedia)}},
			want: "normal speaker | 1:1",
		},
		{
			name: "an incoming call rings in b over a's ducked music; no mic for anyone but the foreground",
			in: Input{Containers: ab, Foreground: "a",
				Calls:   []Call{{Container: "b", State: CallIncoming}},
				Streams: []Stream{out(1, "a", wire.UsageMedia), out(2, "b", wire.UsageRing), in(3, "a")}},
			want: "ringtone speaker owner=b | 1:0.2 2:1 3:mic capture",
		},
		{
			name: "an ended call is no call",
			in: Input{Containers: ab, Foreground: "a",
				Calls:   []Call{{Container: "b", State: CallEnded}},
				Streams: []Stream{out(1, "a", wire.UsageMedia), in(2, "b")}},
			want: "normal speaker | 1:1 2:-",
		},
		{
			name: "a held call keeps the call mode",
			in: Input{Containers: ab, Foreground: "a",
				Calls:   []Call{{Container: "b", State: CallHolding}},
				Streams: []Stream{out(1, "a", wire.UsageMedia)}},
			want: "in-call earpiece owner=b | 1:0.2",
		},
		{
			name: "a call that is up beats one that rings, in any order",
			in: Input{Containers: ab, Foreground: "a",
				Calls:   []Call{{Container: "a", State: CallWaiting}, {Container: "b", State: CallActive}},
				Streams: []Stream{out(1, "a", wire.UsageRing), out(2, "b", wire.UsageVoice)}},
			want: "in-call earpiece owner=b | 1:0.2 2:1",
		},
		{
			name: "an unknown container is neither heard nor given the mic, even as foreground",
			in: Input{Containers: ab, Foreground: "x",
				Calls:   []Call{{Container: "x", State: CallActive}},
				Streams: []Stream{out(1, "x", wire.UsageMedia), in(2, "x"), out(3, "a", wire.UsageMedia)}},
			want: "normal speaker | 1:- 2:- 3:1",
		},
		{
			name: "no foreground: nobody gets the mic",
			in:   Input{Containers: ab, Streams: []Stream{in(1, "a"), in(2, "b")}},
			want: "normal speaker | 1:- 2:-",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summary(Decide(tt.in)); got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestDecideOwnerIndependentOfOrder checks that two containers with calls in
// the same state get the same owner whichever order the calls arrive in.
func TestDecideOwnerIndependentOfOrder(t *testing.T) {
	c1 := []Call{{Container: "b", State: CallActive}, {Container: "c", State: CallActive}}
	c2 := []Call{c1[1], c1[0]}
	base := Input{Containers: []string{"a", "b", "c"}, Foreground: "a"}
	x, y := base, base
	x.Calls, y.Calls = c1, c2
	if dx, dy := Decide(x), Decide(y); !reflect.DeepEqual(dx, dy) || dx.Owner != "b" {
		t.Errorf("order changed the decision: %+v vs %+v", dx, dy)
	}
	y.Foreground = "c"
	if d := Decide(y); d.Owner != "c" {
		t.Errorf("foreground's call should win a tie, owner %q", d.Owner)
	}
}

// TestDeniedCaptureLearnsNothing checks that a denied capture stream's
// decision is the same whatever else happens: it cannot tell a call, a ring,
// music or a foreground change apart from silence.
func TestDeniedCaptureLearnsNothing(t *testing.T) {
	spy := in(9, "b")
	inputs := []Input{
		{Containers: []string{"a", "b"}, Foreground: "a"},
		{Containers: []string{"a", "b"}, Foreground: "a", Calls: []Call{{Container: "a", State: CallActive}}},
		{Containers: []string{"a", "b"}, Foreground: "a", Calls: []Call{{Container: "a", State: CallIncoming}}, Headset: true},
		{Containers: []string{"a", "b", "c"}, Foreground: "c", Requested: map[string]Route{"c": RouteEarpiece}},
	}
	var first StreamDecision
	for i, x := range inputs {
		x.Streams = []Stream{out(1, "a", wire.UsageMedia), spy}
		d := Decide(x)
		got := d.Streams[1]
		if i == 0 {
			first = got
		}
		if got != first || got.Mic || got.Gain != 0 {
			t.Errorf("input %d: denied stream saw %+v, first %+v", i, got, first)
		}
	}
}

func TestRouteValid(t *testing.T) {
	for _, r := range []Route{RouteSpeaker, RouteEarpiece, RouteHeadset, RouteBluetooth} {
		if !r.Valid() {
			t.Errorf("%s not valid", r)
		}
	}
	if Route("loud").Valid() || Route("").Valid() {
		t.Error("unknown route valid")
	}
}
