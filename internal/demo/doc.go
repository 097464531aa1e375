// Package demo runs droidplex's story end to end, kernel-less: the mock
// modem behind rilproxyd, audioproxyd on a PulseAudio null sink (or a WAV
// file), droidplexd with two stand-in Android containers ("personal" and
// "work") as processes, each running a real RIL client (oFono) and an audio
// client. It narrates each step, checks that it happened, and ends with a
// summary table. `droidplex demo` (make demo) and the end-to-end test run
// the same Story.
package demo
