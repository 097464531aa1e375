package mockmodem

import (
	"time"

	"droidplex/rilproxy/mockmodem/modemapi"
)

// Config is the modem's identity and behaviour. The zero value of a field
// means its default (DefaultConfig).
type Config struct {
	RILVersion int32  // sent in RIL_CONNECTED; default 12
	IMSI       string // default 001010123456789 (test network 001-01)
	ICCID      string // SIM card number, readable as EF_ICCID; default 8900100000000000018
	IMEI       string // default 490154203237518
	IMEISV     string // default 01
	Baseband   string // default "droidplex-mock 1"
	SMSC       string // service centre, default +15555550000

	OperatorLong, OperatorShort, OperatorNumeric string // default "Droidplex Mock", "Mock", "00101"

	// AlertAfter is the time an outgoing call stays DIALING before the far
	// end rings (ALERTING). Default 300ms.
	AlertAfter time.Duration
	// AnswerAfter, when positive, makes the far end answer an outgoing call
	// that long after it started ringing. Zero: the far end answers only on
	// RemoteAnswer (or a script's answer-remote).
	AnswerAfter time.Duration
	// USSDReply is the network's answer to a USSD request. Default
	// "droidplex mock: balance 5.00".
	USSDReply string
	// NetworkDelay is how long the network takes to answer a USSD request
	// and to report a data call change after the response. Default 200ms.
	// (oFono loses a USSD answer that arrives in the same read as the
	// SEND_USSD response: its USSD state is still idle then.)
	NetworkDelay time.Duration
	// WakeAcks makes the modem behave like libril 7 with a vendor RIL of
	// version 13 or later: every response is preceded by an early ack
	// (type 2) and sent as type 3, every WAKE_PARTIAL indication as type 4,
	// and clients are expected to answer those with request 800. Legacy
	// clients such as oFono 1.31 lose type-3 responses (reference ril.md
	// 1.4), so this is for testing what sits between such a modem and them.
	WakeAcks bool
	// QueueLen bounds the records waiting to be written to one client;
	// a client that lets more pile up is a slow reader and is disconnected.
	// Default 256.
	QueueLen int
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{
		RILVersion:      12,
		IMSI:            "001010123456789",
		ICCID:           "8900100000000000018",
		IMEI:            "490154203237518",
		IMEISV:          "01",
		Baseband:        "droidplex-mock 1",
		SMSC:            "+15555550000",
		OperatorLong:    "Droidplex Mock",
		OperatorShort:   "Mock",
		OperatorNumeric: "00101",
		AlertAfter:      300 * time.Millisecond,
		USSDReply:       "droidplex mock: balance 5.00",
		NetworkDelay:    200 * time.Millisecond,
		QueueLen:        256,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&d.IMSI, c.IMSI)
	set(&d.ICCID, c.ICCID)
	set(&d.IMEI, c.IMEI)
	set(&d.IMEISV, c.IMEISV)
	set(&d.Baseband, c.Baseband)
	set(&d.SMSC, c.SMSC)
	set(&d.OperatorLong, c.OperatorLong)
	set(&d.OperatorShort, c.OperatorShort)
	set(&d.OperatorNumeric, c.OperatorNumeric)
	set(&d.USSDReply, c.USSDReply)
	if c.RILVersion != 0 {
		d.RILVersion = c.RILVersion
	}
	if c.AlertAfter != 0 {
		d.AlertAfter = c.AlertAfter
	}
	d.AnswerAfter = c.AnswerAfter
	d.WakeAcks = c.WakeAcks
	if c.NetworkDelay != 0 {
		d.NetworkDelay = c.NetworkDelay
	}
	if c.QueueLen > 0 {
		d.QueueLen = c.QueueLen
	}
	return d
}

// Status is a snapshot of the modem (see modemapi.Status).
type Status = modemapi.Status

// CallStatus is one call (see modemapi.CallStatus).
type CallStatus = modemapi.CallStatus

// SentSMS is a message a client submitted (see modemapi.SentSMS).
type SentSMS = modemapi.SentSMS

// DataCall is an active data call (see modemapi.DataCall).
type DataCall = modemapi.DataCall
