package spec

import (
	"fmt"
	"strings"
)

// Render returns the LXC config for s, or Validate's error. The output is
// deterministic: the same Spec always renders the same text.
func Render(s *Spec) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	kv := func(k string, v any) { fmt.Fprintf(&b, "lxc.%s = %v\n", k, v) }
	mount := func(src, dst, fstype, opts string) {
		kv("mount.entry", fmt.Sprintf("%s %s %s %s 0 0", src, strings.TrimPrefix(dst, "/"), fstype, opts))
	}
	fmt.Fprintf(&b, "# droidplex container %q; rendered by droidplexd, do not edit.\n", s.Name)
	kv("uts.name", s.Name)
	kv("rootfs.path", "dir:"+s.RootFS)
	kv("rootfs.options", "ro")
	kv("init.cmd", strings.Join(s.Init, " "))
	kv("signal.halt", "SIGTERM")
	kv("net.0.type", "empty")
	kv("net.0.flags", "up")
	kv("apparmor.profile", "unconfined")
	if s.Seccomp != "" {
		kv("seccomp.profile", s.Seccomp)
	}
	kv("no_new_privs", 1)
	if len(s.CapKeep) > 0 {
		kv("cap.keep", strings.Join(s.CapKeep, " "))
	}
	kv("autodev", 0)
	kv("tty.max", 0)
	kv("pty.max", 16)
	kv("console.path", "none")
	kv("mount.auto", "proc:mixed sys:mixed cgroup:mixed")

	b.WriteString("# /dev: a tmpfs holding only the allowed nodes\n")
	mount("tmpfs", "dev", "tmpfs", "nosuid,noexec,mode=0755")
	for _, d := range s.Devices {
		mount(d.Host, d.Path, "none", "bind,create=file")
	}
	mount("none", "dev/pts", "devpts", "newinstance,ptmxmode=0666,mode=0620,create=dir")
	b.WriteString("# proxy sockets: the runtime directory, bound as a directory\n")
	mount(s.RunDir, "dev/droidplex", "none", "bind,create=dir")
	mount(s.SocketDir, "dev/socket", "none", "bind,create=dir")

	b.WriteString("# storage\n")
	mount(s.Data, "data", "none", "bind,create=dir")
	if s.Sdcard != "" {
		mount(s.Sdcard, "sdcard", "none", "bind,create=dir")
	}
	if s.System != "" {
		mount("overlay", "system", "overlay",
			fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", s.System, s.Upper, s.Work))
	}
	mount("tmpfs", "tmp", "tmpfs", "nosuid,nodev,mode=1777")
	for _, m := range s.Mounts {
		opts := "bind,create=dir"
		if m.File {
			opts = "bind,create=file"
		}
		if m.ReadOnly {
			opts += ",ro"
		}
		mount(m.Source, m.Target, "none", opts)
	}

	b.WriteString("# limits (v1 keys apply on a hybrid host, v2 keys on a unified one)\n")
	if s.MemoryBytes > 0 {
		kv("cgroup.memory.limit_in_bytes", s.MemoryBytes)
		kv("cgroup2.memory.max", s.MemoryBytes)
	}
	if s.CPUShares > 0 {
		kv("cgroup.cpu.shares", s.CPUShares)
		kv("cgroup2.cpu.weight", CPUWeight(s.CPUShares))
	}
	if s.CPUs != "" {
		kv("cgroup.cpuset.cpus", s.CPUs)
		kv("cgroup2.cpuset.cpus", s.CPUs)
	}
	for _, v := range []string{"cgroup", "cgroup2"} {
		kv(v+".devices.deny", "a") // first: a later deny would wipe the allows
		for _, d := range s.Devices {
			kv(v+".devices.allow", fmt.Sprintf("%c %d:%d rwm", d.Type, d.Major, d.Minor))
		}
		kv(v+".devices.allow", "c 5:2 rwm")   // /dev/pts/ptmx
		kv(v+".devices.allow", "c 136:* rwm") // pts
	}
	if s.LogFile != "" {
		kv("log.file", s.LogFile)
		kv("log.level", "INFO")
	}
	return b.String(), nil
}
