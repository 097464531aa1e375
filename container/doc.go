// Package container is droidplexd's container manager: it creates a
// configured container if it is missing and else starts it, supervises each
// running init (restarting it with backoff when it dies), and publishes every
// state change as a container-state event.
//
// The manager is policy only. Running containers is a Runtime's job (LXC in
// container/lxc, plain processes in container/proc) and touching the host is
// a Host's (OSHost); both are small interfaces with recording fakes in
// container/containertest.
package container
