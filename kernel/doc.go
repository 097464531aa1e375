// Package kernel knows what an Android container needs from the Linux
// kernel. Probe checks each feature on the running kernel, in the manner of
// lxc-checkconfig, and Report renders the table `droidplex check` prints.
// A missing feature, wherever droidplex meets it, is a *NotSupportedError
// that matches ErrNotSupported.
//
// The qemu harness that runs the kernel-dependent tests (`make vmtest`)
// lives in kernel/vmtest.
package kernel
