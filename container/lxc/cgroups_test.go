package lxc

import (
	"slices"
	"testing"
)

func TestCgroupRoots(t *testing.T) {
	mi := `24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw
30 29 0:26 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw
31 29 0:27 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
garbage line
32 29 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
`
	got := cgroupRoots([]byte(mi))
	want := []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu,cpuacct"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
}
