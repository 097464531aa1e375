package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/internal/testutil"
)

// TestInputCommands runs inputproxyd's Run in-process (clones recording,
// virtual touchscreen and keyboard) and drives it with `droidplex input`.
func TestInputCommands(t *testing.T) {
	sock := filepath.Join(testutil.RuntimeDir(t), "in.sock")
	b := inputproxytest.NewBackend()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	daemon(t, ctx, func(ctx context.Context) error {
		return inputproxy.Run(ctx, inputproxy.Config{APISocket: sock, Containers: []string{"personal", "work"},
			Foreground: "personal", Virtual: true, VirtualSize: "1080x2400",
			Backend: inputproxy.NewRecorder(b)}, testutil.Logger(t))
	})
	run := cli(ctx, newInputCmd, sock)
	waitUntil(t, ctx, "inputproxyd coming up", func() bool {
		out, err := run("status")
		return err == nil && strings.Contains(out, "virtual:touchscreen")
	})
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"tap", "540", "1200", "--container", "work"}, ""},
		{[]string{"swipe", "0", "0", "100", "100", "--duration", "30ms", "--container", "work"}, ""},
		{[]string{"key", "back", "--container", "work"}, ""},
		{[]string{"text", "Hi!", "--container", "work"}, ""},
		{[]string{"tap", "1", "1"}, "--container is required"},
		{[]string{"tap", "x", "1", "--container", "work"}, `coordinate "x"`},
		{[]string{"tap", "9999", "1", "--container", "work"}, "out of the touchscreen's range"},
		{[]string{"key", "nokey", "--container", "work"}, "unknown key"},
		{[]string{"tap", "1", "1", "--container", "ghost"}, "unknown container"},
		{[]string{"tap", "1", "1", "--container", "work/tap"}, "unknown container"}, // one path segment, escaped
	} {
		_, err := run(tt.args...)
		if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%v: error %v, want %q", tt.args, err, tt.err)
		}
	}
	out, err := run("log", "--container", "work")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ABS_MT_POSITION_X 540, ABS_MT_POSITION_Y 1200", "KEY_BACK 1", "KEY_1 1", "ABS_MT_POSITION_X 100"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if out, _ := run("log", "--container", "personal"); out != "" {
		t.Errorf("injection into work reached personal:\n%s", out)
	}
	if out, _ := run("status"); !strings.Contains(out, `foreground "personal"`) || !strings.Contains(out, "work         (recording clone") {
		t.Errorf("status:\n%s", out)
	}
	if out, err := run("foreground", "work"); err != nil || out != "foreground \"work\"\n" {
		t.Errorf("foreground: %q, %v", out, err)
	}
}
