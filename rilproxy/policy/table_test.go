package policy

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"droidplex/internal/testutil"
	"droidplex/rilproxy/parcel"
)

// tsvIDs reads the ids of the reference table (one row per id; the
// SWITCH_HOLDING_AND_ACTIVE alias repeats 15).
func tsvIDs(t *testing.T) (reqIDs, unsolIDs map[int32]bool) {
	f, err := os.Open(testutil.Path(t, "rilproxy/parcel/testdata/ril-ids-android-7.1.2_r39.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reqIDs, unsolIDs = map[int32]bool{}, map[int32]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			continue
		}
		n, err := strconv.Atoi(cols[0])
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(cols[1], "RIL_UNSOL_"):
			unsolIDs[int32(n)] = true
		case strings.HasPrefix(cols[1], "RIL_REQUEST_"), strings.HasPrefix(cols[1], "RIL_RESPONSE_"):
			reqIDs[int32(n)] = true
		}
	}
	return reqIDs, unsolIDs
}

func TestEveryRequestHasARule(t *testing.T) {
	want, _ := tsvIDs(t)
	if len(want) != 138 {
		t.Fatalf("reference table has %d request ids, want 138", len(want))
	}
	if len(reqs) != len(want) {
		t.Errorf("policy table has %d request rules, reference has %d ids", len(reqs), len(want))
	}
	for id := range want {
		r, ok := Request(parcel.ReqID(id))
		if !ok || r.Action == 0 || r.Why == "" {
			t.Errorf("request %v: no reviewed rule", parcel.ReqID(id))
		}
	}
	for i, r := range reqs {
		if i > 0 && reqs[i-1].ID >= r.ID {
			t.Errorf("table not sorted at %v", r.ID)
		}
		if !r.ID.Known() {
			t.Errorf("rule for unknown id %d", r.ID)
		}
		for _, inv := range r.Invalidates {
			if c, _ := Request(inv); c.Action != Cached {
				t.Errorf("%v invalidates %v, which is not cached", r.ID, inv)
			}
		}
	}
	for _, id := range []parcel.ReqID{0, -1, 138, 799, 801, 1 << 30} {
		if _, ok := Request(id); ok {
			t.Errorf("Request(%d) found a rule", id)
		}
	}
}

func TestEveryUnsolHasARule(t *testing.T) {
	_, want := tsvIDs(t)
	if len(want) != 47 {
		t.Fatalf("reference table has %d unsol ids, want 47", len(want))
	}
	if len(unsols) != len(want) {
		t.Errorf("policy table has %d unsol rules, reference has %d ids", len(unsols), len(want))
	}
	for id := range want {
		r, ok := Unsol(parcel.UnsolID(id))
		if !ok || r.Route == 0 || r.Why == "" {
			t.Errorf("unsol %v: no reviewed rule", parcel.UnsolID(id))
		}
	}
	for i, r := range unsols {
		if i > 0 && unsols[i-1].ID >= r.ID {
			t.Errorf("table not sorted at %v", r.ID)
		}
		if (r.Route == SMS) != (r.Ack != 0 || r.ID == parcel.UnsolNewSmsOnSim) {
			t.Errorf("%v: SMS route and ack disagree", r.ID)
		}
		if r.Ack != 0 {
			if a, _ := Request(r.Ack); a.Action != SMSAck {
				t.Errorf("%v is acknowledged by %v, which is not an SMS ack", r.ID, r.Ack)
			}
		}
		for _, inv := range r.Invalidates {
			if c, _ := Request(inv); c.Action != Cached {
				t.Errorf("%v invalidates %v, which is not cached", r.ID, inv)
			}
		}
	}
	if _, ok := Unsol(999); ok {
		t.Error("Unsol(999) found a rule")
	}
	if _, ok := Unsol(1047); ok {
		t.Error("Unsol(1047) found a rule")
	}
}

// The required policies, spelled out.
func TestRequiredPolicies(t *testing.T) {
	for id, want := range map[parcel.ReqID]Action{
		parcel.ReqRadioPower: RadioPower, parcel.ReqScreenState: ScreenState,
		parcel.ReqGetCurrentCalls: CallList, parcel.ReqDial: Dial,
		parcel.ReqHangup: CallScoped, parcel.ReqAnswer: CallScoped, parcel.ReqDtmf: CallScoped,
		parcel.ReqSeparateConnection: CallScoped, parcel.ReqSetNetworkSelectionManual: OwnerOnly,
		parcel.ReqSetPreferredNetworkType: OwnerOnly, parcel.ReqChangeSimPin: OwnerOnly,
		parcel.ReqEnterSimPuk: OwnerOnly, parcel.ReqSetCallForward: OwnerOnly,
		parcel.ReqSetFacilityLock: OwnerOnly, parcel.ReqGetImei: Cached, parcel.ReqOperator: Cached,
		parcel.ReqSignalStrength: Cached, parcel.ReqSmsAcknowledge: SMSAck,
		parcel.ReqShutdown: Deny, parcel.ReqResponseAcknowledgement: Absorb,
	} {
		if r, _ := Request(id); r.Action != want {
			t.Errorf("%v: %v, want %v", id, r.Action, want)
		}
	}
	for id, want := range map[parcel.UnsolID]Route{
		parcel.UnsolRadioStateChanged: Broadcast, parcel.UnsolVoiceNetworkStateChanged: Broadcast,
		parcel.UnsolSignalStrength: Broadcast, parcel.UnsolNitzTimeReceived: Broadcast,
		parcel.UnsolSimStatusChanged: Broadcast, parcel.UnsolCallStateChanged: CallRelated,
		parcel.UnsolCallRing: CallRelated, parcel.UnsolNewSms: SMS, parcel.UnsolRilConnected: Consume,
	} {
		if r, _ := Unsol(id); r.Route != want {
			t.Errorf("%v: %v, want %v", id, r.Route, want)
		}
	}
}

func TestDocIsCurrent(t *testing.T) {
	got, err := os.ReadFile(testutil.Path(t, DocPath))
	if err != nil {
		t.Fatalf("%v (run go generate ./rilproxy/policy)", err)
	}
	if !bytes.Equal(got, Markdown()) {
		t.Fatalf("%s is stale: run go generate ./rilproxy/policy", DocPath)
	}
}

func TestNames(t *testing.T) {
	if Forward.String() != "forward" || Action(99).String() != "action(99)" {
		t.Error(Forward.String(), Action(99).String())
	}
	if Broadcast.String() != "broadcast" || Route(99).String() != "route(99)" {
		t.Error(Broadcast.String(), Route(99).String())
	}
	if len(Requests()) != 138 || len(Unsols()) != 47 {
		t.Error(len(Requests()), len(Unsols()))
	}
}
