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
