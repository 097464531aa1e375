package rilproxy

import (
	"net"
	"sync"
	"testing"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/rilproxytest"
)

// slowEOFListener hands out connections whose end of stream is held back
// until the connection is closed: a reader slow to see that its client
// left (a busy machine, a request in progress).
type slowEOFListener struct{ net.Listener }

func (l slowEOFListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &slowEOFConn{UnixConn: c.(*net.UnixConn), closed: make(chan struct{})}, nil
}

type slowEOFConn struct {
	*net.UnixConn
	once   sync.Once
	closed chan struct{}
}

func (c *slowEOFConn) Read(p []byte) (int, error) {
	n, err := c.UnixConn.Read(p)
	if err != nil {
		<-c.closed
	}
	return n, err
}

func (c *slowEOFConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.UnixConn.Close()
}

// A client that reconnects (ofonod restarted) while the Mux has not yet
// read the end of its old connection was refused as a second client once
// 200 ms had passed, leaving the container without telephony. The old
// client has hung up, so its connection is ended and the new one served;
// a second client while the first is still there is still refused.
func TestReconnectBeforeOldEndIsReadIsServed(t *testing.T) {
	r := startRigWith(t, Config{}, &rilproxytest.Modem{}, func(l net.Listener) net.Listener { return slowEOFListener{l} })
	old := r.dial("personal")
	wantErr(t, do(t, old, parcel.ReqGetMute, nil), parcel.Success)
	old.Close()
	c := r.dial("personal") // the greeting proves it was taken
	wantErr(t, do(t, c, parcel.ReqGetMute, nil), parcel.Success)

	second, err := rilproxytest.Dial(r.dir + "/personal")
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if !second.Closed() {
		t.Fatal("a second client was served while the first is connected")
	}
	wantErr(t, do(t, c, parcel.ReqGetMute, nil), parcel.Success)
}
