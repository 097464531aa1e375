package parcel

import "fmt"

// MaxCardApps is RIL_CARD_MAX_APPS.
const MaxCardApps = 8

// CardStatus is the GET_SIM_STATUS response (RIL_CardStatus_v6).
type CardStatus struct {
	CardState, UniversalPINState      int32
	GsmUmtsIndex, CdmaIndex, ImsIndex int32
	Apps                              []AppStatus
}

// AppStatus is one application on the card (RIL_AppStatus).
type AppStatus struct {
	AppType, AppState, PersoSubstate int32
	AID, Label                       NullString
	PIN1Replaced, PIN1, PIN2         int32
}

// AppendTo encodes the v6 layout.
func (v CardStatus) AppendTo(b []byte) []byte {
	for _, x := range [...]int32{v.CardState, v.UniversalPINState, v.GsmUmtsIndex, v.CdmaIndex, v.ImsIndex, int32(len(v.Apps))} {
		b = AppendInt32(b, x)
	}
	for _, a := range v.Apps {
		b = AppendInt32(b, a.AppType)
		b = AppendInt32(b, a.AppState)
		b = AppendInt32(b, a.PersoSubstate)
		b = AppendNullString(b, a.AID)
		b = AppendNullString(b, a.Label)
		b = AppendInt32(b, a.PIN1Replaced)
		b = AppendInt32(b, a.PIN1)
		b = AppendInt32(b, a.PIN2)
	}
	return b
}

func decodeCardStatus(d *Decoder) Payload {
	v := CardStatus{CardState: d.Int32(), UniversalPINState: d.Int32()}
	v.GsmUmtsIndex, v.CdmaIndex, v.ImsIndex = d.Int32(), d.Int32(), d.Int32()
	n := d.Int32()
	if n < 0 || n > MaxCardApps {
		d.fail(fmt.Errorf("%w: %d applications (max %d)", ErrBadValue, n, MaxCardApps))
		return v
	}
	for i := int32(0); i < n && d.err == nil; i++ {
		a := AppStatus{AppType: d.Int32(), AppState: d.Int32(), PersoSubstate: d.Int32()}
		a.AID, a.Label = d.String16(), d.String16()
		a.PIN1Replaced, a.PIN1, a.PIN2 = d.Int32(), d.Int32(), d.Int32()
		v.Apps = append(v.Apps, a)
	}
	return v
}

// Call states (RIL_CallState).
const (
	CallActive   int32 = 0
	CallHolding  int32 = 1
	CallDialing  int32 = 2
	CallAlerting int32 = 3
	CallIncoming int32 = 4
	CallWaiting  int32 = 5
)

// Call is one entry of the GET_CURRENT_CALLS response (RIL_Call).
type Call struct {
	State, Index, TOA       int32
	IsMpty, IsMT            bool
	ALS                     int32
	IsVoice, IsVoicePrivacy bool
	Number                  NullString
	NumberPresentation      int32
	Name                    NullString
	NamePresentation        int32
	UUS                     *UUSInfo
}

// CallList is the GET_CURRENT_CALLS response.
type CallList []Call

func b2i(v bool) int32 {
	if v {
		return 1
	}
	return 0
}

// AppendTo encodes the count and the calls.
func (v CallList) AppendTo(b []byte) []byte {
	b = AppendInt32(b, int32(len(v)))
	for _, c := range v {
		for _, x := range [...]int32{c.State, c.Index, c.TOA, b2i(c.IsMpty), b2i(c.IsMT), c.ALS, b2i(c.IsVoice), b2i(c.IsVoicePrivacy)} {
			b = AppendInt32(b, x)
		}
		b = AppendNullString(b, c.Number)
		b = AppendInt32(b, c.NumberPresentation)
		b = AppendNullString(b, c.Name)
		b = AppendInt32(b, c.NamePresentation)
		b = c.UUS.appendTo(b)
	}
	return b
}

func decodeCallList(d *Decoder) Payload {
	if d.Remaining() == 0 {
		return CallList{} // maguro's "no calls"; oFono accepts it
	}
	n, _ := d.count(13*4, "call list")
	v := make(CallList, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		c := Call{State: d.Int32(), Index: d.Int32(), TOA: d.Int32(), IsMpty: d.Int32() != 0, IsMT: d.Int32() != 0}
		c.ALS, c.IsVoice, c.IsVoicePrivacy = d.Int32(), d.Int32() != 0, d.Int32() != 0
		c.Number, c.NumberPresentation = d.String16(), d.Int32()
		c.Name, c.NamePresentation = d.String16(), d.Int32()
		c.UUS = decodeUUS(d)
		v = append(v, c)
	}
	return v
}

// FailCause is the LAST_CALL_FAIL_CAUSE response. Up to Android 5.1 it was
// ints[1] (Legacy; what oFono parses); from 6.0 it is the cause and an
// optional vendor cause string, with no count.
type FailCause struct {
	Cause  int32
	Vendor NullString
	Legacy bool
}

// AppendTo encodes [1][cause] when Legacy, else cause [+ vendor string].
func (v FailCause) AppendTo(b []byte) []byte {
	if v.Legacy {
		return AppendInts(b, v.Cause)
	}
	b = AppendInt32(b, v.Cause)
	if v.Vendor.Valid {
		b = AppendString(b, v.Vendor.S)
	}
	return b
}

func decodeFailCause(d *Decoder) Payload {
	if d.Remaining() == 8 {
		save := *d
		if n, c := d.Int32(), d.Int32(); n == 1 && c >= 0 {
			return FailCause{Cause: c, Legacy: true}
		}
		*d = save
	}
	v := FailCause{Cause: d.Int32()}
	if d.Remaining() > 0 {
		v.Vendor = d.String16()
	}
	return v
}

// SignalStrength is the SIGNAL_STRENGTH response and indication as libril
// 7.1 marshals it: 13 int32s (12 in libril 4.4; oFono needs the first 7).
// N says how many were present; only Values[:N] is encoded.
type SignalStrength struct {
	Values [13]int32
	N      int
}

// Signal-strength field positions in Values.
const (
	SigGWStrength = iota // 0–31, 99 unknown
	SigGWBitErrorRate
	SigCDMADbm
	SigCDMAEcio
	SigEVDODbm
	SigEVDOEcio
	SigEVDOSNR
	SigLTEStrength
	SigLTERSRP
	SigLTERSRQ
	SigLTERSSNR
	SigLTECQI
	SigTDSCDMARSCP
)

// AppendTo encodes Values[:N].
func (v SignalStrength) AppendTo(b []byte) []byte {
	for _, x := range v.Values[:min(max(v.N, 0), len(v.Values))] {
		b = AppendInt32(b, x)
	}
	return b
}

func decodeSignal(d *Decoder) Payload {
	var v SignalStrength
	if d.Remaining() < 7*4 {
		d.fail(fmt.Errorf("%w: signal strength needs 7 ints, %d bytes left", ErrShort, d.Remaining()))
		return v
	}
	for v.N = 0; v.N < len(v.Values) && d.Remaining() >= 4; v.N++ {
		v.Values[v.N] = d.Int32()
	}
	return v
}

// SMSResponse is the SEND_SMS response (RIL_SMS_Response).
type SMSResponse struct {
	MessageRef int32
	AckPDU     NullString
	ErrorCode  int32 // -1 unknown
}

// AppendTo encodes the response.
func (v SMSResponse) AppendTo(b []byte) []byte {
	b = AppendInt32(b, v.MessageRef)
	b = AppendNullString(b, v.AckPDU)
	return AppendInt32(b, v.ErrorCode)
}

func decodeSMSResponse(d *Decoder) Payload {
	v := SMSResponse{MessageRef: d.Int32(), AckPDU: d.String16()}
	v.ErrorCode = d.Int32()
	return v
}

// SIMIOResponse is the SIM_IO response (RIL_SIM_IO_Response).
type SIMIOResponse struct {
	SW1, SW2 int32
	Response NullString // hex
}

// AppendTo encodes the response.
func (v SIMIOResponse) AppendTo(b []byte) []byte {
	b = AppendInt32(b, v.SW1)
	b = AppendInt32(b, v.SW2)
	return AppendNullString(b, v.Response)
}

func decodeSIMIOResponse(d *Decoder) Payload {
	v := SIMIOResponse{SW1: d.Int32(), SW2: d.Int32()}
	v.Response = d.String16()
	return v
}
