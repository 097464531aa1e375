//go:build race

package linux

// raceEnabled: the race detector makes x/sys/unix hand buffers to its
// hooks, so they escape and allocation counts mean nothing.
const raceEnabled = true
