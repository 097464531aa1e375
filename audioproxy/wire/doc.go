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
// This package is imported by the in-container shim, so it depends on the
// standard library only.
package wire
