#!/bin/bash
# run.sh - the shim test: the harness drives audio.primary.droidplex.so
# against a live audioproxyd (wav device) that this script starts and stops.
# Then dpxplay plays the first scenario's WAV back to a new server, and a
# WAV with extra chunks (test/mkwav.py), and refuses WAVs it cannot play.
#   run.sh SO HARNESS WAVCHECK AUDIOPROXYD DPXPLAY
set -euo pipefail
so=$1 harness=$2 wavcheck=$3 daemon=$4 dpxplay=$5
if [ ! -x "$daemon" ]; then
	echo "shimtest: $daemon is missing: run 'make build' at the top first" >&2
	exit 1
fi
srv="$(cd "$(dirname "$0")" && pwd)/server.sh"
dir=$(mktemp -d /tmp/dpxhal.XXXXXX)
mute=
cleanup() {
	"$srv" stop "$dir" TERM || true
	if [ -n "$mute" ]; then kill "$mute" 2>/dev/null || true; fi
	rm -rf "$dir"
}
trap cleanup EXIT
export DROIDPLEX_AUDIO_SOCKET=$dir/run/t/audio DPX_API_SOCKET=$dir/api.sock

echo "== play: 4 s of 440 Hz at 48 kHz stereo s16, presentation position, IN_CALL, standby, input"
"$srv" start "$dir" "$daemon" "$dir/play.wav"
"$harness" "$so" play 4 || { cat "$dir/server.log"; exit 1; }
"$srv" stop "$dir" TERM # completes the WAV file
"$wavcheck" "$dir/play.wav" 440 3

echo "== reconnect: the server is killed and started again while the shim writes"
"$srv" start "$dir" "$daemon" "$dir/before.wav"
"$harness" "$so" reconnect "'$srv' stop '$dir' KILL" "'$srv' start '$dir' '$daemon' '$dir/after.wav'" ||
	{ cat "$dir/server.log"; exit 1; }
"$srv" stop "$dir" TERM
"$wavcheck" "$dir/after.wav" 440 0.4 # frames reached the restarted server's mix
echo "== dpxplay: plays play.wav in 240-frame writes for 2 s, then SIGTERM"
"$dpxplay" -h >/dev/null
if "$dpxplay" -n 0 x y 2>/dev/null; then echo "FAIL: dpxplay took -n 0" >&2; exit 1; fi
"$srv" start "$dir" "$daemon" "$dir/dpxplay.wav"
"$dpxplay" -n 240 "$DROIDPLEX_AUDIO_SOCKET" "$dir/play.wav" 2>"$dir/dpxplay.out" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid" || { echo "FAIL: dpxplay exited $?" >&2; cat "$dir/dpxplay.out" >&2; exit 1; }
"$srv" stop "$dir" TERM
cat "$dir/dpxplay.out"
# Every field, some audio, some waits on its own clock, reconnects 0, connected.
summary='^dpxplay: frames=[1-9][0-9]* timed_waits=[1-9][0-9]* poked_waits=[0-9]+ reconnects=0 connected=1$'
grep -Eq "$summary" "$dir/dpxplay.out" || { echo "FAIL: dpxplay's summary line" >&2; exit 1; }
"$wavcheck" "$dir/dpxplay.wav" 440 1 # what it played reached the mix

echo "== dpxplay: a WAV with a LIST chunk plays its data chunk only; mono and 44.1 kHz WAVs are refused"
mkwav="$(cd "$(dirname "$0")" && pwd)/mkwav.py"
for bad in "48000 1" "44100 2"; do
	python3 "$mkwav" "$dir/bad.wav" $bad
	rc=0
	"$dpxplay" "$DROIDPLEX_AUDIO_SOCKET" "$dir/bad.wav" 2>"$dir/bad.out" || rc=$?
	cat "$dir/bad.out"
	if [ "$rc" != 1 ] || ! grep -q "want a PCM WAV of 2 channels, 48000 Hz, 16 bits" "$dir/bad.out"; then
		echo "FAIL: dpxplay played a WAV of $bad (rate, channels): exit $rc" >&2
		exit 1
	fi
done
# No server: it paces locally, and a signal still ends it with its summary.
"$dpxplay" "$dir/nothing.sock" "$dir/play.wav" 2>"$dir/alone.out" &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid" || { echo "FAIL: dpxplay without a server exited $?" >&2; cat "$dir/alone.out" >&2; exit 1; }
cat "$dir/alone.out"
grep -Eq ' reconnects=0 connected=0$' "$dir/alone.out" || { echo "FAIL: dpxplay said it connected" >&2; exit 1; }
# A server that accepts and never answers: SIGTERM while dpxplay waits for
# its reply (the handlers are in place before the stream connects) still
# ends in the summary and exit 0.
python3 -c '
import os, socket, sys, time
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
l.bind(sys.argv[1]); l.listen(1)
c, _ = l.accept()
open(sys.argv[2], "w").close()
time.sleep(10)' "$dir/mute.sock" "$dir/mute.ready" &
mute=$!
for _ in $(seq 400); do [ -S "$dir/mute.sock" ] && break; sleep 0.025; done
"$dpxplay" "$dir/mute.sock" "$dir/play.wav" 2>"$dir/mute.out" &
pid=$!
for _ in $(seq 400); do [ -e "$dir/mute.ready" ] && break; sleep 0.025; done
kill -TERM "$pid"
wait "$pid" || { echo "FAIL: dpxplay signalled while connecting exited $?" >&2; cat "$dir/mute.out" >&2; exit 1; }
kill "$mute" 2>/dev/null || true
wait "$mute" 2>/dev/null || true
mute=
cat "$dir/mute.out"
grep -Eq '^dpxplay: frames=0 .* reconnects=0 connected=0$' "$dir/mute.out" ||
	{ echo "FAIL: dpxplay's summary after a signal while connecting" >&2; exit 1; }
python3 "$mkwav" "$dir/list.wav" 48000 2
"$srv" start "$dir" "$daemon" "$dir/dpxlist.wav"
"$dpxplay" "$DROIDPLEX_AUDIO_SOCKET" "$dir/list.wav" 2>"$dir/dpxlist.out" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid" || { echo "FAIL: dpxplay exited $?" >&2; cat "$dir/dpxlist.out" >&2; exit 1; }
"$srv" stop "$dir" TERM
cat "$dir/dpxlist.out"
grep -Eq "$summary" "$dir/dpxlist.out" || { echo "FAIL: dpxplay's summary line" >&2; exit 1; }
"$wavcheck" "$dir/dpxlist.wav" 440 1 # the left channel, from the data chunk's first byte
echo "shimtest: PASS"
