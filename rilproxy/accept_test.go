package rilproxy

import (
	"net"
	"sync/atomic"
	"syscall"
	"testing"

	"droidplex/rilproxy/rilproxytest"
)

// flakyListener fails its first Accepts with EMFILE, as a process out of
// descriptors does.
type flakyListener struct {
	net.Listener
	fails atomic.Int32
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "unix", Err: syscall.EMFILE}
	}
	return l.Listener.Accept()
}

// Running out of descriptors for a moment does not end a container's
// telephony: the accept loop retries and the next client is served.
func TestAcceptSurvivesTemporaryErrors(t *testing.T) {
	r := startRigWith(t, Config{}, &rilproxytest.Modem{}, func(l net.Listener) net.Listener {
		f := &flakyListener{Listener: l}
		f.fails.Store(3)
		return f
	})
	r.dial("personal") // fails the test if nobody greets it
}
