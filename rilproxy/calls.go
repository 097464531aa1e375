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
}

// pollDoneLocked ends a read of the proxy's own; list is nil when it
// failed, and then the containers with calls are told to look themselves.
func (m *Mux) pollDoneLocked(list parcel.CallList) {
	m.polling = false
	if list == nil {
		m.sendTo(m.calls.Owners(nil), callStateChanged)
	}
	if m.pollAgain {
		m.pollAgain = false
		m.pollLocked()
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
