package policy

import (
	"fmt"

	"droidplex/rilproxy/parcel"
)

// Route says which containers receive an unsolicited indication.
type Route uint8

// Indication routes.
const (
	// Broadcast: every connected container.
	Broadcast Route = iota + 1
	// CallRelated: the containers that own a call or have an incoming call
	// ringing in them (CALL_STATE_CHANGED also makes the proxy re-read the
	// call list and reaches the containers whose calls just ended).
	CallRelated
	// SMS: the one SMS target container; an acknowledgement is owed upstream.
	SMS
	// Owner: the configured owner container (SIM toolkit, vendor hooks).
	Owner
	// Foreground: the foreground container (replies to USSD and SS codes the
	// user typed there).
	Foreground
	// Consume: kept by the proxy, never forwarded (RIL_CONNECTED: each client
	// gets its own on accept).
	Consume
	// USSDSession: the container whose SEND_USSD opened the USSD session
	// still open (the reply is its data: a balance, a mobile-money menu),
	// else the foreground container (USSD the network starts).
	USSDSession
)

var routeNames = [...]string{
	Broadcast: "broadcast", CallRelated: "call-related", SMS: "sms-target", Owner: "owner",
	Foreground: "foreground", Consume: "consume", USSDSession: "ussd-session",
}

func (r Route) String() string {
	if int(r) < len(routeNames) && routeNames[r] != "" {
		return routeNames[r]
	}
	return fmt.Sprintf("route(%d)", uint8(r))
}

// UnsolRule is the policy of one unsolicited id.
type UnsolRule struct {
	ID    parcel.UnsolID
	Route Route
	// Ack is the request that acknowledges this indication upstream (SMS
	// deliveries), or 0.
	Ack parcel.ReqID
	// Invalidates lists the Cached requests this indication makes stale.
	Invalidates []parcel.ReqID
	// Why is the reviewed reason, rendered into docs/telephony-policy.md.
	Why string
}

var (
	netStatus   = []parcel.ReqID{20, 21, 22, 45, 108}
	radioStatus = []parcel.ReqID{1, 11, 19, 20, 21, 22, 45, 108, 112}
)

// unsols is the reviewed table: one row per unsolicited id of
// android-7.1.2_r39 (47 ids, TestEveryUnsolHasARule). Keep it sorted by id.
var unsols = []UnsolRule{
	{1000, Broadcast, 0, radioStatus, "radio state; the proxy also keeps it for new clients"},
	{1001, CallRelated, 0, nil, "clients re-read their (filtered) call list"},
	{1002, Broadcast, 0, netStatus, "network registration"},
	{1003, SMS, 37, nil, "incoming SMS: one target, one acknowledgement"},
	{1004, SMS, 37, nil, "status report of an SMS: one target, one acknowledgement"},
	{1005, SMS, 0, nil, "SMS stored on the SIM: one target, no acknowledgement"},
	{1006, USSDSession, 0, nil, "USSD reply: to the container whose SEND_USSD opened the session, else the foreground"},
	{1007, Foreground, 0, nil, "USSD request from the network"},
	{1008, Broadcast, 0, nil, "network time; the proxy also keeps the last one for new clients"},
	{1009, Broadcast, 0, []parcel.ReqID{19}, "signal strength"},
	{1010, Broadcast, 0, nil, "data calls are shared"},
	{1011, CallRelated, 0, nil, "supplementary-service notice about a call"},
	{1012, Owner, 0, nil, "SIM toolkit session belongs to the owner"},
	{1013, Owner, 0, nil, "SIM toolkit session belongs to the owner"},
	{1014, Owner, 0, nil, "SIM toolkit session belongs to the owner"},
	{1015, Owner, 0, nil, "SIM toolkit session belongs to the owner"},
	{1016, Broadcast, 0, nil, "SIM SMS storage full"},
	{1017, Broadcast, 0, []parcel.ReqID{1, 11}, "SIM files changed"},
	{1018, CallRelated, 0, nil, "rings only where the incoming call is routed"},
	{1019, Broadcast, 0, []parcel.ReqID{1, 11}, "SIM status"},
	{1020, SMS, 88, nil, "incoming CDMA SMS: one target, one acknowledgement"},
	{1021, Broadcast, 0, nil, "cell broadcast is for everyone; no acknowledgement"},
	{1022, Broadcast, 0, nil, "RUIM SMS storage full"},
	{1023, Broadcast, 0, nil, "restricted state"},
	{1024, Broadcast, 0, nil, "emergency callback mode"},
	{1025, CallRelated, 0, nil, "CDMA call waiting: only where the waiting call rings"},
	{1026, Owner, 0, nil, "OTA provisioning"},
	{1027, CallRelated, 0, nil, "CDMA information records about a call"},
	{1028, Owner, 0, nil, "vendor hook"},
	{1029, CallRelated, 0, nil, "ringback tone: to the dialling container (every container with a call when none dials)"},
	{1030, CallRelated, 0, nil, "in-call mute"},
	{1031, Broadcast, 0, nil, "CDMA subscription source"},
	{1032, Broadcast, 0, nil, "CDMA PRL"},
	{1033, Broadcast, 0, nil, "emergency callback mode"},
	{1034, Consume, 0, nil, "the proxy sends its own RIL_CONNECTED on every accept"},
	{1035, Broadcast, 0, netStatus, "voice radio technology"},
	{1036, Broadcast, 0, nil, "cell information"},
	{1037, Broadcast, 0, []parcel.ReqID{112}, "IMS registration"},
	{1038, Broadcast, 0, nil, "UICC subscription"},
	{1039, CallRelated, 0, nil, "SRVCC hands the call over"},
	{1040, Broadcast, 0, []parcel.ReqID{124}, "hardware configuration"},
	{1041, Broadcast, 0, nil, "data connection real-time info"},
	{1042, Broadcast, 0, []parcel.ReqID{130}, "radio capability"},
	{1043, Foreground, 0, nil, "SS code result: the user typed the code in the foreground"},
	{1044, Owner, 0, nil, "SIM toolkit session belongs to the owner"},
	{1045, Broadcast, 0, nil, "link capacity estimate"},
	{1046, Broadcast, 0, nil, "protocol configuration options"},
}

const firstUnsol = 1000

var unsolIndex [47]*UnsolRule

func init() {
	for i := range unsols {
		r := &unsols[i]
		if n := int(r.ID) - firstUnsol; n >= 0 && n < len(unsolIndex) {
			unsolIndex[n] = r
		}
	}
}

// Unsol returns the rule of id, and false for an id outside the table (the
// multiplexer broadcasts those: an indication the proxy does not know is
// still the modem's news).
func Unsol(id parcel.UnsolID) (UnsolRule, bool) {
	n := int(id) - firstUnsol
	if n < 0 || n >= len(unsolIndex) || unsolIndex[n] == nil {
		return UnsolRule{}, false
	}
	return *unsolIndex[n], true
}

// Unsols returns every indication rule, sorted by id.
func Unsols() []UnsolRule { return append([]UnsolRule(nil), unsols...) }
