package mockmodem

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"droidplex/rilproxy/parcel"
)

func TestParseScenario(t *testing.T) {
	s, err := ParseScenario(strings.NewReader(`
# a call and an SMS
wait radio on
call-in +15551234   # rings
wait call 1 active
hangup-remote
sms-in +15551234 "see you \"soon\""
timeout 2s
wait sms-delivered
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Scenario{
		{3, "wait", []string{"radio", "on"}},
		{4, "call-in", []string{"+15551234"}},
		{5, "wait", []string{"call", "1", "active"}},
		{6, "hangup-remote", []string{}},
		{7, "sms-in", []string{"+15551234", `see you "soon"`}},
		{8, "timeout", []string{"2s"}},
		{9, "wait", []string{"sms-delivered"}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v\nwant %+v", s, want)
	}
	bad := []struct{ script, msg string }{
		{"dance", "line 1: unknown step"},
		{"\ncall-in", "line 2: call-in takes 1 to 1 arguments"},
		{`sms-in +1 "unterminated`, "bad quoted string"},
		{"signal strong", "not a number"},
		{"sleep forever", "bad duration"},
		{"wait radio maybe", "want on or off"},
		{"wait call 1 ringing", "unknown state"},
		{"wait tea", "unknown condition"},
		{"hangup-remote x", "not a number"},
	}
	for _, b := range bad {
		_, err := ParseScenario(strings.NewReader(b.script))
		if !errors.Is(err, ErrScenario) || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("%q: err %v, want %q", b.script, err, b.msg)
		}
	}
}

func FuzzParseScenario(f *testing.F) {
	f.Add("wait radio on\ncall-in +1555\nsms-in +1 \"a b\"\nwait call 1 gone")
	f.Add(`sms-in "\x00" "\u00e9"`)
	f.Fuzz(func(t *testing.T, script string) {
		s, err := ParseScenario(strings.NewReader(script))
		if err != nil {
			return
		}
		for _, st := range s {
			if st.check() != nil {
				t.Fatalf("parsed step fails its check: %+v", st)
			}
			if st.Verb == "wait" {
				_ = st.condition()(Status{})
			}
		}
	})
}

// TestScenarioRun runs a script while a client plays the phone.
func TestScenarioRun(t *testing.T) {
	m, path := startModem(t, Config{AlertAfter: never})
	s, err := ParseScenario(strings.NewReader(`
wait clients 1
wait radio on
call-in +15551234
wait call 1 active
hangup-remote 1
wait calls 0
signal 4
sms-in +15551234 "see you soon"
wait sms-delivered
`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, m) }()
	c := dial(t, path)
	c.connected()
	c.radioOn()
	c.unsol(parcel.UnsolCallStateChanged)
	c.unsol(parcel.UnsolCallRing)
	c.do(parcel.ReqAnswer, nil)
	c.unsol(parcel.UnsolCallStateChanged)
	c.unsol(parcel.UnsolCallStateChanged) // remote hangup
	c.unsol(parcel.UnsolSignalStrength)
	c.unsol(parcel.UnsolNewSms)
	c.do(parcel.ReqSmsAcknowledge, parcel.Ints{1, 0})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A failing step names its line.
	bad, _ := ParseScenario(strings.NewReader("answer-remote"))
	if err := bad.Run(ctx, m); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("failing step: %v", err)
	}
	short, _ := ParseScenario(strings.NewReader("timeout 1ms\nwait calls 3"))
	if err := short.Run(ctx, m); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("wait past its timeout: %v", err)
	}
}

func ExampleParseScenario() {
	s, err := ParseScenario(strings.NewReader("call-in +15551234\nsms-in +15551234 \"running late\""))
	fmt.Println(len(s), s[1].Args[1], err)
	// Output: 2 running late <nil>
}

// TestScenarioFiles parses the example scenarios shipped in testdata.
func TestScenarioFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.scenario")
	if len(files) < 2 {
		t.Fatalf("example scenarios missing: %v", files)
	}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseScenario(r)
		r.Close()
		if err != nil || len(s) < 5 {
			t.Errorf("%s: %d steps, %v", f, len(s), err)
		}
	}
}
