package parcel

// Payload is a typed view of a request, response or indication payload.
// AppendTo encodes it back; decoding then encoding a well-formed payload
// gives the same bytes (fixtures from real oFono traffic check this).
type Payload interface {
	AppendTo(b []byte) []byte
}

// Void is an empty payload. Trailing bytes after a void payload are
// tolerated by libril and ignored here.
type Void struct{}

// AppendTo encodes nothing.
func (Void) AppendTo(b []byte) []byte { return b }

// Ints is an int array payload (dispatchInts / responseInts).
type Ints []int32

// AppendTo encodes the count and the ints.
func (v Ints) AppendTo(b []byte) []byte { return AppendInts(b, v...) }

// Strings is a string array payload (dispatchStrings / responseStrings).
type Strings []NullString

// AppendTo encodes the count and the strings.
func (v Strings) AppendTo(b []byte) []byte { return AppendStrings(b, v...) }

// String is a single-string payload (dispatchString / responseString).
type String struct{ Value NullString }

// AppendTo encodes the string.
func (v String) AppendTo(b []byte) []byte { return AppendNullString(b, v.Value) }

// Raw is a byte-array payload (dispatchRaw / responseRaw: OEM_HOOK_RAW,
// NEW_BROADCAST_SMS).
type Raw struct{ Data []byte }

// AppendTo encodes the length, the bytes and padding.
func (v Raw) AppendTo(b []byte) []byte { return AppendBytes(b, v.Data) }

// Opaque is a payload this package does not decode (CDMA, IMS, LCE, hardware
// configuration and other layouts outside ril.md §2); it is kept verbatim.
type Opaque struct{ Data []byte }

// AppendTo appends the bytes verbatim.
func (v Opaque) AppendTo(b []byte) []byte { return append(b, v.Data...) }

// UUSInfo is user-to-user signalling attached to DIAL or a call entry.
type UUSInfo struct {
	Type, DCS int32
	Data      []byte
}

func (u *UUSInfo) appendTo(b []byte) []byte {
	if u == nil {
		return AppendInt32(b, 0)
	}
	b = AppendInt32(b, 1)
	b = AppendInt32(b, u.Type)
	b = AppendInt32(b, u.DCS)
	return AppendBytes(b, u.Data)
}

func decodeUUS(d *Decoder) *UUSInfo {
	if d.Int32() != 1 {
		return nil
	}
	u := &UUSInfo{Type: d.Int32(), DCS: d.Int32()}
	u.Data = d.Bytes()
	return u
}

// Dial is the DIAL request (dispatchDial). oFono appends one extra int32
// after uusPresent; trailing bytes are ignored, as libril ignores them.
type Dial struct {
	Address NullString
	CLIR    int32 // 0 subscription default, 1 invocation, 2 suppression
	UUS     *UUSInfo
}

// AppendTo encodes address, clir and uusPresent (with the UUS if any).
func (v Dial) AppendTo(b []byte) []byte {
	b = AppendNullString(b, v.Address)
	b = AppendInt32(b, v.CLIR)
	return v.UUS.appendTo(b)
}

func decodeDial(d *Decoder) Payload {
	v := Dial{Address: d.String16(), CLIR: d.Int32()}
	if d.Remaining() >= 4 { // libril reads uusPresent only for vendor RIL ≥ 3
		v.UUS = decodeUUS(d)
	}
	return v
}

// SIMIO is the SIM_IO request (RIL_SIM_IO_v6).
type SIMIO struct {
	Command, FileID int32
	Path            NullString
	P1, P2, P3      int32
	Data, PIN2, AID NullString
}

// AppendTo encodes the v6 layout.
func (v SIMIO) AppendTo(b []byte) []byte {
	b = AppendInt32(b, v.Command)
	b = AppendInt32(b, v.FileID)
	b = AppendNullString(b, v.Path)
	b = AppendInt32(b, v.P1)
	b = AppendInt32(b, v.P2)
	b = AppendInt32(b, v.P3)
	b = AppendNullString(b, v.Data)
	b = AppendNullString(b, v.PIN2)
	return AppendNullString(b, v.AID)
}

func decodeSIMIO(d *Decoder) Payload {
	v := SIMIO{Command: d.Int32(), FileID: d.Int32(), Path: d.String16()}
	v.P1, v.P2, v.P3 = d.Int32(), d.Int32(), d.Int32()
	v.Data, v.PIN2 = d.String16(), d.String16()
	if d.Remaining() >= 4 {
		v.AID = d.String16()
	}
	return v
}

// CallForward is one call-forwarding record (dispatchCallForward, and each
// entry of responseCallForwards).
type CallForward struct {
	Status, Reason, ServiceClass, TOA int32
	Number                            NullString
	TimeSeconds                       int32
}

// AppendTo encodes the record.
func (v CallForward) AppendTo(b []byte) []byte {
	b = AppendInt32(b, v.Status)
	b = AppendInt32(b, v.Reason)
	b = AppendInt32(b, v.ServiceClass)
	b = AppendInt32(b, v.TOA)
	b = AppendNullString(b, v.Number)
	return AppendInt32(b, v.TimeSeconds)
}

func decodeCallForward(d *Decoder) CallForward {
	v := CallForward{Status: d.Int32(), Reason: d.Int32(), ServiceClass: d.Int32(), TOA: d.Int32()}
	v.Number = d.String16()
	v.TimeSeconds = d.Int32()
	return v
}

// CallForwards is the QUERY_CALL_FORWARD_STATUS response.
type CallForwards []CallForward

// AppendTo encodes the count and the records.
func (v CallForwards) AppendTo(b []byte) []byte {
	b = AppendInt32(b, int32(len(v)))
	for _, c := range v {
		b = c.AppendTo(b)
	}
	return b
}

// GsmBroadcastConfig is one cell-broadcast range (RIL_GSM_BroadcastSmsConfigInfo).
type GsmBroadcastConfig struct {
	FromServiceID, ToServiceID, FromCodeScheme, ToCodeScheme, Selected int32
}

// GsmBroadcastConfigs is the GSM_GET/SET_BROADCAST_SMS_CONFIG payload.
type GsmBroadcastConfigs []GsmBroadcastConfig

// AppendTo encodes the count and n×5 int32s.
func (v GsmBroadcastConfigs) AppendTo(b []byte) []byte {
	b = AppendInt32(b, int32(len(v)))
	for _, c := range v {
		for _, x := range [5]int32{c.FromServiceID, c.ToServiceID, c.FromCodeScheme, c.ToCodeScheme, c.Selected} {
			b = AppendInt32(b, x)
		}
	}
	return b
}

func decodeGsmBroadcast(d *Decoder) Payload {
	n, _ := d.count(20, "broadcast config")
	v := make(GsmBroadcastConfigs, n)
	for i := range v {
		v[i] = GsmBroadcastConfig{d.Int32(), d.Int32(), d.Int32(), d.Int32(), d.Int32()}
	}
	return v
}

// InitialAttachAPN is the SET_INITIAL_ATTACH_APN request.
type InitialAttachAPN struct {
	APN, Protocol  NullString
	AuthType       int32
	User, Password NullString
}

// AppendTo encodes the request.
func (v InitialAttachAPN) AppendTo(b []byte) []byte {
	b = AppendNullString(b, v.APN)
	b = AppendNullString(b, v.Protocol)
	b = AppendInt32(b, v.AuthType)
	b = AppendNullString(b, v.User)
	return AppendNullString(b, v.Password)
}

func decodeInitialAttach(d *Decoder) Payload {
	v := InitialAttachAPN{APN: d.String16(), Protocol: d.String16(), AuthType: d.Int32()}
	v.User, v.Password = d.String16(), d.String16()
	return v
}
