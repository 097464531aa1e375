package mockmodem

import (
	"fmt"
	"time"

	"droidplex/rilproxy/parcel"
)

// IncomingSMS makes sender send text to the modem. The message is
// delivered as RIL_UNSOL_RESPONSE_NEW_SMS at once, or queued while another
// delivered message waits for its SMS_ACKNOWLEDGE (ril.h allows only one
// outstanding), or while no client is connected.
func (m *Modem) IncomingSMS(sender, text string) error {
	pdu, err := EncodeDeliver(m.cfg.SMSC, sender, text, time.Now())
	if err != nil {
		return fmt.Errorf("incoming sms: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.smsQueue = append(m.smsQueue, pdu)
	m.deliverSMSLocked()
	m.bump()
	return nil
}

// deliverSMSLocked sends the head of the queue if nothing is outstanding
// and someone can receive it. mu held.
func (m *Modem) deliverSMSLocked() {
	if m.smsOut || len(m.smsQueue) == 0 || len(m.clients) == 0 {
		return
	}
	m.smsOut = true
	m.unsol(parcel.UnsolNewSms, parcel.AppendString(nil, m.smsQueue[0]))
}

// ackSMSLocked handles SMS_ACKNOWLEDGE: the outstanding message is done
// and the next one may go. mu held.
func (m *Modem) ackSMSLocked() {
	if !m.smsOut {
		return
	}
	m.smsOut = false
	m.smsQueue = m.smsQueue[1:]
	m.deliverSMSLocked()
}

// sendSMS answers SEND_SMS: strings[2] {smsc or null, tpdu hex}.
func (m *Modem) sendSMS(v parcel.Strings) (parcel.Errno, []byte) {
	if len(v) < 2 || !v[1].Valid || v[1].S == "" {
		return parcel.InvalidArguments, nil
	}
	if !m.registered() {
		return parcel.RadioNotAvailable, nil
	}
	m.smsRef = m.smsRef%255 + 1
	sent := SentSMS{Ref: int(m.smsRef), PDU: v[1].S}
	if s, err := DecodeSubmit(v[1].S); err == nil {
		sent.To, sent.Text = s.To, s.Text
	}
	m.sent = append(m.sent, sent)
	return parcel.Success, parcel.SMSResponse{MessageRef: m.smsRef, AckPDU: parcel.Null, ErrorCode: -1}.AppendTo(nil)
}

// setupData answers SETUP_DATA_CALL with one call on fixed RFC 5737
// documentation addresses (no traffic flows).
func (m *Modem) setupData(v parcel.Strings) (parcel.Errno, []byte) {
	if !m.registered() {
		return parcel.RadioNotAvailable, nil
	}
	apn := ""
	if len(v) > 2 {
		apn = v[2].S
	}
	m.data = []DataCall{{CID: 1, APN: apn, Address: "192.0.2.2/30"}}
	return parcel.Success, m.dataCallList().AppendTo(nil)
}

func (m *Modem) dataCallList() parcel.DataCallList {
	l := parcel.DataCallList{Version: 11}
	for _, d := range m.data {
		l.Calls = append(l.Calls, parcel.DataCall{SuggestedRetryTime: -1, CID: int32(d.CID), Active: 2,
			Type: parcel.Str("IP"), IfName: parcel.Str("rmnet0"), Addresses: parcel.Str(d.Address),
			DNSes: parcel.Str("192.0.2.53"), Gateways: parcel.Str("192.0.2.1"), PCSCF: parcel.Str(""), MTU: 1500})
	}
	return l
}

// IncomingUSSD sends a network-initiated USSD notification.
func (m *Modem) IncomingUSSD(message string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Str("0"), parcel.Str(message)))
}

// Status returns a snapshot of the modem.
func (m *Modem) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statusLocked()
}

func (m *Modem) statusLocked() Status {
	st := Status{Radio: "off", Clients: len(m.clients), Registration: regName(m.reg), Signal: m.signal,
		Calls: []CallStatus{}, Mute: m.mute, DTMF: string(m.dtmf), SMSSent: append([]SentSMS{}, m.sent...),
		SMSWaiting: len(m.smsQueue), USSDSent: append([]string{}, m.ussd...), DataCalls: append([]DataCall{}, m.data...),
		AcksReceived: m.acks}
	if m.radio == parcel.RadioOn {
		st.Radio = "on"
	}
	for _, c := range m.calls {
		dir := "mo"
		if c.mt {
			dir = "mt"
		}
		st.Calls = append(st.Calls, CallStatus{Index: int(c.index), State: stateNames[c.state], Direction: dir, Number: c.number, Multiparty: c.mpty})
	}
	return st
}
