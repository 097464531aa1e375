// Package mockmodem is a scriptable modem that speaks the legacy rild socket
// protocol as libril does (RIL_CONNECTED, then RADIO_STATE_CHANGED, on every
// accept), so that oFono's rilmodem, Android's RIL.java or droidplex's RIL
// multiplexer can be tested with no radio and no Android kernel.
//
// The Modem holds one consistent state: a ready SIM, identity, network
// registration, signal, radio power, calls (mobile-originated calls go
// DIALING → ALERTING → ACTIVE after configurable delays; mobile-terminated
// calls ring until answered or rejected; hold, swap, conference), SMS in
// both directions (one incoming message outstanding until acknowledged),
// USSD and one data call with fixed documentation addresses. Every state
// change that clients can see is announced by the unsolicited indication
// libril would send, in the same order as the state change, so a
// GET_CURRENT_CALLS answer always agrees with the indications already sent.
//
// The far end and the network are driven in-process (IncomingCall,
// RemoteAnswer, IncomingSMS, ...), over the HTTP control API (Handler), or
// by a scenario file (ParseScenario). Run wires a Modem to a rild socket and
// a control socket, as `rilproxyd --modem=mock` does.
package mockmodem
