package peercheck_test

import (
	"fmt"

	"droidplex/internal/peercheck"
)

func ExampleDecide() {
	mode, _ := peercheck.ParseMode("auto")
	// personal's client on work's socket, droidplexd knowing both.
	d := peercheck.Decide(mode, peercheck.Facts{ContainerNS: 4026532200, PeerNS: 4026532100})
	fmt.Println(d.Accept, d.Reason)
	// No droidplexd: the proxies keep working on their defaults.
	d = peercheck.Decide(mode, peercheck.Facts{PeerNS: 4026532100})
	fmt.Println(d.Accept, d.Reason)
	// Output:
	// false peer in another pid namespace
	// true container's pid namespace unknown; accepted unchecked
}
