package rilproxy

import (
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

// USSD sessions: the container whose SEND_USSD opened a session gets its
// replies (policy.USSDSession); USSD the network starts goes to the
// foreground container.

// ussdRequest forwards SEND_USSD, which opens a USSD session of s (the
// replies, ON_USSD, are then s's), or CANCEL_USSD, which closes s's.
func (m *Mux) ussdRequest(s *session, req parcel.Request, body []byte) {
	m.mu.Lock()
	if req.ID == parcel.ReqSendUssd {
		m.ussd = s.name // before forwarding: the reply may come first
	} else if m.ussd == s.name {
		m.ussd = ""
	}
	m.mu.Unlock()
	if !m.forward(s, req, body) && req.ID == parcel.ReqSendUssd {
		m.mu.Lock()
		if m.ussd == s.name {
			m.ussd = ""
		}
		m.mu.Unlock()
	}
}

// ussdContinues reports whether an ON_USSD indication keeps its session
// open: type "1", the network asks the user for more.
func ussdContinues(payload []byte) bool {
	p, err := parcel.DecodeUnsol(parcel.UnsolOnUssd, payload)
	if err != nil {
		return false
	}
	v := p.(parcel.Strings)
	return len(v) > 0 && v[0].S == "1"
}

// foregroundLocked is the connected foreground container, else the first
// connected one ("" if none is).
func (m *Mux) foregroundLocked() string {
	return policy.SMSTarget(policy.Config{Containers: m.cfg.Policy.Containers, SMSTarget: policy.RingForeground}, m.fg, m.connected)
}

// ussdTargetLocked is the container an ON_USSD with payload goes to, and
// ends the session unless the network asks for more.
func (m *Mux) ussdTargetLocked(payload []byte) string {
	to := m.foregroundLocked()
	if m.connected(m.ussd) { // a reply to the code that container sent
		to = m.ussd
	}
	if !ussdContinues(payload) {
		m.ussd = ""
	}
	return to
}
