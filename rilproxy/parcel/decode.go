package parcel

import "fmt"

type decodeFunc func(*Decoder) Payload

func decodeInts(d *Decoder) Payload    { return Ints(d.Ints()) }
func decodeStrings(d *Decoder) Payload { return Strings(d.Strings()) }
func decodeString(d *Decoder) Payload  { return String{d.String16()} }
func decodeRaw(d *Decoder) Payload     { return Raw{d.Bytes()} }
func decodeVoid(*Decoder) Payload      { return Void{} }

// requestInts is libril's dispatchInts, which refuses count <= 0.
func decodeRequestInts(d *Decoder) Payload {
	v := d.Ints()
	if d.err == nil && len(v) == 0 {
		d.fail(fmt.Errorf("%w: int array of count <= 0 (libril refuses it)", ErrBadValue))
	}
	return Ints(v)
}

func decodeCallForwardReq(d *Decoder) Payload { return decodeCallForward(d) }

func decodeCallForwards(d *Decoder) Payload {
	n, _ := d.count(6*4, "call forward list")
	v := make(CallForwards, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		v = append(v, decodeCallForward(d))
	}
	return v
}

// By libril dispatch function (ril_commands.h). Anything else is Opaque.
var requestDecoders = map[string]decodeFunc{
	"dispatchVoid":                decodeVoid,
	"dispatchInts":                decodeRequestInts,
	"dispatchString":              decodeString,
	"dispatchStrings":             decodeStrings,
	"dispatchDataCall":            decodeStrings,
	"dispatchDial":                decodeDial,
	"dispatchSIM_IO":              decodeSIMIO,
	"dispatchCallForward":         decodeCallForwardReq,
	"dispatchRaw":                 decodeRaw,
	"dispatchGsmBrSmsCnf":         decodeGsmBroadcast,
	"dispatchSetInitialAttachApn": decodeInitialAttach,
}

// By libril response function (ril_commands.h, ril_unsol_commands.h).
var responseDecoders = map[string]decodeFunc{
	"responseVoid":              decodeVoid,
	"responseInts":              decodeInts,
	"responseString":            decodeString,
	"responseStrings":           decodeStrings,
	"responseRaw":               decodeRaw,
	"responseSimStatus":         decodeCardStatus,
	"responseCallList":          decodeCallList,
	"responseFailCause":         decodeFailCause,
	"responseRilSignalStrength": decodeSignal,
	"responseSMS":               decodeSMSResponse,
	"responseSetupDataCall":     decodeDataCallList,
	"responseDataCallList":      decodeDataCallList,
	"responseSIM_IO":            decodeSIMIOResponse,
	"responseCallForwards":      decodeCallForwards,
	"responseGsmBrSmsCnf":       decodeGsmBroadcast,
	"responseSsn":               decodeSSN,
	"responseSimRefresh":        decodeSimRefresh,
	"responseCellInfoList":      decodeCellInfoList,
}

func run(f decodeFunc, payload []byte, what fmt.Stringer) (Payload, error) {
	if f == nil {
		return Opaque{Data: append([]byte{}, payload...)}, nil
	}
	d := Decoder{b: payload}
	v := f(&d)
	if d.err != nil {
		return nil, fmt.Errorf("decode %v: %w", what, d.err)
	}
	return v, nil
}

// DecodeRequest decodes the payload of request id (after id and serial) by
// libril's dispatch function for that id. Unknown ids are an error; ids whose
// layout is outside ril.md §2 give Opaque. Trailing bytes are tolerated, as
// libril tolerates them (oFono's DIAL has 4).
func DecodeRequest(id ReqID, payload []byte) (Payload, error) {
	if id == ReqResponseAcknowledgement {
		return Void{}, nil
	}
	info, ok := requestTable[id]
	if !ok {
		return nil, fmt.Errorf("decode %v: %w: unknown request id", id, ErrBadValue)
	}
	return run(requestDecoders[info.dispatch], payload, id)
}

// DecodeResponse decodes the payload of a successful response to request id
// (after type, serial and error). An error response may carry no payload;
// callers should decode only when the error is Success or bytes remain.
func DecodeResponse(id ReqID, payload []byte) (Payload, error) {
	info, ok := requestTable[id]
	if !ok {
		return nil, fmt.Errorf("decode response to %v: %w: unknown request id", id, ErrBadValue)
	}
	return run(responseDecoders[info.response], payload, id)
}

// DecodeUnsol decodes the payload of indication id (after type and id).
func DecodeUnsol(id UnsolID, payload []byte) (Payload, error) {
	info, ok := unsolTable[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("decode %v: %w: unknown indication id", id, ErrBadValue)
	case id == UnsolRadioStateChanged:
		return run(decodeRadioState, payload, id) // libril appends the state
	case id == UnsolNitzTimeReceived:
		return run(decodeNITZ, payload, id) // libril appends the receive time
	case id == UnsolCallRing && len(payload) == 0:
		return Void{}, nil // GSM; CDMA carries a signal-info record (Opaque)
	}
	return run(responseDecoders[info.response], payload, id)
}
