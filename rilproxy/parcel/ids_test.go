package parcel

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

// TestIDTableMatchesTSV checks the generated table against the tsv taken
// from AOSP android-7.1.2_r39: every id, name, dispatch and response
// function, and wake type.
func TestIDTableMatchesTSV(t *testing.T) {
	f, err := os.Open("testdata/ril-ids-android-7.1.2_r39.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reqs, unsols := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		n, err := strconv.Atoi(p[0])
		if err != nil || len(p) != 4 {
			t.Fatalf("bad tsv line %q", sc.Text())
		}
		switch {
		case p[2] == "-" && p[1] != "RIL_RESPONSE_ACKNOWLEDGEMENT":
			// aliases
		case n >= 1000:
			unsols++
			got, ok := unsolTable[UnsolID(n)]
			if !ok || "RIL_UNSOL_"+got.name != p[1] || got.response != p[2] || got.wake != (p[3] == "WAKE_PARTIAL") {
				t.Errorf("unsol %d: table %+v, tsv %q", n, got, p)
			}
		default:
			reqs++
			got, ok := requestTable[ReqID(n)]
			want := strings.TrimPrefix(strings.TrimPrefix(p[1], "RIL_REQUEST_"), "RIL_")
			if !ok || got.name != want || got.dispatch != p[2] || got.response != p[3] {
				t.Errorf("request %d: table %+v, tsv %q", n, got, p)
			}
		}
	}
	if reqs != len(requestTable) || unsols != len(unsolTable) {
		t.Errorf("tsv has %d requests %d unsols; table %d %d", reqs, unsols, len(requestTable), len(unsolTable))
	}
	if reqs != 138 || unsols != 47 {
		t.Errorf("expected ril.md's 138 requests and 47 unsols, got %d %d", reqs, unsols)
	}
}

func TestIDNames(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{ReqDial.String(), "DIAL(10)"},
		{ReqSwitchHoldingAndActive.Name(), "SWITCH_WAITING_OR_HOLDING_AND_ACTIVE"},
		{ReqResponseAcknowledgement.String(), "RESPONSE_ACKNOWLEDGEMENT(800)"},
		{ReqID(999).String(), "REQUEST_999"},
		{UnsolCallStateChanged.String(), "RESPONSE_CALL_STATE_CHANGED(1001)"},
		{UnsolRilConnected.Name(), "RIL_CONNECTED"},
		{UnsolID(5000).String(), "UNSOL_5000"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if !UnsolNewSms.Wakes() || UnsolSignalStrength.Wakes() || ReqID(0).Known() || !ReqGetSimStatus.Known() {
		t.Error("wake/known flags wrong")
	}
}

// TestGeneratedTableUpToDate regenerates the table and compares it with the
// committed ids_table.go.
func TestGeneratedTableUpToDate(t *testing.T) {
	testutil.RequireCmd(t, "go")
	out := filepath.Join(t.TempDir(), "ids_table.txt") // not .go: go run would compile it
	if b, err := exec.Command("go", "run", "gen_ids.go", out).CombinedOutput(); err != nil {
		t.Fatalf("go run gen_ids.go: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("ids_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("ids_table.go is stale: run go generate ./rilproxy/parcel")
	}
}
