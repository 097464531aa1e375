package ctlhttp

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

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
