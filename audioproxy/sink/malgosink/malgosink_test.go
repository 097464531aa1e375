package malgosink

import (
	"strings"
	"sync/atomic"
	"testing"

	"droidplex/audioproxy/sink"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestNullBackendRendersInDeviceFormat opens miniaudio's null backend (the
// one malgo's own BackendNull constant fails to select) and checks that the
// callback receives periods of the configured size.
func TestNullBackendRendersInDeviceFormat(t *testing.T) {
	d, err := New("null", sink.Default, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var calls, badSize atomic.Int64
	reached := make(chan struct{})
	err = d.Start(func(out []byte, frames int) {
		if len(out) != frames*4 || frames != 240 {
			badSize.Add(1)
		}
		if calls.Add(1) == 5 {
			close(reached)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	<-reached
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	if badSize.Load() != 0 {
		t.Fatalf("%d callbacks had the wrong size", badSize.Load())
	}
	after := calls.Load()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != after {
		t.Fatal("callback after Stop")
	}
}

func TestUnknownBackend(t *testing.T) {
	if _, err := New("oss4", sink.Default, Options{}); err == nil || !strings.Contains(err.Error(), "unknown backend") {
		t.Fatalf("err = %v", err)
	}
}
