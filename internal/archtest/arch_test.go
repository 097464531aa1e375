package archtest

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

type pkg struct {
	ImportPath string
	Dir        string
	Imports    []string
	GoFiles    []string
	CgoFiles   []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "droidplex/...")
	cmd.Dir = testutil.Path(t, ".")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func isStd(imp string) bool {
	return !strings.Contains(strings.Split(imp, "/")[0], ".") && !strings.HasPrefix(imp, "droidplex")
}

// rule says which imports a group of packages may have.
type rule struct {
	name    string
	applies func(path string) bool
	allowed func(imp string) bool
}

var rules = []rule{
	{
		name:    "shims import only wire packages (and the socket/syscall helpers they need)",
		applies: func(p string) bool { return strings.HasPrefix(p, "droidplex/hal-shims/") },
		allowed: func(imp string) bool {
			return isStd(imp) || strings.HasSuffix(imp, "/wire") || imp == "golang.org/x/sys/unix" ||
				imp == "droidplex/internal/linux" || imp == "droidplex/internal/unixsock"
		},
	},
	{
		name:    "wire packages import only the standard library and other wire packages",
		applies: func(p string) bool { return strings.HasSuffix(p, "/wire") },
		allowed: func(imp string) bool {
			return isStd(imp) || strings.HasSuffix(imp, "/wire") || imp == "golang.org/x/sys/unix"
		},
	},
	{
		name:    "only container/lxc imports go-lxc",
		applies: func(p string) bool { return !strings.HasPrefix(p, "droidplex/container/lxc") },
		allowed: func(imp string) bool { return !strings.HasPrefix(imp, "github.com/lxc/go-lxc") },
	},
	{
		name:    "only the audio sink packages import malgo",
		applies: func(p string) bool { return !strings.HasPrefix(p, "droidplex/audioproxy/sink") },
		allowed: func(imp string) bool { return imp != "github.com/gen2brain/malgo" },
	},
	{
		name:    "nothing imports a command",
		applies: func(string) bool { return true },
		allowed: func(imp string) bool { return !strings.HasPrefix(imp, "droidplex/cmd/") },
	},
}

func TestImportRules(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, r := range rules {
			if !r.applies(p.ImportPath) {
				continue
			}
			for _, imp := range p.Imports {
				if !r.allowed(imp) {
					t.Errorf("%s imports %s: breaks %q (docs/architecture.md)", p.ImportPath, imp, r.name)
				}
			}
		}
	}
}

// Every package has exactly one package doc comment.
func TestOnePackageDoc(t *testing.T) {
	for _, p := range listPackages(t) {
		if len(p.GoFiles)+len(p.CgoFiles) == 0 {
			continue // only tests (cmd/cmd_test.go): their doc is their own
		}
		var docs []string
		for _, f := range append(p.GoFiles, p.CgoFiles...) {
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "" {
				docs = append(docs, f)
			}
		}
		if len(docs) != 1 {
			t.Errorf("%s has %d package doc comments %v, want 1", p.ImportPath, len(docs), docs)
		}
	}
}
