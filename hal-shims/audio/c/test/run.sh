#!/bin/bash
# run.sh - the shim test: the harness drives audio.primary.droidplex.so
# against a live audioproxyd (wav device) that this script starts and stops.
# Then dpxplay plays the first scenario's WAV back to a new server.
#   run.sh SO HARNESS WAVCHECK AUDIOPROXYD DPXPLAY
set -euo pipefail
so=$1 harness=$2 wavcheck=$3 daemon=$4 dpxplay=$5
if [ ! -x "$daemon" ]; then
	echo "shimtest: $daemon is missing: run 'make build' at the top first" >&2
	exit 1
fi
srv="$(cd "$(dirname "$0")" && pwd)/server.sh"
dir=$(mktemp -d /tmp/dpxhal.XXXXXX)
cleanup() {
	"$srv" stop "$dir" TERM || true
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
# Every field, some audio, some waits on its own clock, reconnects 0.
grep -Eq '^dpxplay: frames=[1-9][0-9]* timed_waits=[1-9][0-9]* poked_waits=[0-9]+ reconnects=0$' "$dir/dpxplay.out" ||
	{ echo "FAIL: dpxplay's summary line" >&2; exit 1; }
"$wavcheck" "$dir/dpxplay.wav" 440 1 # what it played reached the mix
echo "shimtest: PASS"
