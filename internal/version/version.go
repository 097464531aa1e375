// Package version reports which droidplex build is running.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is set at link time (-ldflags "-X droidplex/internal/version.Version=...").
var Version = "0.1.0-dev"

// String describes the build: version, VCS revision when known, Go version.
func String() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	return fmt.Sprintf("droidplex %s%s (%s)", Version, rev, runtime.Version())
}
