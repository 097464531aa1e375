package inputproxy_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/route"
	"droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
)

// Regression tests for bugs found in review; each failed before its fix.

// POST .../text had no length limit: a 1 MiB body (the API's limit) made
// inputproxyd build every key frame up front, twice (about 650 MB each
// time), then write millions of frames. A text longer than route.MaxText
// is a bad request, refused before any frame is built.
func TestHugeTextIsRefused(t *testing.T) {
	b := inputproxytest.NewBackend()
	defer b.Close()
	c := daemon(t, inputproxy.Config{APISocket: filepath.Join(testutil.RuntimeDir(t), "in.sock"), Containers: []string{"a"},
		Virtual: true, VirtualSize: "100x200", Backend: inputproxy.NewRecorder(b)})
	var se *ctlhttp.StatusError
	err := ctlhttp.Do(context.Background(), c, "POST", "/v1/containers/a/text", wire.Text{Text: strings.Repeat("a", 64<<10)}, nil)
	if !errors.As(err, &se) || se.Code != http.StatusBadRequest {
		t.Fatalf("64 KiB of text: %v, want HTTP 400", err)
	}
	if got := logOf(t, c, "a"); got != "" {
		t.Fatalf("the refused text was typed:\n%.200s", got)
	}
	if err := ctlhttp.Do(context.Background(), c, "POST", "/v1/containers/a/text", wire.Text{Text: strings.Repeat("a", route.MaxText)}, nil); err != nil {
		t.Fatalf("%d characters: %v", route.MaxText, err)
	}
	if _, err := route.Text(strings.Repeat("a", route.MaxText+1)); err == nil {
		t.Fatalf("route.Text took %d characters", route.MaxText+1)
	}
}
