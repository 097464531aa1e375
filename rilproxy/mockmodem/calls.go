package mockmodem

import (
	"errors"
	"fmt"
	"slices"

	"droidplex/rilproxy/parcel"
)

// ErrInvalid is wrapped by errors for a control request that makes no sense
// (a bad argument).
var ErrInvalid = errors.New("invalid argument")

// ErrState is wrapped by errors for a control request the modem's state
// does not allow (answering when nothing rings, say).
var ErrState = errors.New("not possible in this state")

const maxCalls = 7 // GSM call indices 1..7

var stateNames = map[int32]string{
	parcel.CallActive: "active", parcel.CallHolding: "holding", parcel.CallDialing: "dialing",
	parcel.CallAlerting: "alerting", parcel.CallIncoming: "incoming", parcel.CallWaiting: "waiting",
}

func (m *Modem) callList() parcel.CallList {
	out := make(parcel.CallList, 0, len(m.calls))
	for _, c := range m.calls {
		toa := int32(129)
		if len(c.number) > 0 && c.number[0] == '+' {
			toa = 145
		}
		out = append(out, parcel.Call{State: c.state, Index: c.index, TOA: toa, IsMpty: c.mpty, IsMT: c.mt,
			IsVoice: true, Number: parcel.Str(c.number), Name: parcel.Null})
	}
	return out
}

func (m *Modem) freeIndex() int32 {
	for i := int32(1); i <= maxCalls; i++ {
		if !slices.ContainsFunc(m.calls, func(c *call) bool { return c.index == i }) {
			return i
		}
	}
	return 0
}

func (m *Modem) addCall(c *call) {
	m.calls = append(m.calls, c)
	slices.SortFunc(m.calls, func(a, b *call) int { return int(a.index - b.index) })
}

func (m *Modem) find(states ...int32) []*call {
	var out []*call
	for _, c := range m.calls {
		if slices.Contains(states, c.state) {
			out = append(out, c)
		}
	}
	return out
}

func (m *Modem) setState(c *call, state int32) {
	c.state = state
	c.gen++
}

// release removes calls, records the cause and announces the change.
func (m *Modem) release(cause int32, drop ...*call) {
	if len(drop) == 0 {
		return
	}
	m.calls = slices.DeleteFunc(m.calls, func(c *call) bool { return slices.Contains(drop, c) })
	for _, c := range drop {
		c.gen++
	}
	if len(m.find(parcel.CallActive, parcel.CallHolding)) < 2 {
		for _, c := range m.calls {
			c.mpty = false
		}
	}
	m.lastCause = cause
}

// callRequest applies a call-control request (3GPP TS 22.030 chld semantics).
func (m *Modem) callRequest(id parcel.ReqID, v parcel.Payload) parcel.Errno {
	changed := true
	switch id {
	case parcel.ReqDial:
		if m.radio != parcel.RadioOn {
			return parcel.RadioNotAvailable
		}
		idx := m.freeIndex()
		number := v.(parcel.Dial).Address.S
		if idx == 0 || number == "" || len(m.find(parcel.CallDialing, parcel.CallAlerting)) > 0 {
			return parcel.GenericFailure
		}
		for _, a := range m.find(parcel.CallActive) {
			m.setState(a, parcel.CallHolding)
		}
		c := &call{index: idx, state: parcel.CallDialing, number: number}
		m.addCall(c)
		gen := c.gen
		m.after(m.cfg.AlertAfter, func() { m.farEndRings(c, gen) })
	case parcel.ReqAnswer:
		ring := m.find(parcel.CallIncoming, parcel.CallWaiting)
		if len(ring) == 0 {
			return parcel.GenericFailure
		}
		for _, a := range m.find(parcel.CallActive) {
			m.setState(a, parcel.CallHolding)
		}
		m.setState(ring[0], parcel.CallActive)
	case parcel.ReqHangup:
		idx := v.(parcel.Ints)[0]
		i := slices.IndexFunc(m.calls, func(c *call) bool { return c.index == idx })
		if i < 0 {
			return parcel.GenericFailure
		}
		m.release(causeNormal, m.calls[i])
	case parcel.ReqHangupWaitingOrBackground, parcel.ReqUdub:
		if ring := m.find(parcel.CallIncoming, parcel.CallWaiting); len(ring) > 0 {
			m.release(causeBusy, ring...)
		} else if id == parcel.ReqHangupWaitingOrBackground {
			m.release(causeNormal, m.find(parcel.CallHolding)...)
		}
	case parcel.ReqHangupForegroundResumeBackground:
		m.release(causeNormal, m.find(parcel.CallActive, parcel.CallDialing, parcel.CallAlerting)...)
		if w := m.find(parcel.CallWaiting, parcel.CallIncoming); len(w) > 0 {
			m.setState(w[0], parcel.CallActive)
		} else {
			for _, h := range m.find(parcel.CallHolding) {
				m.setState(h, parcel.CallActive)
			}
		}
	case parcel.ReqSwitchWaitingOrHoldingAndActive:
		active, held, waiting := m.find(parcel.CallActive), m.find(parcel.CallHolding), m.find(parcel.CallWaiting)
		for _, a := range active {
			m.setState(a, parcel.CallHolding)
		}
		if len(waiting) > 0 {
			m.setState(waiting[0], parcel.CallActive)
		} else {
			for _, h := range held {
				m.setState(h, parcel.CallActive)
			}
		}
	case parcel.ReqConference:
		both := m.find(parcel.CallActive, parcel.CallHolding)
		if len(m.find(parcel.CallActive)) == 0 || len(m.find(parcel.CallHolding)) == 0 {
			return parcel.GenericFailure
		}
		for _, c := range both {
			m.setState(c, parcel.CallActive)
			c.mpty = true
		}
	case parcel.ReqSeparateConnection:
		idx := v.(parcel.Ints)[0]
		var sep *call
		for _, c := range m.find(parcel.CallActive) {
			if c.index == idx && c.mpty {
				sep = c
			}
		}
		if sep == nil {
			return parcel.GenericFailure
		}
		rest := 0
		for _, c := range m.find(parcel.CallActive) {
			if c != sep {
				m.setState(c, parcel.CallHolding)
				rest++
			}
		}
		sep.mpty = false
		for _, c := range m.calls {
			c.mpty = c.mpty && rest > 1
		}
	default:
		changed = false
	}
	m.callsChanged = changed // announced by afterResponse, right after the response
	return parcel.Success
}

// farEndRings moves an outgoing call from DIALING to ALERTING, if it is
// still the same dialling call. mu held (timer).
func (m *Modem) farEndRings(c *call, gen int) {
	if c.gen != gen || c.state != parcel.CallDialing {
		return
	}
	m.setState(c, parcel.CallAlerting)
	m.unsol(parcel.UnsolCallStateChanged, nil)
	if m.cfg.AnswerAfter > 0 {
		gen := c.gen
		m.after(m.cfg.AnswerAfter, func() {
			if c.gen == gen && c.state == parcel.CallAlerting {
				m.setState(c, parcel.CallActive)
				m.unsol(parcel.UnsolCallStateChanged, nil)
			}
		})
	}
}

// IncomingCall makes number call the modem: the call rings as INCOMING (or
// WAITING when another call exists). It returns the call's index.
func (m *Modem) IncomingCall(number string) (int, error) {
	if number == "" {
		return 0, fmt.Errorf("incoming call: %w: empty number", ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.radio != parcel.RadioOn {
		return 0, fmt.Errorf("incoming call: %w: radio is off", ErrState)
	}
	idx := m.freeIndex()
	if idx == 0 || len(m.find(parcel.CallIncoming, parcel.CallWaiting)) > 0 {
		return 0, fmt.Errorf("incoming call: %w: a call is already ringing or all indices are used", ErrState)
	}
	st := parcel.CallIncoming
	if len(m.calls) > 0 {
		st = parcel.CallWaiting
	}
	m.addCall(&call{index: idx, state: st, number: number, mt: true})
	m.unsol(parcel.UnsolCallStateChanged, nil)
	m.unsol(parcel.UnsolCallRing, nil) // oFono ignores it; RIL.java rings on it
	return int(idx), nil
}

// RemoteAnswer makes the far end answer the outgoing call that is dialling
// or ringing.
func (m *Modem) RemoteAnswer() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.find(parcel.CallDialing, parcel.CallAlerting)
	if len(out) == 0 {
		return fmt.Errorf("answer remote: %w: no outgoing call is dialling or ringing", ErrState)
	}
	for _, c := range m.find(parcel.CallActive) {
		m.setState(c, parcel.CallHolding)
	}
	m.setState(out[0], parcel.CallActive)
	m.unsol(parcel.UnsolCallStateChanged, nil)
	return nil
}

// RemoteReject makes the far end reject the outgoing call (user busy).
func (m *Modem) RemoteReject() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.find(parcel.CallDialing, parcel.CallAlerting)
	if len(out) == 0 {
		return fmt.Errorf("reject remote: %w: no outgoing call is dialling or ringing", ErrState)
	}
	m.release(causeBusy, out...)
	m.unsol(parcel.UnsolCallStateChanged, nil)
	return nil
}

// RemoteHangup makes the far end of call index hang up (index 0: every
// call). A ringing incoming call that the caller gives up on ends too.
func (m *Modem) RemoteHangup(index int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var drop []*call
	for _, c := range m.calls {
		if index == 0 || int(c.index) == index {
			drop = append(drop, c)
		}
	}
	if len(drop) == 0 {
		return fmt.Errorf("hangup remote: %w: no call %d", ErrState, index)
	}
	m.release(causeNormal, drop...)
	m.unsol(parcel.UnsolCallStateChanged, nil)
	return nil
}
