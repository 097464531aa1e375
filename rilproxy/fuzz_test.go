package rilproxy

import (
	"testing"

	"droidplex/rilproxy/parcel"
)

// FuzzMuxInput feeds arbitrary records from a client and from the modem
// into a Mux: it must never panic, never use more in-flight slots than its
// tables have, and never send a client a record over the client limit.
func FuzzMuxInput(f *testing.F) {
	f.Add([]byte{}, []byte{}, byte(0))
	f.Add(parcel.AppendRequest(nil, parcel.ReqDial, 1, parcel.Dial{Address: parcel.Str("1")}.AppendTo(nil)),
		parcel.AppendResponse(nil, packSerial(1, 0, 1), parcel.Success, parcel.CallList{{Index: 1, State: parcel.CallDialing}}.AppendTo(nil)), byte(1))
	f.Add(parcel.AppendRequest(nil, parcel.ReqGetCurrentCalls, 7, nil), parcel.AppendUnsol(nil, parcel.UnsolNewSms, parcel.AppendString(nil, "00")), byte(2))
	f.Add(parcel.AppendRequest(nil, parcel.ReqRadioPower, 3, parcel.AppendInts(nil, 1)), parcel.AppendUnsol(nil, parcel.UnsolCallStateChanged, nil), byte(3))
	f.Fuzz(func(t *testing.T, fromClient, fromModem []byte, who byte) {
		if len(fromClient) > parcel.MaxBody || len(fromModem) > parcel.MaxBody {
			return
		}
		m, ss, w := hotMux(t, 2)
		s := ss[int(who)%len(ss)]
		drain := func() {
			for _, s := range ss {
				for len(s.out) > 0 {
					b := <-s.out
					if len(b)-4 > parcel.MaxClientBody {
						t.Fatalf("record of %d bytes sent to a client", len(b)-4)
					}
					s.free <- b[:0]
				}
			}
		}
		for range 3 {
			m.request(s, append([]byte(nil), fromClient...))
			drain()
			m.fromModem(fromModem)
			drain()
			if len(w.b) >= 12 { // answer what reached the modem, as the modem would
				serial := int32(uint32(w.b[8]) | uint32(w.b[9])<<8 | uint32(w.b[10])<<16 | uint32(w.b[11])<<24)
				m.fromModem(parcel.AppendResponse(nil, serial, parcel.Errno(who%3), fromModem))
				drain()
			}
		}
		m.mu.Lock()
		for _, tb := range m.tables {
			if n := tb.inFlight(); n < 0 || n > len(tb.slots) {
				t.Fatalf("table %d uses %d of %d slots", tb.owner, n, len(tb.slots))
			}
		}
		m.mu.Unlock()
		m.detach(s)
	})
}
