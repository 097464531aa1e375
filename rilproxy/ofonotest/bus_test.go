package ofonotest

import (
	"strings"
	"testing"
)

func TestBusConfig(t *testing.T) {
	in := `<busconfig><type>system</type><user>messagebus</user><fork/><pidfile>/run/dbus/pid</pidfile>
<syslog/><listen>unix:path=/run/dbus/system_bus_socket</listen><standard_system_servicedirs/>
<servicehelper>/usr/lib/dbus-1.0/dbus-daemon-launch-helper</servicehelper>
<includedir>system.d</includedir><includedir>/etc/dbus-1/system.d</includedir></busconfig>`
	got, err := busConfig(in, "/tmp/x/bus")
	if err != nil {
		t.Fatal(err)
	}
	want := `<busconfig><type>system</type><listen>unix:path=/tmp/x/bus</listen><includedir>/usr/share/dbus-1/system.d</includedir><includedir>/etc/dbus-1/system.d</includedir></busconfig>`
	if strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(want), "") {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := busConfig("<busconfig/>", "x"); err == nil {
		t.Error("config without <listen> accepted")
	}
}
