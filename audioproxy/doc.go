// Package audioproxy is the audio server of droidplex: every container's
// streams, shared-memory rings written by the in-container shims, mixed into
// one device.
//
// The Engine holds the containers and streams and implements the device
// callback (Process), which only mixes: no allocation, lock, log or blocking
// call. Shims pace themselves by the clock each callback publishes in the
// ring (see package wire), so a steady stream costs the callback no system
// call; the only ones it makes wake a shim that fell back to waiting for
// room (wire.FlagWaiting): a raw fcntl(F_GETFL) and a non-blocking 8-byte
// eventfd write, from the callback itself rather than through a hand-off
// goroutine per stream. Because the client shares the eventfd and could
// make it blocking, the write happens only while O_NONBLOCK is still set,
// and the Server's watchdog releases (and drops) a stream whose client wins
// the race; the write goes through the runtime's system-call entry so that
// a garbage collection, and the watchdog, can run while it is blocked.
//
// The Server listens on each container's SOCK_SEQPACKET control socket,
// creates a sealed memfd ring and an eventfd per stream, and frees them when
// the client's connection ends for any reason. Before a stream is opened,
// the client's pid namespace is checked against its container's
// (internal/peercheck; Config.PeerCheck). Run ties the server, the sink
// chosen in the Config, the HTTP control API and the metrics together.
package audioproxy
