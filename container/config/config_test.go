package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestLoadGood(t *testing.T) {
	f, err := Load("testdata/good.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Containers) != 2 || f.StateDir != DefaultStateDir {
		t.Fatalf("got %+v", f)
	}
	p := f.Containers[0]
	if p.Name != "personal" || !p.Foreground || !p.TelephonyOwner || p.Init[0] != "/init" ||
		len(p.Mounts) != 1 || !p.Mounts[0].ReadOnly || len(p.Input) != 2 {
		t.Fatalf("personal = %+v", p)
	}
	if f.Foreground() != "personal" {
		t.Fatalf("foreground = %q", f.Foreground())
	}
	if w, ok := f.Lookup("work"); !ok || w.Memory != "1536M" {
		t.Fatalf("work = %+v %v", w, ok)
	}
}

const base = `[[container]]
name = "a"
rootfs = "/r"
data = "/d/a"
`

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       string // substring of the error, which starts with the line
	}{
		{"syntax", "name = \n", "line 1"},
		{"unknown top key", "colour = 1\n" + base, "line 1: colour: unknown key"},
		{"unknown container key", base + "memroy = \"1G\"\n", "line 5: container.memroy: unknown key"},
		{"no containers", "run_dir = \"/run/x\"\n", "container: no [[container]] tables"},
		{"missing name", "[[container]]\nrootfs = \"/r\"\ndata = \"/d\"\n", "line 1: container[0].name: is required"},
		{"bad name", strings.Replace(base, `"a"`, `"A b"`, 1), "line 2: container[0].name: \"A b\" must be lowercase"},
		{"long name", strings.Replace(base, `"a"`, `"`+strings.Repeat("x", 40)+`"`, 1), "line 2: container[0].name: \"xxxx"},
		{"relative rootfs", strings.Replace(base, `"/r"`, `"r"`, 1), "line 3: container[0].rootfs: \"r\" is not an absolute path"},
		{"unclean data", strings.Replace(base, `"/d/a"`, `"/d/../a"`, 1), "line 4: container[0].data: \"/d/../a\" is not a clean path"},
		{"missing data", "[[container]]\nname = \"a\"\nrootfs = \"/r\"\n", "line 1: container[0].data: is required"},
		{"bad memory", base + "memory = \"lots\"\n", "line 5: container[0].memory: \"lots\" is not a size"},
		{"tiny memory", base + "memory = \"1M\"\n", "line 5: container[0].memory: \"1M\" is below"},
		{"memory wrong type", base + "memory = 12\n", "line 5"},
		{"cpu shares", base + "cpu_shares = 1\n", "line 5: container[0].cpu_shares: 1 is outside"},
		{"cpus", base + "cpus = \"0-\"\n", "line 5: container[0].cpus: \"0-\" is not a cpu list"},
		{"capability", base + "capabilities = [\"sys_admin\", \"CAP_KILL\"]\n", "line 5: container[0].capabilities: \"CAP_KILL\" is not a capability name"},
		{"relative seccomp", base + "seccomp = \"android.seccomp\"\n", "line 5: container[0].seccomp: \"android.seccomp\" is not an absolute path"},
		{"relative input", base + "input = [\"event3\"]\n", "line 5: container[0].input: \"event3\" is not an absolute path"},
		{"device outside dev", base + "devices = [\"/tmp/x\"]\n", "line 5: container[0].devices: \"/tmp/x\" is not under /dev"},
		{"duplicate", base + base, "line 6: container[1].name: \"a\" is already used by container[0]"},
		{"two foreground", strings.Replace(base, "\n", "\nautostart = true\nforeground = true\n", 1) +
			strings.Replace(strings.Replace(base, `"a"`, `"b"`, 1), "\n", "\nautostart = true\nforeground = true\n", 1),
			"line 9: container[1].foreground: only one container"},
		{"foreground without autostart", base + "foreground = true\n", "line 5: container[0].foreground: the foreground container \"a\" must also set autostart"},
		{"two telephony owners", base + "telephony_owner = true\n" + strings.Replace(base, `"a"`, `"b"`, 1) + "telephony_owner = true\n",
			"line 10: container[1].telephony_owner: only one"},
		{"mount target missing", base + "[[container.mount]]\nsource = \"/s\"\n", "line 5: container[0].mount[0].target: is required"},
		{"mount over root", base + "[[container.mount]]\nsource = \"/s\"\ntarget = \"/\"\n", "line 7: container[0].mount[0].target: cannot mount over"},
		{"second container mount", base + strings.Replace(base, `"a"`, `"b"`, 1) + "[[container.mount]]\nsource = \"s\"\ntarget = \"/t\"\n",
			"line 10: container[1].mount[0].source: \"s\" is not an absolute path"},
		{"relative run_dir", "run_dir = \"run\"\n" + base, "line 1: run_dir: \"run\" is not an absolute path"},
		{"root state_dir", "state_dir = \"/\"\n" + base, "line 1: state_dir: cannot be the root directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text))
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.text)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			if !errors.Is(err, ErrInvalid) && !strings.HasPrefix(tc.want, "line 1") {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T is not a *config.Error", err)
				}
			}
		})
	}
}

func TestSeveralErrorsAllReported(t *testing.T) {
	_, err := Parse([]byte(base + "memory = \"x\"\ncpus = \"?\"\n"))
	var es Errors
	if !errors.As(err, &es) || len(es) != 2 || es[0].Line != 5 || es[1].Line != 6 {
		t.Fatalf("err = %#v", err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatal("Errors does not match ErrInvalid")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "2K": 2048, "3m": 3 << 20, "2G": 2 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "G", "-1M", "0", "1T", "99999999999999999G"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte(base + "[[container.mount]]\nsource = \"/s\"\ntarget = \"/\"\n[[container]]\n"))
	f.Add([]byte("[[container.mount]]\n[a.b]\nx=1\n[[container]]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		f, err := Parse(b)
		if err == nil && len(f.Containers) == 0 {
			t.Fatal("accepted a file without containers")
		}
	})
}

func ExampleParse() {
	_, err := Parse([]byte(`[[container]]
name = "work"
rootfs = "/srv/android/rootfs"
data = "/srv/work/data"
memory = "lots"
`))
	fmt.Println(err)
	// Output: line 5: container[0].memory: "lots" is not a size such as "512M" or "2G"
}
