package container

import (
	"path/filepath"

	"droidplex/container/config"
	"droidplex/container/spec"
)

// Paths are the host-side directories droidplexd keeps for one container.
type Paths struct {
	State  string // <state_dir>/<name>
	Upper  string // overlay upper of /system
	Work   string // overlay work dir
	Socket string // bound at /dev/socket; holds links into /dev/droidplex
	Binder string // binderfs mount point
	Run    string // <run_dir>/<name>: the proxies' sockets, bound at /dev/droidplex
}

// PathsFor returns the directories of container name under f's roots.
func PathsFor(f *config.File, name string) Paths {
	st := filepath.Join(f.StateDir, name)
	return Paths{
		State:  st,
		Upper:  filepath.Join(st, "upper"),
		Work:   filepath.Join(st, "work"),
		Socket: filepath.Join(st, "socket"),
		Binder: filepath.Join(st, "binderfs"),
		Run:    filepath.Join(f.RunDir, name),
	}
}

// SocketLinks are the well-known /dev/socket entries linked to the proxies'
// sockets in /dev/droidplex.
var SocketLinks = map[string]string{
	"rild":  "/dev/droidplex/rild",
	"audio": "/dev/droidplex/audio",
}

// BuildSpec turns a configured container plus the host facts gathered at
// start (its device nodes) into a Spec. It is pure.
func BuildSpec(f *config.File, c config.Container, devices []spec.Device) *spec.Spec {
	p := PathsFor(f, c.Name)
	s := &spec.Spec{
		Name:      c.Name,
		RootFS:    c.RootFS,
		Init:      append([]string(nil), c.Init...),
		Data:      c.Data,
		Sdcard:    c.Sdcard,
		RunDir:    p.Run,
		SocketDir: p.Socket,
		Devices:   devices,
		CPUShares: c.CPUShares,
		CPUs:      c.CPUs,
		Seccomp:   c.Seccomp,
		CapKeep:   append([]string(nil), c.Capabilities...),
		LogFile:   filepath.Join(p.State, "lxc.log"),
	}
	if c.System != "" {
		s.System, s.Upper, s.Work = c.System, p.Upper, p.Work
	}
	if c.Memory != "" {
		s.MemoryBytes, _ = config.ParseSize(c.Memory) // validated by config
	}
	for _, m := range c.Mounts {
		s.Mounts = append(s.Mounts, spec.Mount{Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
	}
	return s
}
