// Package rilproxytest holds fakes for testing rilproxy and its users: a
// scripted modem (the upstream rild side) that records a transcript of what
// reached it and can delay and reorder its replies, and a simulated
// container client speaking the rild socket protocol.
package rilproxytest
