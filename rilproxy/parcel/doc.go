// Package parcel is the wire codec of the legacy Android rild socket: the
// record framing (a 4-byte big-endian length, then the body), the Android
// Parcel encoding inside the body (little-endian int32 and int64, UTF-16
// strings, arrays, padding), the request/response/unsolicited headers, the
// full id table of android-7.1.2_r39, and typed views of the payloads listed
// in docs reference ril.md §2.
//
// Encoders append to a caller's slice and never fail. Decoders never panic:
// every length is checked against the bytes that are actually there, so a
// lying count or a truncated payload is an error, never an allocation of the
// size the peer claims. See reference/ril.md for the protocol facts.
//
//go:generate go run gen_ids.go
package parcel
