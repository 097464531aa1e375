// Package audioproxy is the audio server of droidplex: every container's
// streams, shared-memory rings written by the in-container shims, mixed into
// one device.
//
// The Engine holds the containers and streams and implements the device
// callback (Process), which only mixes: no allocation, lock, log or blocking
// call. The only system calls it makes wake a shim that said it is waiting
// for room (wire.FlagWaiting): a raw fcntl(F_GETFL) and a raw, non-blocking
// 8-byte eventfd write. Doing it from the callback saves a hand-off
// goroutine per stream and its wake-up (measured: most of the server's CPU
// at 32 streams). Because the client shares the eventfd and could make it
// blocking, the write happens only while O_NONBLOCK is still set, and the
// Server's watchdog releases (and drops) a stream whose client wins the race.
//
// The Server listens on each container's SOCK_SEQPACKET control socket,
// creates a sealed memfd ring and an eventfd per stream, and frees them when
// the client's connection ends for any reason. Before a stream is opened,
// the client's pid namespace is checked against its container's
// (internal/peercheck; Config.PeerCheck). Run ties the server, the sink
// chosen in the Config, the HTTP control API and the metrics together.
package audioproxy
