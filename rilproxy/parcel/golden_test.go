package parcel

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

type trafficLine struct {
	kind    string // REQ, RESP, UNSOL
	id      int32
	payload []byte
	line    string
}

func readTraffic(t testing.TB) []trafficLine {
	t.Helper()
	f, err := os.Open("testdata/ofono-1.31-traffic.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []trafficLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		p := strings.Fields(line)
		id, err := strconv.Atoi(p[1])
		if err != nil {
			t.Fatalf("bad line %q", line)
		}
		hx := p[len(p)-1]
		if hx == "-" {
			hx = ""
		}
		b, err := hex.DecodeString(hx)
		if err != nil {
			t.Fatalf("bad hex in %q", line)
		}
		out = append(out, trafficLine{p[0], int32(id), b, line})
	}
	return out
}

// TestGoldenOfonoTraffic decodes every payload oFono 1.31 wrote or accepted
// in the probe sessions into its typed view, encodes it back and compares
// bytes. Only oFono's DIAL has trailing bytes (its extra int32).
func TestGoldenOfonoTraffic(t *testing.T) {
	lines := readTraffic(t)
	if len(lines) < 90 {
		t.Fatalf("only %d fixture lines", len(lines))
	}
	kinds := map[string]int{}
	for _, l := range lines {
		var v Payload
		var err error
		switch l.kind {
		case "REQ":
			v, err = DecodeRequest(ReqID(l.id), l.payload)
		case "RESP":
			v, err = DecodeResponse(ReqID(l.id), l.payload)
		case "UNSOL":
			v, err = DecodeUnsol(UnsolID(l.id), l.payload)
		}
		if err != nil {
			t.Errorf("%s: %v", l.line, err)
			continue
		}
		if _, ok := v.(Opaque); ok {
			t.Errorf("%s: decoded as Opaque; every id oFono uses has a typed view", l.line)
		}
		kinds[l.kind]++
		got := v.AppendTo(nil)
		want := l.payload
		if l.kind == "REQ" && ReqID(l.id) == ReqDial {
			if len(want)-len(got) != 4 {
				t.Errorf("DIAL: expected oFono's 4 trailing bytes, got %d", len(want)-len(got))
			}
			want = want[:len(got)]
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: round trip %T %+v\n got %x\nwant %x", l.line, v, v, got, want)
		}
	}
	if kinds["REQ"] == 0 || kinds["RESP"] == 0 || kinds["UNSOL"] == 0 {
		t.Errorf("fixture kinds %v", kinds)
	}
}

// TestGoldenHexTrace replays oFono's own hex trace of its socket through the
// framing: every chunk it read and wrote joins into whole records.
func TestGoldenHexTrace(t *testing.T) {
	data, err := os.ReadFile("testdata/ofono-1.31-hextrace.txt")
	if err != nil {
		t.Fatal(err)
	}
	var in, out bytes.Buffer // as oFono read them / as oFono wrote them
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		b, err := hex.DecodeString(line[2:])
		if err != nil {
			t.Fatalf("bad trace line %q", line)
		}
		if line[0] == '<' {
			in.Write(b)
		} else {
			out.Write(b)
		}
	}
	reqs := 0
	fr := NewFrameReader(&out, MaxBody)
	for {
		body, err := fr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("oFono's writes: %v", err)
		}
		req, err := ParseRequest(body)
		if err != nil || !req.ID.Known() {
			t.Fatalf("request %x: %+v %v", body, req, err)
		}
		if _, err := DecodeRequest(req.ID, req.Payload); err != nil {
			t.Errorf("%v: %v", req.ID, err)
		}
		reqs++
	}
	msgs, unsols := 0, 0
	fr = NewFrameReader(&in, MaxClientBody)
	for {
		body, err := fr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("oFono's reads: %v", err)
		}
		m, err := ParseMessage(body)
		if err != nil {
			t.Fatalf("message %x: %v", body, err)
		}
		if m.IsUnsolicited() {
			if _, err := DecodeUnsol(m.Unsol, m.Payload); err != nil {
				t.Errorf("%v: %v", m.Unsol, err)
			}
			unsols++
		}
		msgs++
	}
	if reqs < 10 || msgs < 10 || unsols < 2 {
		t.Errorf("trace gave %d requests, %d messages (%d unsolicited)", reqs, msgs, unsols)
	}
}
