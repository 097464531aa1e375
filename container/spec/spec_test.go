package spec

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

var update = flag.Bool("update", false, "rewrite the golden files")

func minimal() *Spec {
	return &Spec{
		Name:      "work",
		RootFS:    "/srv/android/rootfs",
		Init:      []string{"/init"},
		Data:      "/srv/work/data",
		RunDir:    "/run/droidplex/work",
		SocketDir: "/var/lib/droidplex/containers/work/socket",
	}
}

func full() *Spec {
	s := minimal()
	s.Name = "personal"
	s.Init = []string{"/init", "second_stage"}
	s.System = "/srv/android/system"
	s.Upper = "/var/lib/droidplex/containers/personal/upper"
	s.Work = "/var/lib/droidplex/containers/personal/work"
	s.Data = "/srv/personal/data"
	s.Sdcard = "/srv/personal/sdcard"
	s.RunDir = "/run/droidplex/personal"
	s.SocketDir = "/var/lib/droidplex/containers/personal/socket"
	s.Devices = append(append([]Device{}, StandardDevices[:2]...),
		Device{Host: "/dev/input/event20", Path: "/dev/input/event0", Type: 'c', Major: 13, Minor: 84},
		Device{Host: "/var/lib/droidplex/containers/personal/binderfs/binder", Path: "/dev/binder", Type: 'c', Major: 240, Minor: 1})
	s.MemoryBytes = 2 << 30
	s.CPUShares = 1024
	s.CPUs = "0-1"
	s.Mounts = []Mount{{Source: "/srv/media", Target: "/mnt/media", ReadOnly: true},
		{Source: "/srv/personal/device.prop", Target: "/vendor/device.prop", File: true}}
	s.Seccomp = "/etc/droidplex/android.seccomp"
	s.CapKeep = []string{"sys_admin", "setuid", "setgid", "chown"}
	s.LogFile = "/var/log/droidplex/personal.log"
	return s
}

func TestRenderGolden(t *testing.T) {
	for name, s := range map[string]*Spec{"minimal": minimal(), "full": full()} {
		t.Run(name, func(t *testing.T) {
			got, err := Render(s)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".conf")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Fatalf("render differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	for name, mod := range map[string]func(*Spec){
		"empty name":        func(s *Spec) { s.Name = "" },
		"name with slash":   func(s *Spec) { s.Name = "a/b" },
		"relative rootfs":   func(s *Spec) { s.RootFS = "rootfs" },
		"newline in data":   func(s *Spec) { s.Data = "/d\nlxc.init.cmd = /bin/sh" },
		"space in run dir":  func(s *Spec) { s.RunDir = "/run/a b" },
		"no init":           func(s *Spec) { s.Init = nil },
		"init arg space":    func(s *Spec) { s.Init = []string{"/init", "a b"} },
		"system w/o upper":  func(s *Spec) { s.System = "/sys-image" },
		"device not in dev": func(s *Spec) { s.Devices = []Device{{Host: "/dev/null", Path: "/null", Type: 'c'}} },
		"device bad type":   func(s *Spec) { s.Devices = []Device{{Host: "/dev/null", Path: "/dev/null", Type: 'x'}} },
		"mount over root":   func(s *Spec) { s.Mounts = []Mount{{Source: "/a", Target: "/"}} },
		"unclean mount":     func(s *Spec) { s.Mounts = []Mount{{Source: "/a/../b", Target: "/b"}} },
		"negative memory":   func(s *Spec) { s.MemoryBytes = -1 },
		"bad cpus":          func(s *Spec) { s.CPUs = "all" },
		"bad capability":    func(s *Spec) { s.CapKeep = []string{"sys_admin\nlxc.x"} },
	} {
		s := minimal()
		mod(s)
		if _, err := Render(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func TestCPUWeight(t *testing.T) {
	for shares, want := range map[int]int{0: 1, 2: 1, 1024: 39, 262144: 10000, 1 << 30: 10000} {
		if got := CPUWeight(shares); got != want {
			t.Errorf("CPUWeight(%d) = %d, want %d", shares, got, want)
		}
	}
}

// FuzzRender checks that no spec, however odd, renders a line that is not an
// lxc key or a comment (no config injection), and that rendering never panics.
func FuzzRender(f *testing.F) {
	f.Add("work", "/srv/data", "/init", "/dev/input/event0", "/mnt/x")
	f.Add("a", "/d\nlxc.x = 1", "/init", "/dev/x", "/")
	f.Fuzz(func(t *testing.T, name, data, init, dev, target string) {
		s := minimal()
		s.Name, s.Data, s.Init = name, data, []string{init}
		s.Devices = []Device{{Host: dev, Path: dev, Type: 'c'}}
		s.Mounts = []Mount{{Source: data, Target: target}}
		out, err := Render(s)
		if err != nil {
			return
		}
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if !strings.HasPrefix(l, "lxc.") && !strings.HasPrefix(l, "#") {
				t.Fatalf("rendered a foreign line %q", l)
			}
		}
	})
}

func ExampleRender() {
	out, _ := Render(&Spec{
		Name: "work", RootFS: "/srv/rootfs", Init: []string{"/init"},
		Data: "/srv/work/data", RunDir: "/run/droidplex/work", SocketDir: "/srv/work/socket",
	})
	fmt.Println(strings.Split(out, "\n")[2])
	// Output: lxc.rootfs.path = dir:/srv/rootfs
}
