// Package rilproxy is the telephony multiplexer: it serves the legacy rild
// socket protocol to every container (one listening socket each, one client
// per socket) and shares one upstream modem (a real rild, whose client it
// is, or the mock modem) between them.
//
// The Mux remaps every request serial into a bounded per-container in-flight
// table, answers timed-out requests itself, normalises acknowledgement
// response types for legacy clients and acknowledges upstream itself, and
// applies the policies of package policy: cached identity and status
// queries, radio power as the OR of the containers' wishes, the foreground
// container's screen state, call ownership (filtered call lists, refused
// call control, ringing and hang-up on disconnect), one SMS target with one
// acknowledgement. Call-state changes leave as events; foreground changes
// come in through SetForeground. Run wires it to sockets, a modem and
// droidplexd, and puts the peer check (internal/peercheck) in front of every
// container's socket.
package rilproxy
