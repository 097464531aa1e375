package rilproxy

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

func dbusPath(s string) dbus.ObjectPath { return dbus.ObjectPath(s) }

func fmtAny(v any) string { return fmt.Sprint(v) }
