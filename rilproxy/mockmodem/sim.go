package mockmodem

import (
	"encoding/hex"
	"fmt"
	"strings"

	"droidplex/rilproxy/parcel"
)

// cardStatus is a present card with one SIM application, READY, PIN disabled.
func (m *Modem) cardStatus() parcel.CardStatus {
	return parcel.CardStatus{
		CardState: 1, // PRESENT
		CdmaIndex: -1, ImsIndex: -1,
		Apps: []parcel.AppStatus{{AppType: 1 /* SIM */, AppState: 5 /* READY */, PIN1: 3, PIN2: 3 /* DISABLED */}},
	}
}

// SIM file access: commands and the one file the mock has.
const (
	simReadBinary  = 0xB0
	simGetResponse = 0xC0
	efICCID        = 0x2FE2
)

// simIO serves EF_ICCID (GET RESPONSE and READ BINARY); every other file
// answers 6A82 "file not found", which oFono takes as a clean absence.
func (m *Modem) simIO(req parcel.SIMIO) parcel.SIMIOResponse {
	notFound := parcel.SIMIOResponse{SW1: 0x6A, SW2: 0x82}
	if req.FileID != efICCID {
		return notFound
	}
	iccid := bcdSwapped(m.cfg.ICCID)
	switch req.Command {
	case simGetResponse:
		// 2G GET RESPONSE for a transparent EF: size, file id, type EF (04),
		// access conditions "always", status valid, structure transparent.
		resp := fmt.Sprintf("0000%04X%04X040000000001020000", len(iccid), efICCID)
		return parcel.SIMIOResponse{SW1: 0x90, Response: parcel.Str(resp)}
	case simReadBinary:
		off := int(req.P1)<<8 | int(req.P2)
		n := int(req.P3)
		if n == 0 || off+n > len(iccid) {
			n = len(iccid) - min(off, len(iccid))
		}
		if off >= len(iccid) {
			return parcel.SIMIOResponse{SW1: 0x6B, SW2: 0x00} // wrong offset
		}
		return parcel.SIMIOResponse{SW1: 0x90, Response: parcel.Str(strings.ToUpper(hex.EncodeToString(iccid[off : off+n])))}
	}
	return notFound
}

// bcdSwapped encodes digits as the SIM stores them: two per byte, low
// nibble first, padded with F.
func bcdSwapped(digits string) []byte {
	out := make([]byte, 0, (len(digits)+1)/2)
	for i := 0; i < len(digits); i += 2 {
		lo := digits[i] - '0'
		hi := byte(0xF)
		if i+1 < len(digits) {
			hi = digits[i+1] - '0'
		}
		out = append(out, hi<<4|lo&0xF)
	}
	return out
}

// Registration states as VOICE_REGISTRATION_STATE reports them.
var regStates = map[string]string{"none": "0", "home": "1", "searching": "2", "denied": "3", "roaming": "5"}

func regName(code string) string {
	for k, v := range regStates {
		if v == code {
			return k
		}
	}
	return "unknown"
}

func (m *Modem) registered() bool {
	return m.radio == parcel.RadioOn && (m.reg == "1" || m.reg == "5")
}

// regState is the VOICE (15 strings) or DATA (6 strings, [5] = max data
// calls) registration state: LAC 1a2b, CID c0de, UMTS (3).
func (m *Modem) regState(data bool) []byte {
	state := m.reg
	if m.radio != parcel.RadioOn {
		state = "0"
	}
	ss := parcel.Strs(state, "1a2b", "0000c0de", "3")
	if data {
		return parcel.AppendStrings(nil, append(ss, parcel.Null, parcel.Str("1"))...)
	}
	return parcel.AppendStrings(nil, append(ss, make([]parcel.NullString, 11)...)...)
}

// operator is exactly three strings (oFono insists), null when unregistered.
func (m *Modem) operator() []byte {
	if !m.registered() {
		return parcel.AppendStrings(nil, parcel.Null, parcel.Null, parcel.Null)
	}
	return parcel.AppendStrings(nil, parcel.Strs(m.cfg.OperatorLong, m.cfg.OperatorShort, m.cfg.OperatorNumeric)...)
}

// barsToRSSI maps 0–4 bars to a GSM RSSI (0–31).
var barsToRSSI = [5]int32{0, 8, 14, 20, 31}

// signalPayload is RIL_SignalStrength_v10 as libril 7.1 marshals it.
func (m *Modem) signalPayload() []byte {
	var s parcel.SignalStrength
	s.N = 13
	s.Values = [13]int32{barsToRSSI[m.signal], 99, -1, -1, -1, -1, -1, 99, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff}
	return s.AppendTo(nil)
}

// SetSignal sets the signal to bars (0–4) and announces it.
func (m *Modem) SetSignal(bars int) error {
	if bars < 0 || bars > 4 {
		return fmt.Errorf("signal %d: %w: bars are 0 to 4", bars, ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.signal = bars
	m.unsol(parcel.UnsolSignalStrength, m.signalPayload())
	return nil
}

// SetRegistration sets the network registration (home, roaming,
// searching, denied, none) and announces a network state change.
func (m *Modem) SetRegistration(state string) error {
	code, ok := regStates[state]
	if !ok {
		return fmt.Errorf("registration %q: %w: want home, roaming, searching, denied or none", state, ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reg = code
	m.unsol(parcel.UnsolVoiceNetworkStateChanged, nil)
	return nil
}
