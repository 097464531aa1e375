package rilproxy

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
	"droidplex/rilproxy/rilproxytest"
)

// Eight simulated containers, all numbering their requests from 1, send
// thousands of requests each with a window of requests in flight; the modem
// answers after random delays (so out of order). Every reply must reach the
// container that asked, under the serial it used, with the payload the
// modem echoed for that very request.
func TestConcurrentContainersNoMisroute(t *testing.T) {
	const (
		containers = 8
		perClient  = 600
		window     = 24
	)
	names := make([]string, containers)
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i)
	}
	modem := &rilproxytest.Modem{Delay: rilproxytest.RandomDelay(2 * time.Millisecond)}
	r := startRig(t, Config{Policy: policy.Config{Containers: names}}, modem)
	clients := make([]*rilproxytest.Client, containers)
	for i, n := range names {
		clients[i] = r.dial(n)
	}
	var wg sync.WaitGroup
	errs := make(chan error, containers)
	for ci, c := range clients {
		wg.Go(func() {
			type sent struct {
				ch      <-chan rilproxytest.Message
				id      parcel.ReqID
				payload []byte
			}
			var inflight []sent
			check := func(s sent) error {
				select {
				case m := <-s.ch:
					switch {
					case m.Error != parcel.Success:
						return fmt.Errorf("container %d: %v answered %d", ci, s.id, m.Error)
					case s.id == parcel.ReqQueryClip && string(m.Payload) != string(s.payload):
						return fmt.Errorf("container %d: reply %x to a request of %x: misrouted", ci, m.Payload, s.payload)
					}
					return nil
				case <-time.After(10 * time.Second):
					return fmt.Errorf("container %d: %v not answered", ci, s.id)
				}
			}
			for seq := range perClient {
				id, payload := parcel.ReqQueryClip, binary.LittleEndian.AppendUint64(nil, uint64(ci)<<32|uint64(seq))
				if rand.IntN(10) == 0 {
					id, payload = parcel.ReqGetImei, nil // cached and merged
				}
				inflight = append(inflight, sent{c.Send(id, payload), id, payload})
				if len(inflight) == window {
					if err := check(inflight[0]); err != nil {
						errs <- err
						return
					}
					inflight = inflight[1:]
				}
			}
			for _, s := range inflight {
				if err := check(s); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, c := range clients {
		if err := c.Err(); err != nil {
			t.Errorf("container %d: %v", i, err)
		}
	}
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	for _, tb := range r.m.tables {
		if n := tb.inFlight(); n != 0 {
			t.Errorf("owner %d has %d slots still in use", tb.owner, n)
		}
	}
}
