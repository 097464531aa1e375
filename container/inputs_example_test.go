package container_test

import (
	"fmt"

	"droidplex/container"
)

// An input clone's host node becomes the container's node of the same name
// under /dev/input; a node inputproxyd could not have made is refused.
func ExampleInputDevice() {
	d, err := container.InputDevice("/dev/input/event7", 13, 71)
	fmt.Println(d.Path, string(d.Type), d.Major, d.Minor, err)
	_, err = container.InputDevice("/dev/input/../../etc/shadow", 13, 1)
	fmt.Println(err)
	// Output:
	// /dev/input/event7 c 13 71 <nil>
	// invalid input node: "/dev/input/../../etc/shadow" (13:1)
}
