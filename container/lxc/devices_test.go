package lxc

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"droidplex/container/spec"
)

// recorder is a fake deviceCgroup and nodes writing one line per call.
type recorder struct {
	lines    []string
	failMake error
	failDeny error
}

func (r *recorder) Allow(rule string) error { r.lines = append(r.lines, "allow "+rule); return nil }
func (r *recorder) Deny(rule string) error {
	r.lines = append(r.lines, "deny "+rule)
	return r.failDeny
}
func (r *recorder) Make(d spec.Device) error {
	r.lines = append(r.lines, fmt.Sprintf("mknod %s", d.Path))
	return r.failMake
}
func (r *recorder) Remove(d spec.Device) error {
	r.lines = append(r.lines, fmt.Sprintf("rm %s", d.Path))
	return nil
}

func TestAddAndRemoveDeviceOrder(t *testing.T) {
	d := spec.Device{Path: "/dev/input/event7", Type: 'c', Major: 13, Minor: 71}
	for _, tt := range []struct {
		name   string
		rec    recorder
		add    bool
		want   []string
		failed bool
	}{
		{"add", recorder{}, true, []string{"allow c 13:71 rwm", "mknod /dev/input/event7"}, false},
		{"add fails: denied again", recorder{failMake: errors.New("EEXIST")}, true,
			[]string{"allow c 13:71 rwm", "mknod /dev/input/event7", "deny c 13:71 rwm"}, true},
		{"remove: denied first", recorder{}, false, []string{"deny c 13:71 rwm", "rm /dev/input/event7"}, false},
		{"remove: node removed even if the deny fails", recorder{failDeny: errors.New("EINVAL")}, false,
			[]string{"deny c 13:71 rwm", "rm /dev/input/event7"}, true},
	} {
		var err error
		if tt.add {
			err = addDevice(&tt.rec, &tt.rec, d)
		} else {
			err = removeDevice(&tt.rec, &tt.rec, d)
		}
		if (err != nil) != tt.failed || !slices.Equal(tt.rec.lines, tt.want) {
			t.Errorf("%s: %v\n got  %q\n want %q", tt.name, err, tt.rec.lines, tt.want)
		}
	}
}

func TestV1DevicesDir(t *testing.T) {
	hybrid := `31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`
	unified := "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
	cg := "9:name=systemd:/\n5:devices:/lxc.payload.a\n4:memory:/lxc.payload.a\n0::/lxc.payload.a\n"
	for _, tt := range []struct{ mi, cg, want string }{
		{hybrid, cg, "/sys/fs/cgroup/devices/lxc.payload.a"},
		{hybrid, "5:devices:/lxc.payload.a/../../etc\n", "/sys/fs/cgroup/devices/etc"}, // cleaned: stays in the hierarchy
		{hybrid, "5:devices:relative\n", ""},
		{unified, cg, ""},
		{"garbage", "garbage", ""},
	} {
		if got := v1DevicesDir([]byte(tt.mi), []byte(tt.cg)); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.cg, got, tt.want)
		}
	}
}
