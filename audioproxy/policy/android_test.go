package policy

import "testing"

func TestRoutingParameter(t *testing.T) {
	tests := []struct {
		kv   string
		want Route
		ok   bool
	}{
		{"routing=2", RouteSpeaker, true},
		{"routing=1", RouteEarpiece, true},
		{"routing=4", RouteHeadset, true},
		{"routing=8", RouteHeadset, true},
		{"routing=6", RouteHeadset, true}, // ringtone duplicated to speaker and headset
		{"routing=128", RouteBluetooth, true},
		{"routing=3", RouteSpeaker, true},
		{"routing=0x20", RouteBluetooth, true},
		{"screen_state=on;routing=1;bt_wbs=off", RouteEarpiece, true},
		{" routing = 2 ", RouteSpeaker, true},
		{"routing=0", "", false},
		{"routing=1048576", "", false}, // a device the policy does not know
		{"routing=", "", false},
		{"routing=speaker", "", false},
		{"routing=99999999999999999999", "", false},
		{"screen_state=on", "", false},
		{"", "", false},
		{";;=;routing", "", false},
	}
	for _, tt := range tests {
		got, ok := RoutingParameter(tt.kv)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RoutingParameter(%q) = %q, %v; want %q, %v", tt.kv, got, ok, tt.want, tt.ok)
		}
	}
}
