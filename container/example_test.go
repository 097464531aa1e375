package container_test

import (
	"context"
	"fmt"

	"droidplex/container"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/events"
)

// Example shows the boot flow over the recording fakes: the first Ensure
// creates and starts, a later one (after a stop) only starts.
func Example() {
	f, _ := config.Parse([]byte(`[[container]]
name = "work"
rootfs = "/srv/android/rootfs"
data = "/srv/work/data"
autostart = true
`))
	tr := &containertest.Transcript{}
	m := container.New(container.Config{File: f, Runtime: containertest.NewRuntime(tr),
		Host: containertest.NewHost(tr), Events: events.NewHub()})
	defer m.Close()
	ctx := context.Background()
	first, _ := m.Ensure(ctx, "work")
	_ = m.Stop(ctx, "work")
	second, _ := m.Ensure(ctx, "work")
	fmt.Println("first boot created:", first.Created, first.State)
	fmt.Println("second boot created:", second.Created, second.State)
	_ = m.StopAll(ctx)
	// Output:
	// first boot created: true running
	// second boot created: false running
}
