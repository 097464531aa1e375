// Package evdev is inputproxy's real Backend: it opens and grabs devices
// under /dev/input, creates their clones through /dev/uinput (name, ids,
// capabilities, axis ranges with resolution, and input properties, which
// go-evdev's CreateDevice cannot set), and follows hot-plug with inotify.
//
// Reads go through the runtime poller into the caller's buffer, so routing
// an event allocates nothing (go-evdev's ReadOne and ReadSlice allocate on
// every call). All system calls are in droidplex/internal/linux.
package evdev
