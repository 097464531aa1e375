// Package route is inputproxy's pure routing core: it decodes and encodes
// kernel input_event records, tracks the key and multitouch-slot state of a
// device, assembles SYN_REPORT frames, detects the foreground-switch key
// chord (and swallows it), synthesizes the release of everything still down
// before a switch, resynchronizes after SYN_DROPPED the way libevdev does,
// and builds injected gestures (tap, swipe, key, text).
//
// Nothing here does I/O, logs or allocates per event: a Device works on
// fixed-size state and caller-owned buffers, so the live router can run it
// on every event read from a real device.
package route
