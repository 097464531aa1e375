package modemapi

// Status is a snapshot of the modem, as the control API reports it.
type Status struct {
	Radio        string       `json:"radio"`        // "on" or "off"
	Clients      int          `json:"clients"`      // connected rild clients
	Registration string       `json:"registration"` // home, roaming, searching, denied, none
	Signal       int          `json:"signal"`       // bars, 0–4
	Calls        []CallStatus `json:"calls"`
	Mute         bool         `json:"mute"`
	DTMF         string       `json:"dtmf"`        // tones received, in order
	SMSSent      []SentSMS    `json:"sms_sent"`    // messages clients sent
	SMSWaiting   int          `json:"sms_waiting"` // incoming messages not yet acknowledged
	USSDSent     []string     `json:"ussd_sent"`   // USSD strings clients sent
	DataCalls    []DataCall   `json:"data_calls"`
	AcksReceived int          `json:"acks_received"` // RIL_RESPONSE_ACKNOWLEDGEMENT (800) requests
}

// CallStatus is one call. State is one of dialing, alerting, active,
// holding, incoming, waiting; Direction is mo or mt.
type CallStatus struct {
	Index      int    `json:"index"`
	State      string `json:"state"`
	Direction  string `json:"direction"`
	Number     string `json:"number"`
	Multiparty bool   `json:"multiparty,omitempty"`
}

// SentSMS is a message a client submitted (SEND_SMS).
type SentSMS struct {
	Ref  int    `json:"ref"`
	To   string `json:"to,omitempty"`   // decoded from the TPDU when possible
	Text string `json:"text,omitempty"` // decoded from the TPDU when possible
	PDU  string `json:"pdu"`            // the TPDU as the client sent it (hex)
}

// DataCall is an active data call.
type DataCall struct {
	CID     int    `json:"cid"`
	APN     string `json:"apn"`
	Address string `json:"address"`
}
