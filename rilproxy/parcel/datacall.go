package parcel

import "fmt"

// DataCall is one entry of a data-call list (RIL_Data_Call_Response_v6,
// v9 adds PCSCF, v11 adds MTU).
type DataCall struct {
	Status, SuggestedRetryTime, CID, Active  int32 // Active: 0 down, 1 dormant, 2 up
	Type, IfName, Addresses, DNSes, Gateways NullString
	PCSCF                                    NullString // version ≥ 9
	MTU                                      int32      // version ≥ 11
}

// DataCallList is the SETUP_DATA_CALL (RIL ≥ 5) and DATA_CALL_LIST
// response and the DATA_CALL_LIST_CHANGED indication. Version is 6, 10 (the
// v9 layout as libril numbers it) or 11.
type DataCallList struct {
	Version int32
	Calls   []DataCall
}

// AppendTo encodes the version, the count and the entries in the layout the
// version names.
func (v DataCallList) AppendTo(b []byte) []byte {
	b = AppendInt32(b, v.Version)
	b = AppendInt32(b, int32(len(v.Calls)))
	for _, c := range v.Calls {
		b = AppendInt32(b, c.Status)
		b = AppendInt32(b, c.SuggestedRetryTime)
		b = AppendInt32(b, c.CID)
		b = AppendInt32(b, c.Active)
		for _, s := range [...]NullString{c.Type, c.IfName, c.Addresses, c.DNSes, c.Gateways} {
			b = AppendNullString(b, s)
		}
		if v.Version >= 9 {
			b = AppendNullString(b, c.PCSCF)
		}
		if v.Version >= 11 {
			b = AppendInt32(b, c.MTU)
		}
	}
	return b
}

func decodeDataCallList(d *Decoder) Payload {
	v := DataCallList{Version: d.Int32()}
	if d.err == nil && v.Version < 6 {
		d.fail(fmt.Errorf("%w: data call list version %d (before RIL v6)", ErrBadValue, v.Version))
		return v
	}
	n, _ := d.count(9*4, "data call list")
	for i := 0; i < n && d.err == nil; i++ {
		c := DataCall{Status: d.Int32(), SuggestedRetryTime: d.Int32(), CID: d.Int32(), Active: d.Int32()}
		c.Type, c.IfName, c.Addresses, c.DNSes, c.Gateways = d.String16(), d.String16(), d.String16(), d.String16(), d.String16()
		if v.Version >= 9 {
			c.PCSCF = d.String16()
		}
		if v.Version >= 11 {
			c.MTU = d.Int32()
		}
		v.Calls = append(v.Calls, c)
	}
	return v
}

// SuppSvcNotification is the SUPP_SVC_NOTIFICATION indication.
type SuppSvcNotification struct {
	NotificationType, Code, Index, Type int32
	Number                              NullString
}

// AppendTo encodes the indication.
func (v SuppSvcNotification) AppendTo(b []byte) []byte {
	for _, x := range [...]int32{v.NotificationType, v.Code, v.Index, v.Type} {
		b = AppendInt32(b, x)
	}
	return AppendNullString(b, v.Number)
}

func decodeSSN(d *Decoder) Payload {
	v := SuppSvcNotification{NotificationType: d.Int32(), Code: d.Int32(), Index: d.Int32(), Type: d.Int32()}
	v.Number = d.String16()
	return v
}

// NITZ is the NITZ_TIME_RECEIVED indication: the time string and the
// receive time libril appends (an int64, omitted by some modems).
type NITZ struct {
	Time        NullString // "yy/mm/dd,hh:mm:ss(+/-)tz,dt"
	Received    int64
	HasReceived bool
}

// AppendTo encodes the indication.
func (v NITZ) AppendTo(b []byte) []byte {
	b = AppendNullString(b, v.Time)
	if v.HasReceived {
		b = AppendInt64(b, v.Received)
	}
	return b
}

func decodeNITZ(d *Decoder) Payload {
	v := NITZ{Time: d.String16()}
	if d.Remaining() >= 8 {
		v.Received, v.HasReceived = d.Int64(), true
	}
	return v
}

// SimRefresh is the SIM_REFRESH indication (v7 layout).
type SimRefresh struct {
	Result, EfID int32
	AID          NullString
}

// AppendTo encodes the indication.
func (v SimRefresh) AppendTo(b []byte) []byte {
	b = AppendInt32(b, v.Result)
	b = AppendInt32(b, v.EfID)
	return AppendNullString(b, v.AID)
}

func decodeSimRefresh(d *Decoder) Payload {
	v := SimRefresh{Result: d.Int32(), EfID: d.Int32()}
	v.AID = d.String16()
	return v
}

// Radio states (RIL_RadioState); 2–9 are deprecated SIM/RUIM/NV states that
// libril folds to RadioOn.
const (
	RadioOff         int32 = 0
	RadioUnavailable int32 = 1
	RadioOn          int32 = 10
)

// RadioState is the RESPONSE_RADIO_STATE_CHANGED indication: libril appends
// the state (a bare int32) although the vendor sends no data.
type RadioState struct{ State int32 }

// AppendTo encodes the state.
func (v RadioState) AppendTo(b []byte) []byte { return AppendInt32(b, v.State) }

func decodeRadioState(d *Decoder) Payload { return RadioState{d.Int32()} }

// CellInfoList is the GET_CELL_INFO_LIST response and CELL_INFO_LIST
// indication: the count, then the RIL_CellInfo records, which are kept
// verbatim (their per-technology layouts vary between vendor RIL versions).
type CellInfoList struct {
	Count int32
	Cells []byte
}

// AppendTo encodes the count and the records.
func (v CellInfoList) AppendTo(b []byte) []byte {
	return append(AppendInt32(b, v.Count), v.Cells...)
}

func decodeCellInfoList(d *Decoder) Payload {
	// The smallest record (type, registered, timestamp type, int64 time,
	// one int32 of cell data) is 24 bytes.
	n, _ := d.count(24, "cell info list")
	return CellInfoList{Count: int32(n), Cells: d.Rest()}
}
