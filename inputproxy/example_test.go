package inputproxy_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/inputproxy/route"
)

// A keyboard routed to two containers: a key held while the foreground
// switches is released in the old container, and the rest goes to the new
// one.
func ExampleRouter() {
	b := inputproxytest.NewBackend()
	defer b.Close()
	kbd := b.Plug("/dev/input/event0", inputproxytest.Keyboard("kbd"))
	r := inputproxy.NewRouter(b, inputproxy.RouterConfig{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	_ = r.AddContainer("personal")
	_ = r.AddContainer("work")
	r.SetForeground("personal")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()

	t := exampleT{}
	b.WaitFor(t, `clone work: "kbd"`)
	kbd.Send(route.Event{Type: route.EvKey, Code: 30, Value: 1}, route.Syn) // KEY_A down
	b.WaitFor(t, "personal/kbd: KEY_A 1")
	r.SetForeground("work")
	kbd.Send(route.Event{Type: route.EvKey, Code: 30, Value: 0}, route.Syn) // KEY_A up
	b.WaitFor(t, "work/kbd: KEY_A 0")
	cancel()
	<-done
	fmt.Print(b.Transcript("/kbd: "))
	// Output:
	// personal/kbd: KEY_A 1, SYN_REPORT 0
	// personal/kbd: KEY_A 0, SYN_REPORT 0
	// work/kbd: KEY_A 0, SYN_REPORT 0
}

type exampleT struct{}

func (exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
