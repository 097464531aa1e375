package mockmodem

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"droidplex/rilproxy/parcel"
)

// TestCallListAgreesWithIndications runs a random mix of client requests,
// far-end actions and timer-driven transitions, and checks the rule oFono
// and RIL.java rely on: a GET_CURRENT_CALLS answer that differs from the
// previous one is always preceded by a CALL_STATE_CHANGED indication, and
// the answer always matches the modem's own state once things are quiet.
func TestCallListAgreesWithIndications(t *testing.T) {
	m, path := startModem(t, Config{AlertAfter: time.Millisecond, AnswerAfter: 2 * time.Millisecond})
	c := dial(t, path)
	c.connected()
	c.radioOn()
	rng := rand.New(rand.NewPCG(1, 2))
	changes := 0 // CALL_STATE_CHANGED seen since the last list
	// request sends one request and reads until its response, counting indications.
	request := func(id parcel.ReqID, p parcel.Payload) parcel.Message {
		c.serial++
		var b []byte
		if p != nil {
			b = p.AppendTo(nil)
		}
		c.send(parcel.AppendRequest(nil, id, c.serial, b))
		for {
			msg := c.next()
			if msg.IsUnsolicited() {
				if msg.Unsol == parcel.UnsolCallStateChanged {
					changes++
				}
				continue
			}
			if msg.Serial != c.serial {
				t.Fatalf("%v: response to serial %d, want %d", id, msg.Serial, c.serial)
			}
			return msg
		}
	}
	last := "[]"
	seen := map[string]bool{}
	list := func(step int) string {
		msg := request(parcel.ReqGetCurrentCalls, nil)
		v, err := parcel.DecodeResponse(parcel.ReqGetCurrentCalls, msg.Payload)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(v)
		if got != last && changes == 0 {
			t.Fatalf("step %d: call list changed from %s to %s with no CALL_STATE_CHANGED", step, last, got)
		}
		last, changes = got, 0
		seen[got] = true
		return got
	}
	idx := func() int32 { return int32(rng.IntN(3) + 1) }
	for step := range 400 {
		switch rng.IntN(14) {
		case 0:
			request(parcel.ReqDial, parcel.Dial{Address: parcel.Str(fmt.Sprint(5550000 + step))})
		case 1:
			request(parcel.ReqAnswer, nil)
		case 2:
			request(parcel.ReqHangup, parcel.Ints{idx()})
		case 3:
			request(parcel.ReqHangupWaitingOrBackground, nil)
		case 4:
			request(parcel.ReqHangupForegroundResumeBackground, nil)
		case 5:
			request(parcel.ReqSwitchWaitingOrHoldingAndActive, nil)
		case 6:
			request(parcel.ReqConference, nil)
		case 7:
			request(parcel.ReqSeparateConnection, parcel.Ints{idx()})
		case 8:
			request(parcel.ReqUdub, nil)
		case 9:
			m.IncomingCall(fmt.Sprint(6660000 + step))
		case 10:
			m.RemoteAnswer()
		case 11:
			m.RemoteReject()
		case 12:
			m.RemoteHangup(int(idx()))
		default:
			time.Sleep(time.Millisecond) // let the far end ring or answer
		}
		list(step)
	}
	// Quiet: no timers pending once nothing dials; the list matches Status.
	request(parcel.ReqHangupForegroundResumeBackground, nil)
	m.RemoteHangup(0)
	if got := list(-1); got != "[]" {
		t.Errorf("calls left after hanging up everything: %s", got)
	}
	if len(seen) < 20 {
		t.Errorf("only %d different call lists in 400 steps: the test exercises too little", len(seen))
	}
	if st := m.Status(); len(st.Calls) != 0 {
		t.Errorf("modem still has calls %+v", st.Calls)
	}
}
