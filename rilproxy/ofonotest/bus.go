package ofonotest

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// SystemBusConfig is the policy file a private bus copies.
const SystemBusConfig = "/usr/share/dbus-1/system.conf"

// busConfig turns the system bus configuration into one for a private bus
// listening on socket: no fork, user switch, pid file, syslog or service
// activation, and the relative policy include made absolute so that
// /usr/share/dbus-1/system.d (and /etc/dbus-1/system.d, which holds
// ofono.conf) still apply.
func busConfig(system, socket string) (string, error) {
	if !strings.Contains(system, "<listen>") {
		return "", fmt.Errorf("bus config: no <listen> element in %s", SystemBusConfig)
	}
	out := regexp.MustCompile(`<listen>.*</listen>`).ReplaceAllLiteralString(system, "<listen>unix:path="+socket+"</listen>")
	for _, drop := range []string{`<user>.*</user>`, `<fork/>`, `<pidfile>.*</pidfile>`, `<syslog/>`,
		`<servicehelper>.*</servicehelper>`, `<standard_system_servicedirs/>`} {
		out = regexp.MustCompile(drop).ReplaceAllLiteralString(out, "")
	}
	out = strings.ReplaceAll(out, "<includedir>system.d</includedir>", "<includedir>/usr/share/dbus-1/system.d</includedir>")
	return out, nil
}

func writeBusConfig(path, socket string) error {
	sys, err := os.ReadFile(SystemBusConfig)
	if err != nil {
		return fmt.Errorf("bus config: %w", err)
	}
	cfg, err := busConfig(string(sys), socket)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(cfg), 0o644)
}

// nsScript runs in a new mount namespace (unshare -m --propagation private)
// and execs ofonod there. Paths come from the environment.
const nsScript = `set -e
mkdir -p "$DPX_RUN/hostdev"
mount --rbind /dev "$DPX_RUN/hostdev"
mount -t tmpfs -o mode=755 tmpfs /dev
for n in null zero full random urandom tty; do
  touch /dev/$n
  mount --bind "$DPX_RUN/hostdev/$n" /dev/$n
done
mkdir -p /dev/socket /dev/pts /dev/shm
mount --bind "$DPX_SOCKDIR" /dev/socket
umount -l "$DPX_RUN/hostdev"
mkdir -p /var/lib/ofono
mount -t tmpfs tmpfs /var/lib/ofono
if [ -n "$DPX_OFONO_DEBUG" ]; then exec "$DPX_OFONOD" -n -p 'ril*' -d '*'; fi
exec "$DPX_OFONOD" -n -p 'ril*'
`
