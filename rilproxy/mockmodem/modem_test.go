package mockmodem

import (
	"context"
	"strings"
	"testing"
	"time"

	"droidplex/rilproxy/parcel"
)

const never = time.Hour // AlertAfter for tests that step calls by hand

func checkTranscript(t *testing.T, c *rilClient, want string) {
	t.Helper()
	want = strings.TrimSpace(want)
	if got := c.transcript(); got != want {
		t.Errorf("transcript:\n%s\n\nwant:\n%s", got, want)
	}
}

func TestConnectAndIdentity(t *testing.T) {
	_, path := startModem(t, Config{})
	c := dial(t, path)
	c.connected()
	c.do(parcel.ReqGetSimStatus, nil)
	c.do(parcel.ReqGetImsi, parcel.Strings{parcel.Null})
	c.do(parcel.ReqGetImei, nil)
	c.do(parcel.ReqGetImeisv, nil)
	c.do(parcel.ReqBasebandVersion, nil)
	c.do(parcel.ReqOperator, nil)
	c.do(parcel.ReqSimIo, parcel.SIMIO{Command: simGetResponse, FileID: efICCID, Path: parcel.Str("3F00"), P3: 15})
	c.do(parcel.ReqSimIo, parcel.SIMIO{Command: simReadBinary, FileID: efICCID, Path: parcel.Str("3F00"), P3: 10})
	c.do(parcel.ReqSimIo, parcel.SIMIO{Command: simGetResponse, FileID: 0x6FAD, Path: parcel.Str("3F007F20"), P3: 15})
	c.radioOn()
	c.do(parcel.ReqVoiceRegistrationState, nil)
	c.do(parcel.ReqOperator, nil)
	c.do(parcel.ReqSignalStrength, nil)
	checkTranscript(t, c, `
UNSOL RIL_CONNECTED [12]
UNSOL RESPONSE_RADIO_STATE_CHANGED {State:0}
> GET_SIM_STATUS
RESP GET_SIM_STATUS {CardState:1 UniversalPINState:0 GsmUmtsIndex:0 CdmaIndex:-1 ImsIndex:-1 Apps:[{AppType:1 AppState:5 PersoSubstate:0 AID:<null> Label:<null> PIN1Replaced:0 PIN1:3 PIN2:3}]}
> GET_IMSI
RESP GET_IMSI {Value:"001010123456789"}
> GET_IMEI
RESP GET_IMEI {Value:"490154203237518"}
> GET_IMEISV
RESP GET_IMEISV {Value:"01"}
> BASEBAND_VERSION
RESP BASEBAND_VERSION {Value:"droidplex-mock 1"}
> OPERATOR
RESP OPERATOR [<null> <null> <null>]
> SIM_IO
RESP SIM_IO {SW1:144 SW2:0 Response:"0000000A2FE2040000000001020000"}
> SIM_IO
RESP SIM_IO {SW1:144 SW2:0 Response:"980001000000000010F8"}
> SIM_IO
RESP SIM_IO {SW1:106 SW2:130 Response:<null>}
> RADIO_POWER
RESP RADIO_POWER
UNSOL RESPONSE_RADIO_STATE_CHANGED {State:10}
UNSOL RESPONSE_VOICE_NETWORK_STATE_CHANGED
> VOICE_REGISTRATION_STATE
RESP VOICE_REGISTRATION_STATE ["1" "1a2b" "0000c0de" "3" <null> <null> <null> <null> <null> <null> <null> <null> <null> <null> <null>]
> OPERATOR
RESP OPERATOR ["Droidplex Mock" "Mock" "00101"]
> SIGNAL_STRENGTH
RESP SIGNAL_STRENGTH {Values:[20 99 -1 -1 -1 -1 -1 99 2147483647 2147483647 2147483647 2147483647 2147483647] N:13}
`)
}

func TestOutgoingCall(t *testing.T) {
	m, path := startModem(t, Config{AlertAfter: time.Millisecond})
	c := dial(t, path)
	c.connected()
	if r := c.do(parcel.ReqDial, parcel.Dial{Address: parcel.Str("+15551234567")}); r.Error != parcel.RadioNotAvailable {
		t.Fatalf("dial with radio off: error %d", r.Error)
	}
	c.radioOn()
	c.do(parcel.ReqDial, parcel.Dial{Address: parcel.Str("+15551234567")})
	c.unsol(parcel.UnsolCallStateChanged)
	c.do(parcel.ReqGetCurrentCalls, nil)
	c.unsol(parcel.UnsolCallStateChanged) // the far end rings
	c.do(parcel.ReqGetCurrentCalls, nil)
	if err := m.RemoteAnswer(); err != nil {
		t.Fatal(err)
	}
	c.unsol(parcel.UnsolCallStateChanged)
	c.do(parcel.ReqGetCurrentCalls, nil)
	c.do(parcel.ReqHangup, parcel.Ints{1})
	c.unsol(parcel.UnsolCallStateChanged)
	c.do(parcel.ReqGetCurrentCalls, nil)
	c.do(parcel.ReqLastCallFailCause, nil)
	if err := m.RemoteAnswer(); err == nil {
		t.Error("RemoteAnswer with no call succeeded")
	}
	checkTranscript(t, c, `
UNSOL RIL_CONNECTED [12]
UNSOL RESPONSE_RADIO_STATE_CHANGED {State:0}
> DIAL
RESP DIAL error 1
> RADIO_POWER
RESP RADIO_POWER
UNSOL RESPONSE_RADIO_STATE_CHANGED {State:10}
UNSOL RESPONSE_VOICE_NETWORK_STATE_CHANGED
> DIAL
RESP DIAL
UNSOL RESPONSE_CALL_STATE_CHANGED
> GET_CURRENT_CALLS
RESP GET_CURRENT_CALLS [{State:2 Index:1 TOA:145 IsMpty:false IsMT:false ALS:0 IsVoice:true IsVoicePrivacy:false Number:"+15551234567" NumberPresentation:0 Name:<null> NamePresentation:0 UUS:<nil>}]
UNSOL RESPONSE_CALL_STATE_CHANGED
> GET_CURRENT_CALLS
RESP GET_CURRENT_CALLS [{State:3 Index:1 TOA:145 IsMpty:false IsMT:false ALS:0 IsVoice:true IsVoicePrivacy:false Number:"+15551234567" NumberPresentation:0 Name:<null> NamePresentation:0 UUS:<nil>}]
UNSOL RESPONSE_CALL_STATE_CHANGED
> GET_CURRENT_CALLS
RESP GET_CURRENT_CALLS [{State:0 Index:1 TOA:145 IsMpty:false IsMT:false ALS:0 IsVoice:true IsVoicePrivacy:false Number:"+15551234567" NumberPresentation:0 Name:<null> NamePresentation:0 UUS:<nil>}]
> HANGUP
RESP HANGUP
UNSOL RESPONSE_CALL_STATE_CHANGED
> GET_CURRENT_CALLS
RESP GET_CURRENT_CALLS []
> LAST_CALL_FAIL_CAUSE
RESP LAST_CALL_FAIL_CAUSE {Cause:16 Vendor:<null> Legacy:true}
`)
}

// callStates returns "index:state" for each call in a GET_CURRENT_CALLS answer.
func callStates(t *testing.T, c *rilClient) string {
	t.Helper()
	var out []string
	for _, call := range c.decode(parcel.ReqGetCurrentCalls, nil).(parcel.CallList) {
		s := stateNames[call.State]
		if call.IsMpty {
			s += "+mpty"
		}
		out = append(out, string(rune('0'+call.Index))+":"+s)
	}
	return strings.Join(out, " ")
}

func TestAutoAnswerAndReject(t *testing.T) {
	m, path := startModem(t, Config{AlertAfter: time.Millisecond, AnswerAfter: time.Millisecond})
	c := dial(t, path)
	c.connected()
	c.radioOn()
	c.do(parcel.ReqDial, parcel.Dial{Address: parcel.Str("555")})
	c.unsol(parcel.UnsolCallStateChanged) // dialing
	c.unsol(parcel.UnsolCallStateChanged) // alerting
	c.unsol(parcel.UnsolCallStateChanged) // active
	if got := callStates(t, c); got != "1:active" {
		t.Errorf("after auto answer: %q", got)
	}
	c.do(parcel.ReqHangup, parcel.Ints{1})
	c.unsol(parcel.UnsolCallStateChanged)

	m.cfg.AnswerAfter = 0
	c.do(parcel.ReqDial, parcel.Dial{Address: parcel.Str("555")})
	c.unsol(parcel.UnsolCallStateChanged)
	c.unsol(parcel.UnsolCallStateChanged) // alerting
	if err := m.RemoteReject(); err != nil {
		t.Fatal(err)
	}
	c.unsol(parcel.UnsolCallStateChanged)
	if got := callStates(t, c); got != "" {
		t.Errorf("after reject: %q", got)
	}
	if fc := c.decode(parcel.ReqLastCallFailCause, nil).(parcel.FailCause); fc.Cause != causeBusy {
		t.Errorf("cause %d, want busy", fc.Cause)
	}
}

func TestIncomingCalls(t *testing.T) {
	m, path := startModem(t, Config{AlertAfter: never})
	c := dial(t, path)
	c.connected()
	if _, err := m.IncomingCall("+15550001111"); err == nil {
		t.Error("incoming call with the radio off succeeded")
	}
	c.radioOn()
	steps := []struct {
		name string
		act  func()
		want string
	}{
		{"ring", func() {
			ring(t, m, "+15550001111")
			c.unsol(parcel.UnsolCallStateChanged)
			c.unsol(parcel.UnsolCallRing)
		}, "1:incoming"},
		{"answer", func() { c.do(parcel.ReqAnswer, nil); c.unsol(parcel.UnsolCallStateChanged) }, "1:active"},
		{"second rings waiting", func() {
			ring(t, m, "+15550002222")
			c.unsol(parcel.UnsolCallStateChanged)
			c.unsol(parcel.UnsolCallRing)
		}, "1:active 2:waiting"},
		{"hold and accept", func() { c.do(parcel.ReqSwitchWaitingOrHoldingAndActive, nil); c.unsol(parcel.UnsolCallStateChanged) }, "1:holding 2:active"},
		{"swap", func() { c.do(parcel.ReqSwitchHoldingAndActive, nil); c.unsol(parcel.UnsolCallStateChanged) }, "1:active 2:holding"},
		{"conference", func() { c.do(parcel.ReqConference, nil); c.unsol(parcel.UnsolCallStateChanged) }, "1:active+mpty 2:active+mpty"},
		{"separate", func() { c.do(parcel.ReqSeparateConnection, parcel.Ints{2}); c.unsol(parcel.UnsolCallStateChanged) }, "1:holding 2:active"},
		{"hang up active, resume held", func() {
			c.do(parcel.ReqHangupForegroundResumeBackground, nil)
			c.unsol(parcel.UnsolCallStateChanged)
		}, "1:active"},
		{"third rings", func() { ring(t, m, "333"); c.unsol(parcel.UnsolCallStateChanged); c.unsol(parcel.UnsolCallRing) }, "1:active 2:waiting"},
		{"reject waiting (busy)", func() { c.do(parcel.ReqUdub, nil); c.unsol(parcel.UnsolCallStateChanged) }, "1:active"},
		{"remote hangs up", func() { noErr(t, m.RemoteHangup(0)); c.unsol(parcel.UnsolCallStateChanged) }, ""},
		{"ring then reject", func() {
			ring(t, m, "444")
			c.unsol(parcel.UnsolCallStateChanged)
			c.unsol(parcel.UnsolCallRing)
			c.do(parcel.ReqHangupWaitingOrBackground, nil)
			c.unsol(parcel.UnsolCallStateChanged)
		}, ""},
	}
	for _, s := range steps {
		s.act()
		if got := callStates(t, c); got != s.want {
			t.Fatalf("%s: calls %q, want %q", s.name, got, s.want)
		}
		if st := m.Status(); len(st.Calls) != strings.Count(s.want, ":") {
			t.Fatalf("%s: status has %d calls, list %q", s.name, len(st.Calls), s.want)
		}
	}
	if r := c.do(parcel.ReqAnswer, nil); r.Error != parcel.GenericFailure {
		t.Errorf("answer with nothing ringing: error %d", r.Error)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ring(t *testing.T, m *Modem, number string) {
	t.Helper()
	if _, err := m.IncomingCall(number); err != nil {
		t.Fatal(err)
	}
}

func TestDTMFMuteUSSDData(t *testing.T) {
	m, path := startModem(t, Config{})
	c := dial(t, path)
	c.connected()
	c.radioOn()
	c.do(parcel.ReqDtmf, parcel.String{Value: parcel.Str("1")})
	c.do(parcel.ReqDtmf, parcel.String{Value: parcel.Str("#")})
	if r := c.do(parcel.ReqDtmf, parcel.String{Value: parcel.Str("12")}); r.Error != parcel.InvalidArguments {
		t.Errorf("two-digit DTMF: error %d", r.Error)
	}
	c.do(parcel.ReqSetMute, parcel.Ints{1})
	if v := c.decode(parcel.ReqGetMute, nil).(parcel.Ints); len(v) != 1 || v[0] != 1 {
		t.Errorf("GET_MUTE %v", v)
	}
	c.do(parcel.ReqSendUssd, parcel.String{Value: parcel.Str("*100#")})
	u := c.unsol(parcel.UnsolOnUssd)
	if v, _ := parcel.DecodeUnsol(u.Unsol, u.Payload); v.(parcel.Strings)[1].S != DefaultConfig().USSDReply {
		t.Errorf("USSD reply %v", v)
	}
	dc := c.decode(parcel.ReqSetupDataCall, parcel.Strings(parcel.Strs("5", "0", "internet.example", "", "", "0", "IP"))).(parcel.DataCallList)
	if len(dc.Calls) != 1 || dc.Calls[0].Addresses.S != "192.0.2.2/30" || dc.Calls[0].IfName.S != "rmnet0" {
		t.Errorf("data call %+v", dc)
	}
	c.unsol(parcel.UnsolDataCallListChanged)
	st := m.Status()
	if st.DTMF != "1#" || !st.Mute || len(st.USSDSent) != 1 || len(st.DataCalls) != 1 || st.DataCalls[0].APN != "internet.example" {
		t.Errorf("status %+v", st)
	}
	c.do(parcel.ReqDeactivateDataCall, parcel.Strings(parcel.Strs("1", "0")))
	c.unsol(parcel.UnsolDataCallListChanged)
	if n := len(c.decode(parcel.ReqDataCallList, nil).(parcel.DataCallList).Calls); n != 0 {
		t.Errorf("%d data calls after deactivate", n)
	}
	noErr(t, m.SetSignal(1))
	sig, _ := parcel.DecodeUnsol(parcel.UnsolSignalStrength, c.unsol(parcel.UnsolSignalStrength).Payload)
	if sig.(parcel.SignalStrength).Values[0] != barsToRSSI[1] {
		t.Errorf("signal %+v", sig)
	}
	if m.SetSignal(5) == nil || m.SetRegistration("lost") == nil {
		t.Error("bad signal or registration accepted")
	}
	noErr(t, m.SetRegistration("roaming"))
	c.unsol(parcel.UnsolVoiceNetworkStateChanged)
	if v := c.decode(parcel.ReqVoiceRegistrationState, nil).(parcel.Strings); v[0].S != "5" {
		t.Errorf("registration %v", v)
	}
}

func TestSMS(t *testing.T) {
	m, path := startModem(t, Config{})
	c := dial(t, path)
	c.connected()
	c.radioOn()
	for i := 1; i <= 2; i++ {
		r := c.decode(parcel.ReqSendSms, parcel.Strings{parcel.Null, parcel.Str("11000B915155674523F10000A710E8329BFD0699E5EF36E86D7EBBDF")}).(parcel.SMSResponse)
		if r.MessageRef != int32(i) || r.ErrorCode != -1 {
			t.Errorf("send %d: %+v", i, r)
		}
	}
	if st := m.Status(); len(st.SMSSent) != 2 || st.SMSSent[0].To != "+15557654321" || st.SMSSent[0].Text != "hello from ofono" {
		t.Errorf("sent %+v", st.SMSSent)
	}
	noErr(t, m.IncomingSMS("+15550001111", "first"))
	noErr(t, m.IncomingSMS("+15550002222", "second"))
	first := c.unsol(parcel.UnsolNewSms)
	// Only one outstanding: nothing else arrives before the ack.
	if st := m.Status(); st.SMSWaiting != 2 {
		t.Errorf("waiting %d", st.SMSWaiting)
	}
	c.do(parcel.ReqSmsAcknowledge, parcel.Ints{1, 0})
	second := c.unsol(parcel.UnsolNewSms)
	c.do(parcel.ReqSmsAcknowledge, parcel.Ints{1, 0})
	for i, u := range []parcel.Message{first, second} {
		v, _ := parcel.DecodeUnsol(u.Unsol, u.Payload)
		pdu := v.(parcel.String).Value.S
		if !strings.Contains(pdu, []string{"0B915155001011F1", "0B915155002022F2"}[i]) {
			t.Errorf("sms %d: pdu %s lacks the sender", i, pdu)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.WaitFor(ctx, func(s Status) bool { return s.SMSWaiting == 0 }); err != nil {
		t.Error(err)
	}
}
