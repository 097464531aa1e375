package rilproxy_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"droidplex/rilproxy"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
	"droidplex/rilproxy/rilproxytest"
)

// Two containers share one modem: each has its own rild socket, and a
// container's airplane mode does not switch the radio off for the other.
func Example() {
	dir, _ := os.MkdirTemp("/tmp", "rilproxy-example-")
	defer os.RemoveAll(dir)
	mux, err := rilproxy.New(rilproxy.Config{Policy: policy.Config{Containers: []string{"personal", "work"}}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		panic(err)
	}
	listeners := map[string]net.Listener{}
	for _, name := range []string{"personal", "work"} {
		l, err := net.Listen("unix", filepath.Join(dir, name))
		if err != nil {
			panic(err)
		}
		listeners[name] = l
	}
	modem := &rilproxytest.Modem{} // a scripted rild; rilproxyd uses the mock modem or a real rild
	dial := func(context.Context) (io.ReadWriteCloser, error) {
		a, b := net.Pipe()
		go modem.Serve(b)
		return a, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- mux.Serve(ctx, dial, listeners) }()

	personal, _ := rilproxytest.Dial(filepath.Join(dir, "personal"))
	work, _ := rilproxytest.Dial(filepath.Join(dir, "work"))
	hello, _ := work.Unsol(5 * time.Second)
	fmt.Println("work is greeted with", hello.Unsol)
	personal.Do(parcel.ReqRadioPower, parcel.AppendInts(nil, 1))
	r, _ := work.Do(parcel.ReqRadioPower, parcel.AppendInts(nil, 0)) // airplane mode in work
	fmt.Println("work's RADIO_POWER 0 answered with error", r.Error)
	for i := 0; i < 500 && modem.Count(parcel.ReqRadioPower) == 0; i++ {
		time.Sleep(10 * time.Millisecond) // the proxy's own request is on its way
	}
	fmt.Println("the modem was asked:", modem.Transcript())

	personal.Close()
	work.Close()
	cancel()
	<-done
	// Output:
	// work is greeted with RIL_CONNECTED(1034)
	// work's RADIO_POWER 0 answered with error 0
	// the modem was asked: [RADIO_POWER(23) 0100000001000000]
}
