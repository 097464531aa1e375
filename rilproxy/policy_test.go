package rilproxy

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/rilproxytest"
)

func TestCachedQueriesMergedAndInvalidated(t *testing.T) {
	release := make(chan struct{})
	modem := &rilproxytest.Modem{Delay: func() time.Duration { return 0 }}
	modem.Handler = func(req parcel.Request) rilproxytest.Reply {
		if req.ID == parcel.ReqGetImei {
			<-release // hold the first IMEI query until both asked
		}
		return rilproxytest.Reply{Payload: parcel.AppendString(nil, req.ID.Name())}
	}
	r := startRig(t, Config{}, modem)
	a, b := r.dial("personal"), r.dial("work")
	ca := a.Send(parcel.ReqGetImei, nil)
	waitFor(t, "IMEI upstream", func() bool { return modem.Count(parcel.ReqGetImei) == 1 })
	cb := b.Send(parcel.ReqGetImei, nil)
	waitFor(t, "second query merged", func() bool {
		r.m.mu.Lock()
		defer r.m.mu.Unlock()
		e := r.m.cache[cacheKey{parcel.ReqGetImei, ""}]
		return e != nil && len(e.waiters) == 1
	})
	close(release)
	for _, ch := range []<-chan rilproxytest.Message{ca, cb} {
		m := <-ch
		if m.Error != parcel.Success || !bytes.Equal(m.Payload, parcel.AppendString(nil, "GET_IMEI")) {
			t.Fatalf("IMEI reply %d %x", m.Error, m.Payload)
		}
	}
	wantErr(t, do(t, a, parcel.ReqGetImei, nil), parcel.Success)
	if n := modem.Count(parcel.ReqGetImei); n != 1 {
		t.Fatalf("IMEI asked upstream %d times, want 1", n)
	}
	// a status query is cached until the indication that changes it
	do(t, a, parcel.ReqSignalStrength, nil)
	do(t, b, parcel.ReqSignalStrength, nil)
	if n := modem.Count(parcel.ReqSignalStrength); n != 1 {
		t.Fatalf("signal asked %d times, want 1", n)
	}
	modem.Unsol(parcel.UnsolSignalStrength, make([]byte, 13*4))
	if _, err := b.WaitUnsol(parcel.UnsolSignalStrength); err != nil {
		t.Fatal(err)
	}
	do(t, b, parcel.ReqSignalStrength, nil)
	if n := modem.Count(parcel.ReqSignalStrength); n != 2 {
		t.Fatalf("signal asked %d times after the change, want 2", n)
	}
}

func TestRadioPowerIsTheOR(t *testing.T) {
	modem := &rilproxytest.Modem{}
	r := startRig(t, Config{}, modem)
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqRadioPower, parcel.AppendInts(nil, 1)), parcel.Success)
	wantErr(t, do(t, w, parcel.ReqRadioPower, parcel.AppendInts(nil, 0)), parcel.Success) // RIL.java on connect
	wantErr(t, do(t, w, parcel.ReqRadioPower, parcel.AppendInts(nil, 1)), parcel.Success)
	wantErr(t, do(t, p, parcel.ReqRadioPower, parcel.AppendInts(nil, 0)), parcel.Success)
	waitFor(t, "radio on upstream", func() bool { return modem.Count(parcel.ReqRadioPower) == 1 })
	w.Close() // nobody wants it on any more
	waitFor(t, "radio off upstream", func() bool { return modem.Count(parcel.ReqRadioPower) == 2 })
	var got []string
	for _, l := range modem.Transcript() {
		if bytes.HasPrefix([]byte(l), []byte("RADIO_POWER")) {
			got = append(got, l)
		}
	}
	want := []string{"RADIO_POWER(23) 0100000001000000", "RADIO_POWER(23) 0100000000000000"}
	if !slices.Equal(got, want) {
		t.Fatalf("modem saw %q, want %q", got, want)
	}
}

func TestScreenStateOfTheForeground(t *testing.T) {
	modem := &rilproxytest.Modem{}
	r := startRig(t, Config{}, modem)
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	do(t, w, parcel.ReqScreenState, parcel.AppendInts(nil, 1))
	do(t, p, parcel.ReqScreenState, parcel.AppendInts(nil, 0)) // background: ignored
	r.m.SetForeground("personal")
	r.m.SetForeground("work")
	waitFor(t, "three screen states", func() bool { return modem.Count(parcel.ReqScreenState) == 3 })
	var got []string
	for _, l := range modem.Transcript() {
		if bytes.HasPrefix([]byte(l), []byte("SCREEN_STATE")) {
			got = append(got, l[len(l)-8:len(l)-6])
		}
	}
	if !slices.Equal(got, []string{"01", "00", "01"}) { // the value's low byte
		t.Fatalf("screen states %v", got)
	}
}

// Indications reach whom their route names: the SIM toolkit the owner, a
// USSD reply the foreground, a network time everyone (and later clients on
// accept, as libril does), the modem's own RIL_CONNECTED nobody.
func TestIndicationRoutes(t *testing.T) {
	modem := &rilproxytest.Modem{}
	r := startRig(t, Config{}, modem)
	nitz := parcel.AppendString(nil, "26/11/23,15:00:00+00,0")
	waitFor(t, "modem greeted the Mux", func() bool { return r.m.Status().RadioState == radioOn })
	modem.Unsol(parcel.UnsolNitzTimeReceived, nitz)
	waitFor(t, "NITZ kept", func() bool {
		r.m.mu.Lock()
		defer r.m.mu.Unlock()
		return r.m.nitz != nil
	})
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	for _, c := range []*rilproxytest.Client{p, w} { // the kept NITZ follows the greeting
		u, err := c.Unsol(5 * time.Second)
		if err != nil || u.Unsol != parcel.UnsolNitzTimeReceived || !bytes.Equal(u.Payload, nitz) {
			t.Fatalf("after the greeting: %v %v", u.Unsol, err)
		}
	}
	modem.Unsol(parcel.UnsolRilConnected, parcel.AppendInts(nil, 12))
	modem.Unsol(parcel.UnsolStkProactiveCommand, parcel.AppendString(nil, "D0"))
	modem.Unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Strs("0", "balance")...))
	modem.Unsol(parcel.UnsolSignalStrength, make([]byte, 13*4)) // broadcast: marks the end
	got := map[*rilproxytest.Client][]parcel.UnsolID{}
	for _, c := range []*rilproxytest.Client{p, w} {
		for {
			u, err := c.Unsol(5 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if u.Unsol == parcel.UnsolSignalStrength {
				break
			}
			got[c] = append(got[c], u.Unsol)
		}
	}
	if want := []parcel.UnsolID{parcel.UnsolStkProactiveCommand}; !slices.Equal(got[p], want) {
		t.Errorf("personal (owner) got %v, want %v", got[p], want)
	}
	if want := []parcel.UnsolID{parcel.UnsolOnUssd}; !slices.Equal(got[w], want) {
		t.Errorf("work (foreground) got %v, want %v", got[w], want)
	}
}

// A container cannot grow the cache: trailing junk on a void query hits the
// one entry, and payloads it varies are bounded.
func TestCacheBoundedAgainstVaryingPayloads(t *testing.T) {
	modem := &rilproxytest.Modem{}
	r := startRig(t, Config{}, modem)
	a := r.dial("personal")
	for i := range 50 {
		junk := parcel.AppendInts(nil, int32(i), int32(i*7))
		wantErr(t, do(t, a, parcel.ReqGetImei, junk), parcel.Success)
	}
	if n := modem.Count(parcel.ReqGetImei); n != 1 {
		t.Fatalf("IMEI with trailing junk asked upstream %d times, want 1", n)
	}
	for i := range maxCacheEntries + 40 {
		wantErr(t, do(t, a, parcel.ReqGetImsi, parcel.AppendStrings(nil, parcel.Str(fmt.Sprint("aid", i)))), parcel.Success)
	}
	r.m.mu.Lock()
	n := len(r.m.cache)
	r.m.mu.Unlock()
	if n > maxCacheEntries {
		t.Fatalf("cache holds %d entries, bound is %d", n, maxCacheEntries)
	}
}
