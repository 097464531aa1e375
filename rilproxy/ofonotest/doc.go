// Package ofonotest runs real oFono daemons (Debian's ofonod with the
// rilmodem driver) against rild sockets, for end-to-end telephony tests
// without a radio. Each Instance gets:
//
//   - its own D-Bus system bus (a private dbus-daemon using the system
//     policy files), so instances never see each other or the host's bus;
//   - its own mount namespace in which /dev is a fresh tmpfs and
//     /dev/socket is a bind mount of the instance's socket directory (so
//     oFono's hard-coded /dev/socket/rild is the directory's "rild"), and
//     /var/lib/ofono is a private tmpfs.
//
// The directory is bound, not the socket file: a file bind pins the socket
// inode, and a restarted server would be unreachable (reference ril.md §3.2).
// oFono connects once, as uid 1001, and never reconnects; it gives up if no
// server accepts within about 25 seconds.
//
// Instances are driven and observed over D-Bus: modem power and online
// state, Dial, Hangup, Answer, SendMessage, and the IncomingMessage,
// CallAdded and PropertyChanged signals, which are recorded from start so a
// test cannot miss one. Pid and Kill make a crash (SIGKILL) easy to test.
// Running an instance needs root (mount namespaces) and the ofono and dbus
// packages.
package ofonotest
