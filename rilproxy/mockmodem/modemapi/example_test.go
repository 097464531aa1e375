package modemapi_test

import (
	"context"
	"fmt"

	"droidplex/rilproxy/mockmodem/modemapi"
)

// Script a call and an SMS from a test or a tool, against
// `rilproxyd --modem=mock`.
func Example() {
	api := modemapi.NewClient("/run/droidplex/modem.sock")
	ctx := context.Background()
	if _, err := api.CallIn(ctx, "+15551234"); err != nil {
		fmt.Println(err)
		return
	}
	if err := api.SMSIn(ctx, "+15551234", "running late"); err != nil {
		fmt.Println(err)
		return
	}
	st, err := api.Status(ctx)
	fmt.Println(len(st.Calls), st.SMSWaiting, err)
}
