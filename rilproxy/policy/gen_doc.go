//go:build ignore

// gen_doc writes docs/telephony-policy.md from the policy table. Run it with
// `go generate ./rilproxy/policy`; TestDocIsCurrent fails when it is stale.
package main

import (
	"log"
	"os"

	"droidplex/rilproxy/policy"
)

func main() {
	if err := os.WriteFile("../../"+policy.DocPath, policy.Markdown(), 0o644); err != nil {
		log.Fatal(err)
	}
}
