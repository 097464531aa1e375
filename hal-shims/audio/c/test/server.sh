#!/bin/bash
# server.sh - starts and stops the audioproxyd the shim harness plays to.
#   server.sh start DIR DAEMON WAV   serve container "t" at DIR/run/t/audio into WAV
#   server.sh stop DIR [SIGNAL]      signal it (TERM completes the WAV; KILL is a crash)
# The pid lives in DIR/pid; stop waits until the process is gone.
set -eu
cmd=$1 dir=$2
case $cmd in
start)
	daemon=$3 wav=$4
	mkdir -p "$dir/run"
	rm -f "$dir/run/t/audio" "$dir/api.sock"
	"$daemon" --containers t --device "wav:$wav" --runtime-dir "$dir/run" --droidplexd none \
		--api-socket "$dir/api.sock" </dev/null >>"$dir/server.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/pid"
	for _ in $(seq 400); do
		if [ -S "$dir/run/t/audio" ] && [ -S "$dir/api.sock" ]; then exit 0; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.025
	done
	echo "server.sh: audioproxyd did not start; its log:" >&2
	cat "$dir/server.log" >&2
	exit 1
	;;
stop)
	[ -f "$dir/pid" ] || exit 0
	pid=$(cat "$dir/pid")
	rm -f "$dir/pid"
	kill -"${3:-TERM}" "$pid" 2>/dev/null || exit 0
	for _ in $(seq 400); do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.025
	done
	kill -KILL "$pid" 2>/dev/null || true
	;;
*)
	echo "usage: server.sh start DIR DAEMON WAV | stop DIR [SIGNAL]" >&2
	exit 2
	;;
esac
