// Package inputproxy routes the real touchscreen and keys to the foreground
// container only.
//
// A Router grabs each real device (a Source), creates for every container a
// clone of it (a Sink: a uinput device with the same name, ids,
// capabilities, axis ranges and properties), and writes the real device's
// frames to the foreground container's clone. Before the foreground
// changes, the old clone is sent the release of every key and contact still
// down. Automation injects taps, swipes, keys and text into a chosen
// container's clones. When a device is plugged in or out while containers
// run, droidplexd is told which clone nodes each container gained or lost
// (POST /v1/containers/{name}/input), so it can change the running
// container's /dev/input; a failed container keeps its clones while
// droidplexd restarts it, and only a stopped one loses them.
//
// Each real device has one pump goroutine that owns its routing state
// (route.Device) and its clones; control operations run on the pump as
// closures, so the event path takes no lock and does not allocate.
// The OS edge is the Backend interface: package inputproxy/evdev implements
// it over /dev/input and /dev/uinput, package inputproxytest fakes it on
// pipes with recorded transcripts.
package inputproxy
