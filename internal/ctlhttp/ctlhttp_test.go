package ctlhttp

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

func TestMain(m *testing.M) { testutil.Main(m) }

type req struct {
	Name string `json:"name"`
}

func serve(t *testing.T, h http.Handler) *http.Client {
	t.Helper()
	path := filepath.Join(testutil.RuntimeDir(t), "api.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, l, h) }()
	c := NewClient(path)
	t.Cleanup(func() {
		c.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return c
}

func TestDoRoundTripAndErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		var in req
		if err := DecodeJSON(r, &in); err != nil {
			WriteError(w, http.StatusBadRequest, err)
			return
		}
		WriteJSON(w, http.StatusOK, in)
	})
	c := serve(t, mux)
	ctx := context.Background()
	var out req
	if err := Do(ctx, c, http.MethodPost, "/echo", req{Name: "work"}, &out); err != nil || out.Name != "work" {
		t.Fatalf("echo: %+v %v", out, err)
	}
	var se *StatusError
	err := Do(ctx, c, http.MethodPost, "/echo", map[string]int{"bogus": 1}, &out)
	if !errors.As(err, &se) || se.Code != http.StatusBadRequest || !strings.Contains(se.Message, "unknown field") {
		t.Fatalf("unknown field: %v", err)
	}
	err = Do(ctx, c, http.MethodGet, "/nosuch", nil, nil)
	if !errors.As(err, &se) || se.Code != http.StatusNotFound {
		t.Fatalf("missing route: %v", err)
	}
}

func TestDecodeJSONRefusesTrailingAndHuge(t *testing.T) {
	for _, body := range []string{`{"name":"a"} {"name":"b"}`, `{"name":"` + strings.Repeat("x", MaxBody) + `"}`, `not json`} {
		r, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		var v req
		if err := DecodeJSON(r, &v); err == nil {
			t.Errorf("body of %d bytes accepted", len(body))
		}
	}
}

// Malformed bodies are refused with an error that says what is wrong.
// Before, a stray '}' or ']' after the value was accepted, and a body over
// MaxBody gave only "unexpected EOF".
func TestDecodeJSONSaysWhatIsWrong(t *testing.T) {
	for body, want := range map[string]string{
		`{"name":"a"}}`: "invalid character '}'",
		`{"name":"a"}]`: "invalid character ']'",
		`{"name":"a"}x`: "invalid character 'x'",
		``:              "bad request body: empty",
		`   `:           "bad request body: empty",
		`{"name":"` + strings.Repeat("x", MaxBody) + `"}`: "larger than 1048576 bytes",
		`{"name":1}`:  "cannot unmarshal number",
		`{"nam":"a"}`: `unknown field "nam"`,
	} {
		r, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		var v req
		if err := DecodeJSON(r, &v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("body %.20q: err = %v, want it to say %s", body, err, want)
		}
	}
	r, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(" {\"name\":\"a\"}\n"))
	var v req
	if err := DecodeJSON(r, &v); err != nil || v.Name != "a" {
		t.Errorf("white space around the value: %+v, %v", v, err)
	}
}

// An error reply that is not JSON (a proxy's HTML page, a panic trace)
// becomes a StatusError whose message is short and printable. Before, the
// whole body, up to a megabyte and escape sequences included, was the
// message.
func TestDoClipsANonJSONErrorReply(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("\x1b[2J<html>" + strings.Repeat("oops ", 20000) + "</html>"))
	})
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := serve(t, mux)
	var se *StatusError
	err := Do(context.Background(), c, http.MethodGet, "/big", nil, nil)
	if !errors.As(err, &se) || se.Code != http.StatusBadGateway {
		t.Fatalf("err = %v", err)
	}
	if len(se.Message) > maxMessage+3 || strings.ContainsRune(se.Message, '\x1b') || !strings.HasPrefix(se.Message, "?[2J<html>oops") {
		t.Errorf("message of %d bytes: %.40q", len(se.Message), se.Message)
	}
	err = Do(context.Background(), c, http.MethodGet, "/empty", nil, nil)
	if !errors.As(err, &se) || se.Code != http.StatusServiceUnavailable || se.Message == "" {
		t.Errorf("empty error reply: %v", err)
	}
}

// A client that sends its headers and then stalls in its body is cut off
// with an error reply instead of holding its handler for ever (before,
// only the headers had a time limit). A request that reads its body and
// then takes longer than the limit is not cut.
func TestStalledBodyIsCutOff(t *testing.T) {
	defer func(d time.Duration) { bodyTimeout = d }(bodyTimeout)
	bodyTimeout = 200 * time.Millisecond
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		var in req
		if err := DecodeJSON(r, &in); err != nil {
			WriteError(w, http.StatusBadRequest, err)
			return
		}
		if in.Name == "slow" {
			select { // longer than bodyTimeout, body already read
			case <-time.After(4 * bodyTimeout):
			case <-r.Context().Done():
				WriteError(w, http.StatusInternalServerError, r.Context().Err())
				return
			}
		}
		WriteJSON(w, http.StatusOK, in)
	})
	path := filepath.Join(testutil.RuntimeDir(t), "api.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, l, mux) }()
	defer func() { cancel(); <-done }()

	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second)) // a hang guard
	if _, err := io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: unix\r\nContent-Length: 100\r\n\r\n{\"na"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no reply to a stalled body (the handler still waits): %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "timeout") {
		t.Fatalf("stalled body: %d %s", resp.StatusCode, body)
	}

	hc := NewClient(path)
	defer hc.CloseIdleConnections()
	var out req
	if err := Do(context.Background(), hc, http.MethodPost, "/echo", req{Name: "slow"}, &out); err != nil || out.Name != "slow" {
		t.Fatalf("a slow request whose body was read: %+v %v", out, err)
	}
}

// probeQuickly makes the client probe a silent server within milliseconds.
func probeQuickly(t *testing.T) {
	t.Helper()
	after, timeout := probeAfter, probeTimeout
	probeAfter, probeTimeout = 20*time.Millisecond, 200*time.Millisecond
	t.Cleanup(func() { probeAfter, probeTimeout = after, timeout })
}

// A server that accepts connections and never answers (a wedged daemon,
// one stopped with its socket open) fails a request whose context has no
// deadline with ErrNoAnswer. Before, the client had no limit on the wait
// for the response's headers, and the request waited for ever.
func TestServerThatNeverAnswersIsGivenUpOn(t *testing.T) {
	probeQuickly(t)
	path := filepath.Join(testutil.RuntimeDir(t), "api.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c // held open, never read nor answered
		}
	}()
	defer func() {
		l.Close()
		for c := range accepted {
			c.Close()
		}
	}()
	c := NewClient(path)
	defer c.CloseIdleConnections()
	errc := make(chan error, 1)
	go func() { errc <- Do(context.Background(), c, http.MethodGet, "/v1/status", nil, nil) }()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrNoAnswer) || !strings.Contains(err.Error(), "no answer within") {
			t.Fatalf("err = %v, want ErrNoAnswer", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a request to a server that never answers still waits after 10 s")
	}
}

// A server that answers, however late, is waited for, and a response's
// body is never cut: a handler that takes many probe periods before its
// headers (a container's stop, a modem scenario) and a stream that sends
// its headers at once and then a line now and then (the event stream, a
// recording) both arrive whole.
func TestSlowAnswersAndStreamsAreNotCut(t *testing.T) {
	probeQuickly(t)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slow", func(w http.ResponseWriter, r *http.Request) {
		var in req
		if err := DecodeJSON(r, &in); err != nil {
			WriteError(w, http.StatusBadRequest, err)
			return
		}
		time.Sleep(20 * probeAfter)
		WriteJSON(w, http.StatusOK, in)
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for i := range 10 {
			if i > 0 {
				time.Sleep(2 * probeAfter)
			}
			io.WriteString(w, "line\n")
			if rc.Flush() != nil {
				return
			}
		}
	})
	c := serve(t, mux)
	var out req
	if err := Do(context.Background(), c, http.MethodPost, "/slow", req{Name: "stop"}, &out); err != nil || out.Name != "stop" {
		t.Fatalf("a slow answer: %+v %v", out, err)
	}
	resp, err := c.Get("http://unix/stream")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || strings.Count(string(body), "line\n") != 10 {
		t.Fatalf("the stream: %q, %v", body, err)
	}
}
