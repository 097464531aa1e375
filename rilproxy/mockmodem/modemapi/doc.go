// Package modemapi is the mock modem's control API as its clients see it:
// the JSON types of the HTTP API served on the modem's control socket
// (by default /run/droidplex/modem.sock), and a Go client for it.
//
//	GET  /v1/status                  Status
//	POST /v1/calls/incoming          IncomingCall → IncomingCallResult
//	POST /v1/calls/answer-remote     the far end answers the outgoing call
//	POST /v1/calls/reject-remote     the far end rejects it (busy)
//	POST /v1/calls/hangup-remote     HangupRemote (index 0: every call)
//	POST /v1/sms/incoming            IncomingSMS
//	POST /v1/ussd/incoming           IncomingUSSD
//	POST /v1/signal                  Signal
//	POST /v1/registration            Registration
//	POST /v1/scenario                Scenario (runs a script, answers when it ends)
//
// Errors are {"error": "..."} with 400 for a bad argument, 409 when the
// modem's state does not allow the action, 500 otherwise.
package modemapi
