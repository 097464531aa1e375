package rilproxy

import (
	"net"
	"time"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

// request applies the policy of one client request (body is the client's
// frame buffer; it may be rewritten in place).
func (m *Mux) request(s *session, body []byte) {
	req, err := parcel.ParseRequest(body)
	if err != nil { // no serial to answer: the stream is out of step
		m.log.Warn("malformed request; dropping client", "container", s.name, "err", err)
		s.kill()
		return
	}
	rule, ok := policy.Request(req.ID)
	if !ok {
		s.reply(req.Serial, parcel.GenericFailure, nil)
		return
	}
	switch rule.Action {
	case policy.Absorb:
		return
	case policy.Deny:
		s.reply(req.Serial, parcel.RequestNotSupported, nil)
		return
	}
	// libril never answers a malformed payload and the client's request
	// would hang; answer it here.
	var p parcel.Payload = parcel.Void{}
	if !req.ID.VoidRequest() { // a void request is valid as it is (no allocation)
		p, err = parcel.DecodeRequest(req.ID, req.Payload)
	}
	if err != nil {
		m.log.Debug("malformed request payload", "container", s.name, "request", req.ID, "err", err)
		s.reply(req.Serial, parcel.GenericFailure, nil)
		return
	}
	switch rule.Action {
	case policy.OwnerOnly:
		if s.name != m.cfg.Policy.Owner {
			s.reply(req.Serial, parcel.GenericFailure, nil)
			return
		}
		m.forward(s, req, body)
	case policy.Cached:
		m.cached(s, req, body)
	case policy.RadioPower:
		m.radioPower(s, req, p)
	case policy.ScreenState:
		m.screenState(s, req, p)
	case policy.Dial:
		m.mu.Lock()
		if !m.calls.MayDial(s.name, m.cfg.Policy.ConcurrentCalls) {
			// decided on a fresh call list (the table may still hold a
			// call that has just ended)
			parked := m.deferDialLocked(s, req.Serial, body)
			m.mu.Unlock()
			if !parked {
				m.log.Info("dial refused: another container has a call", "container", s.name)
				s.reply(req.Serial, parcel.GenericFailure, nil)
			}
			return
		}
		m.calls.Dialing(s.name)
		m.dialSettle = 0
		m.mu.Unlock()
		if !m.forward(s, req, body) {
			m.mu.Lock()
			m.calls.DialFailed(s.name)
			m.mu.Unlock()
		}
	case policy.CallScoped:
		m.mu.Lock()
		var ok bool
		if req.ID == parcel.ReqAnswer { // ring-all: the call stops ringing elsewhere
			var lost []policy.CallEvent
			lost, ok = m.calls.Answer(s.name)
			for _, e := range lost {
				m.publishLocked(e)
				m.sendTo([]string{e.Container}, callStateChanged)
			}
		} else if ended, declined := m.calls.Decline(s.name, req.ID, p); declined {
			// ring-all: it stops ringing here only; the others may answer
			for _, e := range ended {
				m.publishLocked(e)
			}
			m.mu.Unlock()
			m.log.Info("incoming call declined here; it still rings elsewhere", "container", s.name)
			s.reply(req.Serial, parcel.Success, nil)
			s.unsol(parcel.UnsolCallStateChanged, nil) // its call list changed
			return
		} else {
			ok = m.calls.Authorize(s.name, req.ID, p)
		}
		m.mu.Unlock()
		if !ok {
			m.log.Info("call control refused: not this container's call", "container", s.name, "request", req.ID)
			s.reply(req.Serial, parcel.GenericFailure, nil)
			return
		}
		m.forward(s, req, body)
	case policy.SMSAck:
		m.mu.Lock()
		mine := m.sms.pending && m.sms.target == s.name
		if mine {
			m.sms.pending = false
		}
		m.mu.Unlock()
		if !mine { // not the delivery it was sent: nothing to acknowledge upstream
			s.reply(req.Serial, parcel.Success, nil)
			return
		}
		if !m.forward(s, req, body) {
			// refused locally (this container's table is full): the modem
			// still gets its one acknowledgement, as the proxy's own
			m.mu.Lock()
			m.internalLocked(req.ID, req.Payload, opNone)
			m.mu.Unlock()
		}
	case policy.Forward:
		if req.ID == parcel.ReqSendUssd || req.ID == parcel.ReqCancelUssd {
			m.ussdRequest(s, req, body)
			return
		}
		m.forward(s, req, body)
	default: // CallList
		m.forward(s, req, body)
	}
}

// forward sends a request upstream under a remapped serial; false when it
// was answered locally instead (no modem, or too many requests in flight).
func (m *Mux) forward(s *session, req parcel.Request, body []byte) bool {
	if !m.upOK.Load() {
		s.reply(req.Serial, parcel.RadioNotAvailable, nil)
		return false
	}
	t := m.tables[s.idx]
	t.mu.Lock()
	sl, serial := t.alloc()
	if sl == nil {
		t.mu.Unlock()
		m.log.Warn("too many requests in flight", "container", s.name, "request", req.ID)
		s.reply(req.Serial, parcel.GenericFailure, nil)
		return false
	}
	sl.id, sl.serial, sl.sess = req.ID, req.Serial, s
	sl.deadline = m.deadline(m.timeout(req.ID))
	t.mu.Unlock()
	parcel.SetRequestSerial(body, serial)
	m.writeModem(body)
	return true
}

// slowTimeout bounds the requests a real modem may take minutes over: a
// network scan, manual network selection, a data call set-up.
const slowTimeout = 3 * time.Minute

func (m *Mux) timeout(id parcel.ReqID) time.Duration {
	switch id {
	case parcel.ReqQueryAvailableNetworks, parcel.ReqSetNetworkSelectionManual,
		parcel.ReqSetNetworkSelectionAutomatic, parcel.ReqSetupDataCall:
		return max(m.cfg.Timeout, slowTimeout)
	}
	return m.cfg.Timeout
}

// writeModem writes one request body to the modem. A failed write is left
// to the modem reader to notice (the connection is closed).
func (m *Mux) writeModem(body []byte) {
	m.wmu.Lock()
	err := net.ErrClosed
	if m.up != nil {
		m.wbuf, err = parcel.WriteFrame(m.up, m.wbuf, body, parcel.MaxBody)
	}
	m.wmu.Unlock()
	if err != nil {
		m.log.Warn("write to modem failed", "err", err)
		m.wmu.Lock()
		if m.up != nil {
			m.up.Close() // the modem reader notices and the modem is redialled
		}
		m.wmu.Unlock()
	}
}

func (m *Mux) radioPower(s *session, req parcel.Request, p parcel.Payload) {
	on := p.(parcel.Ints)[0] != 0
	m.mu.Lock()
	s.want = 0
	if on {
		s.want = 1
	}
	m.updatePowerLocked()
	state := m.radioState
	s.reply(req.Serial, parcel.Success, nil)
	if on && state == radioOn { // already on for another container: say so
		s.unsol(parcel.UnsolRadioStateChanged, parcel.AppendInt32(nil, state))
	}
	m.mu.Unlock()
}

func (m *Mux) updatePowerLocked() {
	wants := make([]int8, 0, len(m.sessions))
	for _, s := range m.sessions {
		if s != nil {
			wants = append(wants, s.want)
		}
	}
	on := int8(0)
	if policy.RadioOn(wants) {
		on = 1
	}
	if on == m.sentPower || (m.sentPower == -1 && on == 0 && !anyWish(wants)) {
		return
	}
	// Remember what the modem was told only once it was: a request that
	// could not be sent must not suppress the next identical wish.
	if m.internalLocked(parcel.ReqRadioPower, parcel.AppendInts(nil, int32(on)), opNone) {
		m.sentPower = on
	}
}

func anyWish(w []int8) bool {
	for _, v := range w {
		if v >= 0 {
			return true
		}
	}
	return false
}

func (m *Mux) screenState(s *session, req parcel.Request, p parcel.Payload) {
	m.mu.Lock()
	s.screen = 0
	if p.(parcel.Ints)[0] != 0 {
		s.screen = 1
	}
	m.updateScreenLocked()
	s.reply(req.Serial, parcel.Success, nil)
	m.mu.Unlock()
}

func (m *Mux) updateScreenLocked() {
	screens := make([]int8, len(m.sessions))
	fg := -1
	for i, s := range m.sessions {
		screens[i] = -1
		if s != nil {
			screens[i] = s.screen
			if s.name == m.fg {
				fg = i
			}
		}
	}
	on, known := policy.ScreenOn(screens, fg)
	if !known {
		return
	}
	v := int8(0)
	if on {
		v = 1
	}
	if v == m.sentScreen {
		return
	}
	if m.internalLocked(parcel.ReqScreenState, parcel.AppendInts(nil, int32(v)), opNone) {
		m.sentScreen = v
	}
}
