package testutil

import (
	"os"
	"strings"
	"testing"
)

func TestStrict(t *testing.T) {
	for _, c := range []struct {
		ci, strict string
		want       bool
	}{
		{"", "", false}, {"true", "", true}, {"", "1", true}, {"true", "0", false}, {"false", "", false},
	} {
		t.Setenv("CI", c.ci)
		t.Setenv("DROIDPLEX_STRICT", c.strict)
		if got := Strict(); got != c.want {
			t.Errorf("CI=%q DROIDPLEX_STRICT=%q: Strict() = %v", c.ci, c.strict, got)
		}
	}
}

func TestRuntimeDirIsShort(t *testing.T) {
	d := RuntimeDir(t)
	if len(d) > 60 || !strings.HasPrefix(d, "/tmp/dpx-") {
		t.Fatalf("runtime dir %q", d)
	}
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		t.Fatal(err)
	}
}

func TestOpenFdsSeesNewDescriptor(t *testing.T) {
	before := openFds()
	f, err := os.Open("/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := before[int(f.Fd())]; ok {
		t.Fatal("descriptor already open before")
	}
	if got := openFds()[int(f.Fd())]; got != "/dev/null" {
		t.Fatalf("openFds()[%d] = %q", f.Fd(), got)
	}
	f.Close()
}

func TestMain(m *testing.M) { Main(m) }
