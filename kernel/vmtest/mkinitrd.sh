#!/bin/sh
# mkinitrd.sh ROOT MODDIR OUT.gz: add busybox, /init and the kernel modules
# found under MODDIR (evdev, uinput, binder_linux; decompressed) to the
# tree ROOT, then pack it as a gzipped newc cpio.
set -eu
ROOT=$1; MODS=$2; OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$ROOT/bin" "$ROOT/lib/modules" "$ROOT/dev" "$ROOT/proc" "$ROOT/sys" "$ROOT/tmp" "$ROOT/run"
cp /bin/busybox "$ROOT/bin/busybox"
cp "$HERE/init.sh" "$ROOT/init"
chmod 755 "$ROOT/init"
: > "$ROOT/modules.list"
# Order matters: evdev before uinput so uinput devices get event nodes.
# binder_linux: the misc devices always; what every binderfs mount starts
# with only when VMTEST_BINDERFS_DEVICES says (default: nothing).
bfs=${VMTEST_BINDERFS_DEVICES:+ binderfs_devices=$VMTEST_BINDERFS_DEVICES}
for spec in evdev uinput "binder_linux devices=binder,hwbinder,vndbinder$bfs"; do
  name=${spec%% *}; params=${spec#"$name"}
  f=$(find "$MODS" -name "$name.ko*" 2>/dev/null | head -n 1)
  [ -n "$f" ] || continue
  case $f in
    *.xz) xz -dc "$f" > "$ROOT/lib/modules/$name.ko" ;;
    *.zst) zstd -qdc "$f" > "$ROOT/lib/modules/$name.ko" ;;
    *.gz) gzip -dc "$f" > "$ROOT/lib/modules/$name.ko" ;;
    *) cp "$f" "$ROOT/lib/modules/$name.ko" ;;
  esac
  echo "$name.ko$params" >> "$ROOT/modules.list"
done
(cd "$ROOT" && find . | /bin/busybox cpio -o -H newc 2>/dev/null) | gzip -1 > "$OUT"
