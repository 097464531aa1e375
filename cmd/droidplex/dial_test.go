package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
)

// A command whose daemon is not running says so and names the socket; any
// other error is left as it is.
func TestDaemonNotRunningIsExplained(t *testing.T) {
	sock := filepath.Join(testutil.RuntimeDir(t), "nobody.sock")
	err := ctlhttp.Do(t.Context(), ctlhttp.NewClient(sock), "GET", "/v1/status", nil, nil)
	if err == nil {
		t.Fatal("a request to no daemon succeeded")
	}
	if got := explainDial(err).Error(); !strings.Contains(got, "nothing is serving "+sock+": is the daemon running?") {
		t.Errorf("explained as %q", got)
	}
	other := errors.New("unknown container")
	if explainDial(other) != other {
		t.Error("an error that is not a dial failure was rewritten")
	}
}
