package rilproxy

import (
	"slices"

	"droidplex/container/wire"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

// pollLocked re-reads the modem's call list (once at a time; a change
// during a read makes another read follow).
func (m *Mux) pollLocked() {
	if m.polling {
		m.pollAgain = true
		return
	}
	m.polling = m.internalLocked(parcel.ReqGetCurrentCalls, nil, opPoll)
	if m.polling {
		m.pollSeq++
	}
}

// pollDoneLocked ends a read of the proxy's own; list is nil when it
// failed, and then the containers with calls are told to look themselves.
func (m *Mux) pollDoneLocked(list parcel.CallList) {
	m.polling = false
	if list != nil && m.dialSettle != 0 && m.pollSeq >= m.dialSettle {
		m.calls.DialSettled() // the accepted DIAL's call already ended
		m.dialSettle = 0
	}
	if list == nil {
		m.sendTo(m.calls.Owners(nil), callStateChanged)
	}
	m.resolveDialsLocked(list != nil)
	if m.pollAgain {
		m.pollAgain = false
		m.pollLocked()
		if !m.polling { // the read the parked DIALs wait for cannot be sent
			m.refuseDialsLocked()
		}
	}
}

// refuseDialsLocked answers every parked DIAL with an error.
func (m *Mux) refuseDialsLocked() {
	e := parcel.GenericFailure
	if !m.upOK.Load() {
		e = parcel.RadioNotAvailable
	}
	for _, d := range m.deferred {
		if !d.s.gone {
			d.s.reply(d.serial, e, nil)
		}
	}
	clear(m.deferred)
	m.deferred = m.deferred[:0]
}

// deferredDial is a DIAL the call table would refuse, waiting for a call
// list read after it: the table follows the modem by one read, and a call
// that has just ended must not block the next container's dial.
type deferredDial struct {
	s      *session
	serial int32
	body   []byte
	after  uint64 // decided by the read with this sequence number or later
}

const maxDeferredDials = 8

// deferDialLocked parks a DIAL until a fresh call list decides it; false
// when too many are parked (the caller refuses it).
func (m *Mux) deferDialLocked(s *session, serial int32, body []byte) bool {
	if len(m.deferred) >= maxDeferredDials || !m.upOK.Load() {
		return false
	}
	m.deferred = append(m.deferred, deferredDial{s, serial, append([]byte(nil), body...), m.pollSeq + 1})
	m.pollLocked()
	if !m.polling { // the read could not be sent
		m.deferred = m.deferred[:len(m.deferred)-1]
		return false
	}
	return true
}

// resolveDialsLocked decides the parked DIALs the completed read covers:
// forwarded if the call table now allows them, refused otherwise.
func (m *Mux) resolveDialsLocked(ok bool) {
	kept := m.deferred[:0]
	for _, d := range m.deferred {
		switch {
		case d.after > m.pollSeq:
			kept = append(kept, d)
		case d.s.gone:
		case ok && m.calls.MayDial(d.s.name, m.cfg.Policy.ConcurrentCalls):
			m.dialLocked(d)
		default:
			m.log.Info("dial refused: another container has a call", "container", d.s.name)
			d.s.reply(d.serial, parcel.GenericFailure, nil)
		}
	}
	clear(m.deferred[len(kept):])
	m.deferred = kept
}

// dialLocked forwards a parked DIAL through the proxy's own writer (the
// modem reader, which runs this, must not write to the modem itself).
func (m *Mux) dialLocked(d deferredDial) {
	t := m.tables[d.s.idx]
	t.mu.Lock()
	defer t.mu.Unlock()
	sl, serial := t.alloc()
	if sl == nil {
		d.s.reply(d.serial, parcel.GenericFailure, nil)
		return
	}
	sl.id, sl.serial, sl.sess = parcel.ReqDial, d.serial, d.s
	sl.deadline = m.deadline(m.cfg.Timeout)
	parcel.SetRequestSerial(d.body, serial)
	select {
	case m.intQ <- d.body:
		m.calls.Dialing(d.s.name)
		m.dialSettle = 0
	default:
		t.free(sl)
		d.s.reply(d.serial, parcel.GenericFailure, nil)
	}
}

var callStateChanged = parcel.AppendUnsol(nil, parcel.UnsolCallStateChanged, nil)

// callListLocked handles a successful GET_CURRENT_CALLS reply: ownership
// is reconciled with it, and the asking container gets only its own calls.
func (m *Mux) callListLocked(sess *session, serial int32, o op, payload []byte) {
	p, err := parcel.DecodeResponse(parcel.ReqGetCurrentCalls, payload)
	if err != nil {
		m.log.Warn("malformed call list from the modem", "err", err)
		if o == opPoll {
			m.pollDoneLocked(nil)
		} else if sess != nil && !sess.gone {
			sess.reply(serial, parcel.GenericFailure, nil)
		}
		return
	}
	list := p.(parcel.CallList)
	m.reconcileLocked(list)
	if o == opPoll {
		m.pollDoneLocked(list)
		return
	}
	if sess == nil || sess.gone {
		return
	}
	sess.reply(serial, parcel.Success, m.calls.Filter(sess.name, list).AppendTo(nil))
}

// reconcileLocked updates call ownership; every container whose calls
// changed is told (CALL_STATE_CHANGED, so it re-reads its list) and every
// change is published.
func (m *Mux) reconcileLocked(list parcel.CallList) {
	ring := func() []string { return policy.RingTargets(m.cfg.Policy, m.fg, m.connected) }
	evs := m.calls.Reconcile(list, ring, m.cfg.Policy.Owner)
	var told []string
	for _, e := range evs {
		if !slices.Contains(told, e.Container) {
			told = append(told, e.Container)
		}
		m.publishLocked(e)
		if e.State != policy.Ended && !m.connected(e.Container) && m.calls.Visible(e.Container, e.Index) {
			// a new call of a container that left (its DIAL was in flight,
			// or the fallback owner is gone): nobody can hang it up but us
			m.log.Info("hanging up a call whose container is not connected", "container", e.Container, "index", e.Index)
			m.internalLocked(parcel.ReqHangup, parcel.AppendInts(nil, e.Index), opNone)
		}
	}
	m.sendTo(told, callStateChanged)
}

var callStates = map[int32]string{
	parcel.CallActive: wire.CallActive, parcel.CallHolding: wire.CallHolding,
	parcel.CallDialing: wire.CallDialing, parcel.CallAlerting: wire.CallAlerting,
	parcel.CallIncoming: wire.CallIncoming, parcel.CallWaiting: wire.CallWaiting,
	policy.Ended: wire.CallEnded,
}

func (m *Mux) publishLocked(e policy.CallEvent) {
	cs := wire.CallState{Container: e.Container, Index: int(e.Index), State: callStates[e.State], Direction: "mo", Number: e.Number}
	if cs.State == "" {
		cs.State = "unknown"
	}
	if e.MT {
		cs.Direction = "mt"
	}
	m.log.Info("call state", "container", cs.Container, "index", cs.Index, "state", cs.State, "direction", cs.Direction)
	select {
	case m.events <- cs:
	default:
		m.dropped++
	}
}

// callRecipientsLocked returns where a call-related indication goes: a ring
// or a CDMA call waiting only where the incoming call rings (or, before the
// call list shows it, where it will ring), the ringback tone to the
// containers dialling, anything else to every container with a call.
func (m *Mux) callRecipientsLocked(id parcel.UnsolID) []string {
	switch id {
	case parcel.UnsolCallRing, parcel.UnsolCdmaCallWaiting:
		if to := m.calls.Ringing(nil); len(to) > 0 {
			return to
		}
		return policy.RingTargets(m.cfg.Policy, m.fg, m.connected)
	case parcel.UnsolRingbackTone:
		if to := m.calls.Dialling(nil); len(to) > 0 {
			return to
		}
	}
	return m.calls.Owners(nil)
}
