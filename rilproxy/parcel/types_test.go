package parcel

import (
	"errors"
	"reflect"
	"testing"
)

// TestTypedRoundTrip encodes a sample of every typed view, decodes it by id
// and expects the same value back.
func TestTypedRoundTrip(t *testing.T) {
	uus := &UUSInfo{Type: 1, DCS: 2, Data: []byte{1, 2, 3}}
	reqs := []struct {
		id ReqID
		v  Payload
	}{
		{ReqGetSimStatus, Void{}},
		{ReqEnterSimPin, Strings{Str("1234"), Null}},
		{ReqDial, Dial{Address: Str("+15551234567"), CLIR: 0}},
		{ReqDial, Dial{Address: Str("123"), CLIR: 2, UUS: uus}},
		{ReqHangup, Ints{1}},
		{ReqDtmf, String{Str("1")}},
		{ReqSendSms, Strings{Null, Str("11000B915155674523F10000A710E8329BFD0699E5EF36E86D7EBBDF")}},
		{ReqSetupDataCall, Strings(Strs("5", "0", "internet.example", "", "", "0", "IP"))},
		{ReqSimIo, SIMIO{Command: 0xc0, FileID: 0x6fb7, Path: Str("3F007F20"), P3: 15, AID: Str("a0")}},
		{ReqSetCallForward, CallForward{Status: 3, Reason: 0, ServiceClass: 1, TOA: 145, Number: Str("+1555"), TimeSeconds: 20}},
		{ReqOemHookRaw, Raw{[]byte{1, 2, 3, 4, 5}}},
		{ReqGsmSetBroadcastSmsConfig, GsmBroadcastConfigs{{0x1100, 0x1104, 0, 255, 1}}},
		{ReqSetInitialAttachApn, InitialAttachAPN{APN: Str("internet"), Protocol: Str("IP"), AuthType: 0, User: Null, Password: Null}},
	}
	for _, tt := range reqs {
		got, err := DecodeRequest(tt.id, tt.v.AppendTo(nil))
		if err != nil || !reflect.DeepEqual(got, tt.v) {
			t.Errorf("request %v: got %+v, %v; want %+v", tt.id, got, err, tt.v)
		}
	}
	var sig SignalStrength
	sig.N = 13
	sig.Values[SigGWStrength], sig.Values[SigGWBitErrorRate] = 20, 99
	resps := []struct {
		id ReqID
		v  Payload
	}{
		{ReqGetSimStatus, CardStatus{CardState: 1, CdmaIndex: -1, ImsIndex: -1, Apps: []AppStatus{{AppType: 1, AppState: 5, PIN1: 3, PIN2: 3}}}},
		{ReqGetCurrentCalls, CallList{{State: CallActive, Index: 1, TOA: 145, IsVoice: true, Number: Str("+1555"), UUS: uus}, {State: CallHolding, Index: 2, TOA: 129, IsMT: true, IsVoice: true, Number: Str("555")}}},
		{ReqLastCallFailCause, FailCause{Cause: 16, Legacy: true}},
		{ReqLastCallFailCause, FailCause{Cause: 16, Vendor: Str("normal")}},
		{ReqLastCallFailCause, FailCause{Cause: 31}},
		{ReqSignalStrength, sig},
		{ReqOperator, Strings(Strs("Mock Operator", "Mock", "00101"))},
		{ReqSendSms, SMSResponse{MessageRef: 1, ErrorCode: -1}},
		{ReqSetupDataCall, DataCallList{Version: 11, Calls: []DataCall{{CID: 1, Active: 2, Type: Str("IP"), IfName: Str("rmnet0"), Addresses: Str("192.0.2.2/30"), DNSes: Str("192.0.2.53"), Gateways: Str("192.0.2.1"), PCSCF: Str(""), MTU: 1500}}}},
		{ReqDataCallList, DataCallList{Version: 6, Calls: []DataCall{{CID: 1, Active: 2, Type: Str("IP")}}}},
		{ReqSimIo, SIMIOResponse{SW1: 0x90, Response: Str("00ff")}},
		{ReqQueryCallForwardStatus, CallForwards{{Status: 1, Number: Str("+1")}}},
		{ReqGetImei, String{Str("490154203237518")}},
		{ReqGetClir, Ints{0, 4}},
		{ReqOemHookRaw, Raw{[]byte{}}},
		{ReqGsmGetBroadcastSmsConfig, GsmBroadcastConfigs{}},
		{ReqDial, Void{}},
	}
	for _, tt := range resps {
		got, err := DecodeResponse(tt.id, tt.v.AppendTo(nil))
		if err != nil || !reflect.DeepEqual(got, tt.v) {
			t.Errorf("response %v: got %+v, %v; want %+v", tt.id, got, err, tt.v)
		}
	}
	unsols := []struct {
		id UnsolID
		v  Payload
	}{
		{UnsolRadioStateChanged, RadioState{RadioOn}},
		{UnsolCallStateChanged, Void{}},
		{UnsolNewSms, String{Str("07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07")}},
		{UnsolNewSmsOnSim, Ints{3}},
		{UnsolOnUssd, Strings(Strs("0", "Balance 5"))},
		{UnsolNitzTimeReceived, NITZ{Time: Str("26/11/23,14:00:00+00,0"), Received: 123456789, HasReceived: true}},
		{UnsolSignalStrength, sig},
		{UnsolDataCallListChanged, DataCallList{Version: 10, Calls: []DataCall{{CID: 1, PCSCF: Str("x")}}}},
		{UnsolSuppSvcNotification, SuppSvcNotification{NotificationType: 1, Code: 2, Number: Str("+1")}},
		{UnsolSimRefresh, SimRefresh{Result: 1, EfID: 0x6f07, AID: Null}},
		{UnsolCallRing, Void{}},
		{UnsolNewBroadcastSms, Raw{[]byte{1, 2, 3, 4, 5, 6, 7, 8}}},
		{UnsolRilConnected, Ints{12}},
		{UnsolCdmaCallWaiting, Opaque{[]byte{1, 2, 3}}},
		{UnsolCellInfoList, CellInfoList{Count: 1, Cells: make([]byte, 24)}},
	}
	for _, tt := range unsols {
		got, err := DecodeUnsol(tt.id, tt.v.AppendTo(nil))
		if err != nil || !reflect.DeepEqual(got, tt.v) {
			t.Errorf("unsol %v: got %+v, %v; want %+v", tt.id, got, err, tt.v)
		}
	}
}

// TestRilMdSection2Typed checks that every id in ril.md §2 has a typed view
// (never Opaque) for requests, responses and indications.
func TestRilMdSection2Typed(t *testing.T) {
	reqs := []ReqID{1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
		31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 57, 59, 60, 61, 62,
		73, 74, 89, 90, 98, 100, 101, 103, 109, 110, 111, 800}
	for _, id := range reqs {
		info := requestTable[id]
		if id != ReqResponseAcknowledgement && requestDecoders[info.dispatch] == nil {
			t.Errorf("request %v: no typed request view for %s", id, info.dispatch)
		}
		if id != ReqResponseAcknowledgement && responseDecoders[info.response] == nil {
			t.Errorf("request %v: no typed response view for %s", id, info.response)
		}
	}
	for _, id := range []UnsolID{1000, 1001, 1002, 1003, 1004, 1005, 1006, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1017, 1018, 1019, 1021, 1023, 1034, 1035, 1036} {
		info := unsolTable[id]
		if responseDecoders[info.response] == nil && id != UnsolCallRing {
			t.Errorf("unsol %v: no typed view for %s", id, info.response)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"unknown request", func() error { _, err := DecodeRequest(999, nil); return err }(), ErrBadValue},
		{"unknown unsol", func() error { _, err := DecodeUnsol(2000, nil); return err }(), ErrBadValue},
		{"unknown response", func() error { _, err := DecodeResponse(-5, nil); return err }(), ErrBadValue},
		{"ints count 0 (libril refuses)", func() error { _, err := DecodeRequest(ReqHangup, AppendInts(nil)); return err }(), ErrBadValue},
		{"truncated dial", func() error { _, err := DecodeRequest(ReqDial, AppendString(nil, "+1555")[:6]); return err }(), ErrShort},
		{"too many apps", func() error {
			_, err := DecodeResponse(ReqGetSimStatus, AppendInts(nil, 1, 0, 0, 0, 0)[4:][:16:16])
			return err
		}(), ErrShort},
		{"nine apps", func() error {
			_, err := DecodeResponse(ReqGetSimStatus, CardStatus{Apps: make([]AppStatus, 9)}.AppendTo(nil))
			return err
		}(), ErrBadValue},
		{"old data call version", func() error { _, err := DecodeResponse(ReqDataCallList, AppendInts(nil, 0)); return err }(), ErrBadValue},
		{"short signal", func() error { _, err := DecodeResponse(ReqSignalStrength, AppendInt32(nil, 1)); return err }(), ErrShort},
		{"lying call count", func() error { _, err := DecodeResponse(ReqGetCurrentCalls, AppendInt32(nil, 1000)); return err }(), ErrShort},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
}
