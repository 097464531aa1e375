package rilproxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

// readModem handles every message from the modem until the connection ends;
// then every request in flight is answered RADIO_NOT_AVAILABLE and the
// clients are told the radio is unavailable.
func (m *Mux) readModem(up io.Reader) error {
	fr := parcel.NewFrameReader(bufio.NewReaderSize(up, readBuf), parcel.MaxBody)
	var err error
	for {
		var body []byte
		if body, err = fr.Next(); err != nil {
			break
		}
		m.fromModem(body)
	}
	m.mu.Lock()
	m.upOK.Store(false)
	m.failLocked(math.MaxInt64, parcel.RadioNotAvailable)
	m.radioState = radioUnavailable
	// the next modem connection owes nothing to this one's deliveries: no
	// SMS waits for an acknowledgement there, no USSD session is open
	m.sms.pending, m.ussd = false, ""
	for _, s := range m.sessions {
		if s != nil {
			s.unsol(parcel.UnsolRadioStateChanged, parcel.AppendInt32(nil, radioUnavailable))
		}
	}
	m.mu.Unlock()
	return fmt.Errorf("%w: %v", errModemGone, err)
}

// writeInternal writes the proxy's own requests, so that the modem reader
// never blocks on a write to the modem (which may be blocked writing to it).
func (m *Mux) writeInternal(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-m.intQ:
			m.writeModem(b)
		}
	}
}

// internalLocked sends a request of the proxy's own; o says what to do
// with its reply.
func (m *Mux) internalLocked(id parcel.ReqID, payload []byte, o op) bool {
	if !m.upOK.Load() {
		return false
	}
	t := m.tables[ownerProxy]
	t.mu.Lock()
	defer t.mu.Unlock()
	sl, serial := t.alloc()
	if sl == nil {
		m.log.Error("proxy's own in-flight table full", "request", id)
		return false
	}
	sl.id, sl.op = id, o
	sl.deadline = m.deadline(m.cfg.Timeout)
	select {
	case m.intQ <- parcel.AppendRequest(nil, id, serial, payload):
		return true
	default:
		t.free(sl)
		m.log.Error("proxy's own request queue full", "request", id)
		return false
	}
}

// ack sends RESPONSE_ACKNOWLEDGEMENT for a type 3 or 4 message (the
// clients get types 0 and 1, which every client understands).
func (m *Mux) ack() {
	b := parcel.AppendRequest(nil, parcel.ReqResponseAcknowledgement, packSerial(ownerAck, 0, uint16(m.ackNext.Add(1))), nil)
	select {
	case m.intQ <- b:
	default:
		m.log.Error("proxy's own request queue full", "request", parcel.ReqResponseAcknowledgement)
	}
}

func (m *Mux) fromModem(body []byte) {
	msg, err := parcel.ParseMessage(body)
	if err != nil {
		m.log.Warn("malformed message from the modem", "err", err)
		return
	}
	switch msg.Type {
	case parcel.SolicitedAck: // early ack of a request: absorbed
		return
	case parcel.SolicitedAckExp, parcel.UnsolicitedAckExp:
		m.ack()
	}
	if msg.IsUnsolicited() {
		m.mu.Lock()
		m.unsolLocked(msg, body)
		m.mu.Unlock()
		return
	}
	owner, idx, gen := unpackSerial(msg.Serial)
	if owner >= len(m.tables) {
		return
	}
	sl, ok := m.tables[owner].take(idx, gen)
	if !ok {
		m.log.Debug("reply to no request in flight (late or foreign)", "serial", msg.Serial)
		return
	}
	r, _ := policy.Request(sl.id)
	if sl.cache == nil && sl.op == opNone && r.Invalidates == nil &&
		sl.id != parcel.ReqGetCurrentCalls && sl.id != parcel.ReqDial && sl.id != parcel.ReqSendUssd {
		// the relay path: no policy state involved, no Mux lock
		if sl.sess != nil {
			sl.sess.relay(body, parcel.Solicited, sl.serial)
		}
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if msg.Error == parcel.Success && r.Invalidates != nil {
		m.invalidateLocked(r.Invalidates)
	}
	if sl.id == parcel.ReqGetCurrentCalls && msg.Error == parcel.Success {
		m.callListLocked(sl.sess, sl.serial, sl.op, msg.Payload)
		return
	}
	m.finishLocked(sl, msg.Error, body)
}

// finishLocked completes the request of slot sl: with the modem's reply
// body, or (body nil) with error e because it timed out or the modem left.
func (m *Mux) finishLocked(sl slot, e parcel.Errno, body []byte) {
	id, serial, sess, o, ce := sl.id, sl.serial, sl.sess, sl.op, sl.cache
	if id == parcel.ReqDial && sl.owner > 0 {
		if e != parcel.Success {
			// by the table's owner: the container may have left meanwhile
			m.calls.DialFailed(m.cfg.Policy.Containers[sl.owner-1])
		} else {
			// the call is in the modem's list from now on (RIL.java's
			// call tracker assumes so too): a read sent after this reply
			// that does not show it ends the DIAL
			m.dialSettle = m.pollSeq + 1
			m.pollLocked()
		}
	}
	if id == parcel.ReqSendUssd && e != parcel.Success && sl.owner > 0 &&
		m.ussd == m.cfg.Policy.Containers[sl.owner-1] {
		m.ussd = "" // refused or timed out: no session, no replies to route
	}
	if o == opPoll {
		m.pollDoneLocked(nil)
	}
	var payload []byte
	if body != nil {
		payload = body[12:]
	}
	if ce != nil {
		ce.lead = false
		if e == parcel.Success && body != nil && m.inval[id] == ce.inval {
			ce.have, ce.payload = true, append([]byte(nil), payload...)
		} else if !ce.have {
			delete(m.cache, ce.key)
		}
		for _, w := range ce.waiters {
			if !w.sess.gone {
				w.sess.reply(w.serial, e, payload)
			}
		}
		ce.waiters = ce.waiters[:0]
	}
	if sess == nil || sess.gone {
		return
	}
	if body == nil {
		sess.reply(serial, e, nil)
		return
	}
	sess.relay(body, parcel.Solicited, serial)
}

func (m *Mux) unsolLocked(msg parcel.Message, body []byte) {
	rule, known := policy.Unsol(msg.Unsol)
	if !known {
		rule.Route = policy.Broadcast
	}
	m.invalidateLocked(rule.Invalidates)
	switch msg.Unsol {
	case parcel.UnsolRilConnected:
		if p, err := parcel.DecodeUnsol(msg.Unsol, msg.Payload); err == nil {
			if v := p.(parcel.Ints); len(v) >= 1 { // [1][version]
				m.rilVersion = v[0]
			}
		}
		m.updatePowerLocked() // a new modem connection: tell it the wishes
		m.updateScreenLocked()
	case parcel.UnsolRadioStateChanged:
		if len(msg.Payload) >= 4 {
			m.radioState = parcel.NewDecoder(msg.Payload).Int32()
		}
		// libril greets with RIL_CONNECTED then the radio state: clients
		// are accepted once both are known.
		m.readyO.Do(func() { close(m.ready) })
	case parcel.UnsolNitzTimeReceived:
		m.nitz = append(m.nitz[:0], body...)
	case parcel.UnsolCallStateChanged:
		m.pollLocked() // the involved containers hear of it after the re-read
		return
	}
	switch rule.Route {
	case policy.Broadcast:
		for _, s := range m.sessions {
			if s != nil {
				s.relay(body, parcel.Unsolicited, 0)
			}
		}
	case policy.CallRelated:
		m.sendTo(m.callRecipientsLocked(msg.Unsol), body)
	case policy.SMS:
		target := policy.SMSTarget(m.cfg.Policy, m.fg, m.connected)
		if target == "" {
			if rule.Ack != 0 {
				m.log.Warn("incoming SMS with no container connected; refused", "indication", msg.Unsol)
				m.refuseSMSLocked(rule.Ack)
			}
			return
		}
		if rule.Ack != 0 {
			m.sms.pending, m.sms.target, m.sms.ack = true, target, rule.Ack
		}
		m.sendTo([]string{target}, body)
	case policy.Owner:
		m.sendTo([]string{m.cfg.Policy.Owner}, body)
	case policy.Foreground:
		m.sendTo([]string{m.foregroundLocked()}, body)
	case policy.USSDSession:
		m.sendTo([]string{m.ussdTargetLocked(msg.Payload)}, body)
	}
}

func (m *Mux) connected(name string) bool {
	i := m.index[name]
	return i > 0 && m.sessions[i-1] != nil
}

func (m *Mux) sendTo(names []string, body []byte) {
	for _, n := range names {
		if i := m.index[n]; i > 0 && m.sessions[i-1] != nil {
			m.sessions[i-1].relay(body, parcel.Unsolicited, 0)
		}
	}
}

// refuseSMSLocked acknowledges an incoming SMS negatively (memory capacity
// exceeded), so the network keeps it and delivers it again later.
func (m *Mux) refuseSMSLocked(ack parcel.ReqID) {
	switch ack {
	case parcel.ReqCdmaSmsAcknowledge:
		m.internalLocked(ack, parcel.AppendInts(nil, 1, 35)[4:], opNone) // error class, cause: no storage
	default:
		m.internalLocked(parcel.ReqSmsAcknowledge, parcel.AppendInts(nil, 0, 0xD3), opNone)
	}
}
