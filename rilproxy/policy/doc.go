// Package policy is rilproxy's pure decision layer: the one reviewed table
// that says, for every request id and every unsolicited id of the
// android-7.1.2 rild protocol, what the multiplexer does with it, and the
// pure functions behind the stateful policies (radio power as the OR of the
// containers' wishes, the foreground container's screen state, call
// ownership and per-container call lists, ring and SMS targets).
//
// Nothing here does I/O, keeps time or logs; the live multiplexer in package
// rilproxy feeds it decoded payloads and acts on its answers. The table is
// rendered to docs/telephony-policy.md by `go generate` (gen_doc.go), and a
// test fails when that document is stale.
//
//go:generate go run gen_doc.go
package policy
