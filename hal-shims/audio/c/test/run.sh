#!/bin/bash
# run.sh - the shim test: the harness drives audio.primary.droidplex.so
# against a live audioproxyd (wav device) that this script starts and stops.
#   run.sh SO HARNESS WAVCHECK AUDIOPROXYD
set -euo pipefail
so=$1 harness=$2 wavcheck=$3 daemon=$4
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
echo "shimtest: PASS"
