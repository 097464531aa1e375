package policy

import (
	"fmt"

	"droidplex/rilproxy/parcel"
)

// Action is what the multiplexer does with a request from a container.
type Action uint8

// Request actions.
const (
	// Forward: remap the serial, send upstream, route the reply back.
	Forward Action = iota + 1
	// Cached: answer from the last successful reply; identical queries in
	// flight are merged into one upstream request.
	Cached
	// RadioPower: answered locally; the modem gets the OR of what the
	// connected containers want.
	RadioPower
	// ScreenState: answered locally; the modem gets the foreground
	// container's screen state.
	ScreenState
	// CallList: forwarded; the reply is filtered to the calls the container
	// may see (its own and the incoming calls ringing in it).
	CallList
	// Dial: forwarded unless another container has a call (refused); the new
	// call belongs to the dialler.
	Dial
	// CallScoped: forwarded only when it acts on calls of this container
	// alone; otherwise refused with GENERIC_FAILURE.
	CallScoped
	// SMSAck: the acknowledgement of the SMS delivered to this container is
	// forwarded (exactly one per SMS); any other is answered locally.
	SMSAck
	// OwnerOnly: shared-modem settings; forwarded for the configured owner
	// container, refused with GENERIC_FAILURE for the others.
	OwnerOnly
	// Deny: refused with REQUEST_NOT_SUPPORTED for every container.
	Deny
	// Absorb: consumed without reply (RESPONSE_ACKNOWLEDGEMENT: the proxy
	// acknowledges upstream itself).
	Absorb
)

var actionNames = [...]string{
	Forward: "forward", Cached: "cached", RadioPower: "radio-power-or", ScreenState: "screen-state-foreground",
	CallList: "call-list-filtered", Dial: "dial", CallScoped: "call-scoped", SMSAck: "sms-ack",
	OwnerOnly: "owner-only", Deny: "deny", Absorb: "absorb",
}

func (a Action) String() string {
	if int(a) < len(actionNames) && actionNames[a] != "" {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// Rule is the policy of one request id.
type Rule struct {
	ID     parcel.ReqID
	Action Action
	// Invalidates lists the Cached requests whose cached reply a successful
	// reply to this request makes stale.
	Invalidates []parcel.ReqID
	// Why is the reviewed reason, rendered into docs/telephony-policy.md.
	Why string
}

// reqs is the reviewed table: one row per request id of android-7.1.2_r39
// (138 ids, TestEveryRequestHasARule). Keep it sorted by id.
var reqs = []Rule{
	{1, Cached, nil, "SIM status; invalidated by SIM and radio state changes"},
	{2, Forward, nil, "unlocking the shared SIM helps every container"},
	{3, OwnerOnly, nil, "PUK entry sets a new PIN: a shared SIM setting"},
	{4, Forward, nil, "PIN2 entry (FDN) does not change the SIM"},
	{5, OwnerOnly, nil, "PUK2 entry sets a new PIN2"},
	{6, OwnerOnly, nil, "PIN change: shared SIM setting"},
	{7, OwnerOnly, nil, "PIN2 change: shared SIM setting"},
	{8, OwnerOnly, nil, "network depersonalisation unlocks the device for all"},
	{9, CallList, nil, "each container sees only its own calls and calls ringing in it"},
	{10, Dial, nil, "the call belongs to the dialler; refused while another container has a call"},
	{11, Cached, nil, "identity (keyed by AID); invalidated by SIM status changes"},
	{12, CallScoped, nil, "only the owner of call <index> may hang it up; a ring-all call that still rings elsewhere only stops ringing here"},
	{13, CallScoped, nil, "acts on the waiting/held call: only when all calls are this container's; a ring-all call that still rings elsewhere only stops ringing here"},
	{14, CallScoped, nil, "acts on the active and held calls: only when all calls are this container's"},
	{15, CallScoped, nil, "swaps held and active: only when all calls are this container's"},
	{16, CallScoped, nil, "joins calls: only when all calls are this container's"},
	{17, CallScoped, nil, "rejects the incoming call: only the container it rings in; a ring-all call that still rings elsewhere only stops ringing here"},
	{18, Forward, nil, "cause of the last call failure; harmless to share"},
	{19, Cached, nil, "status; invalidated by SIGNAL_STRENGTH indications"},
	{20, Cached, nil, "status; invalidated by network state changes"},
	{21, Cached, nil, "status; invalidated by network state changes"},
	{22, Cached, nil, "status; invalidated by network state changes"},
	{23, RadioPower, nil, "the modem is on if any container wants it on (RIL.java sends 0 on every connect)"},
	{24, CallScoped, nil, "DTMF goes into the active call: only its owner"},
	{25, Forward, nil, "mobile-originated SMS from any container"},
	{26, Forward, nil, "mobile-originated SMS from any container"},
	{27, Forward, nil, "data calls are shared (one PDP context per APN)"},
	{28, Forward, nil, "SIM file access is read-mostly and per request"},
	{29, Forward, nil, "USSD from any container; the replies of its session go to it"},
	{30, Forward, nil, "cancels the USSD session"},
	{31, Forward, nil, "query"},
	{32, Forward, nil, "CLIR is applied per dial by the client"},
	{33, Forward, nil, "query"},
	{34, OwnerOnly, nil, "call forwarding is a line setting shared by all containers"},
	{35, Forward, nil, "query"},
	{36, OwnerOnly, nil, "call waiting is a line setting shared by all containers"},
	{37, SMSAck, nil, "exactly one acknowledgement per incoming SMS reaches the modem"},
	{38, Cached, nil, "identity never changes"},
	{39, Cached, nil, "identity never changes"},
	{40, CallScoped, nil, "answers the call ringing in this container; with ring-all the first answer wins"},
	{41, Forward, nil, "data calls are shared"},
	{42, Forward, nil, "query (barring or SIM lock state)"},
	{43, OwnerOnly, nil, "call barring and SIM lock are shared settings"},
	{44, OwnerOnly, nil, "barring password is a shared setting"},
	{45, Cached, nil, "status; invalidated by network state changes and selection changes"},
	{46, OwnerOnly, []parcel.ReqID{20, 21, 22, 45}, "network selection is shared"},
	{47, OwnerOnly, []parcel.ReqID{20, 21, 22, 45}, "network selection is shared"},
	{48, Forward, nil, "scan; slow but harmless"},
	{49, CallScoped, nil, "DTMF goes into the active call: only its owner"},
	{50, CallScoped, nil, "DTMF goes into the active call: only its owner"},
	{51, Cached, nil, "identity never changes"},
	{52, CallScoped, nil, "splits a conference: only when all calls are this container's"},
	{53, CallScoped, nil, "microphone mute of the call: only its owner"},
	{54, Forward, nil, "query"},
	{55, Forward, nil, "query"},
	{56, Forward, nil, "query"},
	{57, Forward, nil, "query"},
	{58, OwnerOnly, nil, "resetting the radio drops every container's service"},
	{59, Deny, nil, "vendor hook with unknown effect on the shared modem"},
	{60, Deny, nil, "vendor hook with unknown effect on the shared modem"},
	{61, ScreenState, nil, "the modem gets the foreground container's screen state"},
	{62, Forward, nil, "enables supplementary-service indications"},
	{63, Forward, nil, "SIM SMS storage"},
	{64, Forward, nil, "SIM SMS storage"},
	{65, OwnerOnly, nil, "band selection is shared"},
	{66, Cached, nil, "capability never changes"},
	{67, OwnerOnly, nil, "SIM toolkit session belongs to the owner"},
	{68, OwnerOnly, nil, "SIM toolkit session belongs to the owner"},
	{69, OwnerOnly, nil, "SIM toolkit session belongs to the owner"},
	{70, OwnerOnly, nil, "SIM toolkit session belongs to the owner"},
	{71, OwnerOnly, nil, "SIM toolkit session belongs to the owner"},
	{72, CallScoped, nil, "transfers calls: only when all calls are this container's"},
	{73, OwnerOnly, []parcel.ReqID{74}, "preferred network type is shared"},
	{74, Cached, nil, "setting; invalidated when the owner sets it"},
	{75, Forward, nil, "query"},
	{76, Forward, nil, "enables location indications"},
	{77, Forward, nil, "RIL.java sends it on every connect; harmless on GSM"},
	{78, OwnerOnly, nil, "CDMA roaming preference is shared"},
	{79, Forward, nil, "query"},
	{80, OwnerOnly, nil, "TTY mode is a modem setting"},
	{81, Forward, nil, "query"},
	{82, OwnerOnly, nil, "voice privacy is a modem setting"},
	{83, Forward, nil, "query"},
	{84, CallScoped, nil, "CDMA flash acts on the call: only its owner"},
	{85, CallScoped, nil, "DTMF burst goes into the call: only its owner"},
	{86, Deny, nil, "writes the CDMA A-key"},
	{87, Forward, nil, "mobile-originated SMS from any container"},
	{88, SMSAck, nil, "exactly one acknowledgement per incoming SMS reaches the modem"},
	{89, Forward, nil, "query"},
	{90, OwnerOnly, nil, "cell broadcast configuration is shared"},
	{91, OwnerOnly, nil, "cell broadcast activation is shared"},
	{92, Forward, nil, "query"},
	{93, OwnerOnly, nil, "cell broadcast configuration is shared"},
	{94, OwnerOnly, nil, "cell broadcast activation is shared"},
	{95, Forward, nil, "query"},
	{96, Forward, nil, "RUIM SMS storage"},
	{97, Forward, nil, "RUIM SMS storage"},
	{98, Cached, nil, "identity never changes"},
	{99, Forward, nil, "leaves emergency callback mode"},
	{100, Cached, nil, "setting; invalidated when the owner sets it"},
	{101, OwnerOnly, []parcel.ReqID{100}, "SMS centre is a shared SIM setting"},
	{102, Forward, nil, "SMS memory status"},
	{103, Forward, nil, "STK readiness report; harmless"},
	{104, Forward, nil, "query"},
	{105, Forward, nil, "IMS authentication challenge"},
	{106, SMSAck, nil, "exactly one acknowledgement per incoming SMS reaches the modem"},
	{107, OwnerOnly, nil, "SIM toolkit session belongs to the owner"},
	{108, Cached, nil, "status; invalidated by radio technology changes"},
	{109, Forward, nil, "query"},
	{110, Forward, nil, "RIL.java sends it on every connect; harmless"},
	{111, OwnerOnly, nil, "initial attach APN is shared"},
	{112, Cached, nil, "status; invalidated by IMS network state changes"},
	{113, Forward, nil, "mobile-originated SMS over IMS"},
	{114, Forward, nil, "SIM APDU on the basic channel"},
	{115, Forward, nil, "logical SIM channel"},
	{116, Forward, nil, "logical SIM channel"},
	{117, Forward, nil, "logical SIM channel"},
	{118, Forward, nil, "NV read"},
	{119, Deny, nil, "NV write changes the modem for good"},
	{120, Deny, nil, "NV write changes the modem for good"},
	{121, Deny, nil, "NV reset changes the modem for good"},
	{122, OwnerOnly, nil, "UICC subscription is shared"},
	{123, OwnerOnly, nil, "data allowed is a modem-wide switch"},
	{124, Cached, nil, "configuration; invalidated by HARDWARE_CONFIG_CHANGED"},
	{125, Forward, nil, "SIM authentication challenge"},
	{126, Forward, nil, "query"},
	{127, Forward, nil, "rate of indications"},
	{128, OwnerOnly, nil, "data profiles are shared"},
	{129, Deny, nil, "shuts the modem down for every container"},
	{130, Cached, nil, "capability; invalidated by RADIO_CAPABILITY"},
	{131, Deny, nil, "radio capability switch is a multi-SIM rearrangement"},
	{132, Forward, nil, "link capacity estimate"},
	{133, Forward, nil, "link capacity estimate"},
	{134, Forward, nil, "link capacity estimate"},
	{135, Forward, nil, "query"},
	{136, Deny, nil, "carrier restrictions lock the device for good"},
	{137, Forward, nil, "query"},
	{800, Absorb, nil, "the proxy acknowledges type 3/4 messages upstream itself"},
}

// reqIndex maps ids 0..137 to rules; 800 is kept apart.
var (
	reqIndex [138]*Rule
	ackRule  *Rule
)

func init() {
	for i := range reqs {
		r := &reqs[i]
		switch {
		case r.ID == parcel.ReqResponseAcknowledgement:
			ackRule = r
		case r.ID > 0 && int(r.ID) < len(reqIndex):
			reqIndex[r.ID] = r
		}
	}
}

// Request returns the rule of id, and false for an id outside the table
// (the multiplexer answers those GENERIC_FAILURE, as libril does).
func Request(id parcel.ReqID) (Rule, bool) {
	if id == parcel.ReqResponseAcknowledgement {
		return *ackRule, true
	}
	if id <= 0 || int(id) >= len(reqIndex) || reqIndex[id] == nil {
		return Rule{}, false
	}
	return *reqIndex[id], true
}

// Requests returns every request rule, sorted by id.
func Requests() []Rule { return append([]Rule(nil), reqs...) }
