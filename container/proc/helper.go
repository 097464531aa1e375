package proc

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"droidplex/container/spec"
	"droidplex/internal/linux"
)

// helperEnv names the spec file the re-executed helper sets up.
const helperEnv = "DROIDPLEX_PROC_INIT"

// RunHelperIfRequested turns the process into a container's init when it
// was re-executed by Runtime.Start: it sets up the namespaces and execs the
// init, never returning. Otherwise it returns at once. Call it first thing
// in main (and in TestMain of tests that start proc containers).
func RunHelperIfRequested() {
	path := os.Getenv(helperEnv)
	if path == "" {
		return
	}
	status := os.NewFile(3, "status")
	err := helper(path)
	fmt.Fprintf(status, "%v", err)
	os.Exit(1)
}

func helper(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var s spec.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("read spec: %w", err)
	}
	if err := s.Validate(); err != nil {
		return err
	}
	if err := setupMounts(&s); err != nil {
		return err
	}
	if err := linux.CloseOnExec(3); err != nil {
		return err
	}
	env := slices.DeleteFunc(os.Environ(), func(e string) bool { return strings.HasPrefix(e, helperEnv+"=") })
	env = append(env, "DROIDPLEX_CONTAINER="+s.Name, "DROIDPLEX_DATA="+s.Data, "DROIDPLEX_SDCARD="+s.Sdcard)
	argv := append([]string{filepath.Join(s.RootFS, s.Init[0])}, s.Init[1:]...)
	if err := linux.Exec(argv, env); err != nil {
		return fmt.Errorf("exec %s: %w", argv[0], err)
	}
	return nil
}

// setupMounts runs in the new mount and pid namespaces.
func setupMounts(s *spec.Spec) error {
	// Nothing done here may propagate back to the host.
	if err := linux.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return err
	}
	if err := linux.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return err
	}
	if err := linux.Mount("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "mode=0755"); err != nil {
		return err
	}
	for _, d := range s.Devices {
		if err := os.MkdirAll(filepath.Dir(d.Path), 0o755); err != nil {
			return err
		}
		mode := uint32(unix.S_IFCHR)
		if d.Type == 'b' {
			mode = unix.S_IFBLK
		}
		if err := linux.Mknod(d.Path, mode|0o666, int(linux.Mkdev(d.Major, d.Minor))); err != nil {
			return err
		}
		if err := os.Chmod(d.Path, 0o666); err != nil { // mknod honours the umask
			return err
		}
	}
	for _, b := range [][2]string{{s.RunDir, "/dev/droidplex"}, {s.SocketDir, "/dev/socket"}} {
		if err := bind(b[0], b[1]); err != nil {
			return err
		}
	}
	// Hide the other containers' runtime directories (and the daemons'
	// sockets): only this container's is left, at its usual path too.
	if err := linux.Mount("tmpfs", filepath.Dir(s.RunDir), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=0755"); err != nil {
		return err
	}
	return bind("/dev/droidplex", s.RunDir)
}

func bind(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	if err := linux.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s: %w", src, err)
	}
	return nil
}
