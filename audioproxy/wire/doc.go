// Package wire is the audio stream protocol between a container's audio shim
// and audioproxyd: the control messages sent on a container's SOCK_SEQPACKET
// socket, and the layout of the shared-memory ring (a sealed memfd) that
// carries the PCM data, with lock-free single-producer single-consumer
// accessors.
//
// A client connects to its container's socket and sends one Open. The server
// answers Opened with two descriptors attached (the ring's memfd, sealed
// against shrinking and growing, and an eventfd for pacing) or with an error
// packet and closes. From then on the connection is the stream's lifetime:
// when either side closes it, the stream is gone.
//
// Pacing: every device callback publishes, per stream, the frames consumed
// and the CLOCK_MONOTONIC time of that callback (consumed, consumed_ns,
// under a seqlock), and the header carries the device period. A writer
// whose ring is full predicts the callback that frees its room from these
// and sleeps until half a period after it, by its own clock; only if that
// fails (no callback yet, a late or irregular device) does it set
// FlagWaiting and wake_frames and sleep on the eventfd, which the server
// pokes from the callback once that much room is free. A steady writer thus
// costs the server no system call at all.
//
// This package is imported by the in-container shim, so it depends on the
// standard library only.
package wire
