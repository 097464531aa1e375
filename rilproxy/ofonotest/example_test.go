package ofonotest_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"droidplex/rilproxy/ofonotest"
)

// Start an oFono on the rild socket in a directory, bring the modem
// online, place a call and wait for oFono to see it answered.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A rild server (the mock modem, or the multiplexer) listens on
	// /run/droidplex/personal/rild.
	o, err := ofonotest.Start(ctx, ofonotest.Options{Name: "personal", SocketDir: "/run/droidplex/personal", Output: os.Stderr})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer o.Stop()
	if err := o.WaitPowered(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := o.SetOnline(ctx, true); err != nil {
		fmt.Println(err)
		return
	}
	call, err := o.Dial(ctx, "+15551234567")
	if err == nil {
		err = o.WaitCallState(ctx, call, "active")
	}
	fmt.Println(call, err, o.Pid() > 0)
}
