// Package e2e holds audioproxy's end-to-end tests: audioproxyd's Run on a
// real sound server (a private headless PulseAudio with a null sink) fed by
// shim clients running as separate processes, checked by recording the
// sink's monitor. It has no code of its own.
package e2e
