// Package audioproxy is the audio server of droidplex: every container's
// streams, shared-memory rings written by the in-container shims, mixed into
// one device.
//
// The Engine holds the containers and streams and implements the device
// callback (Process), which only mixes: no allocation, lock, log or blocking
// call. The one system call it makes is a non-blocking eventfd write to wake
// a shim that is waiting for room, and only when that shim said it waits
// (wire.FlagWaiting): doing it from the callback saves a hand-off thread and
// its wake-up latency, and a non-blocking write of 8 bytes has a bounded cost.
//
// The Server listens on each container's SOCK_SEQPACKET control socket,
// creates a sealed memfd ring and an eventfd per stream, and frees them when
// the client's connection ends for any reason. Run ties the server, the sink
// chosen in the Config, the HTTP control API and the metrics together.
package audioproxy
