#!/bin/bash
# vmtest.sh: run droidplex's kernel-dependent Go tests inside qemu, on
# Debian's own kernel (fetched as a .deb and unpacked, never installed),
# with a tiny busybox initramfs that loads evdev, uinput and binder_linux.
# Debian's binder_linux has no binderfs, so binder-module.sh builds one
# that has it (once per kernel version, cached; a failed build fails the
# run). It is loaded with devices=binder,hwbinder,vndbinder, so the VM has
# both the misc devices and binderfs.
#
#   kernel/vmtest/vmtest.sh [GO-PACKAGE-PATTERN...]
#
# Default packages: ./inputproxy/... ./kernel/... and every package whose
# tests mention "make vmtest" or DROIDPLEX_IN_VM (they must build with
# CGO_ENABLED=0).
#
# Each package with tests becomes one static test binary (CGO_ENABLED=0).
# Inside the VM every binary runs with DROIDPLEX_IN_VM=1 and
# DROIDPLEX_STRICT=1, so a skip there is a failure. The VM's go test output
# is printed here; the script exits non-zero if a test failed, the VM did
# not finish, or it ran out of time.
#
# Some packages run only their VM tests there (the vmonly table below).
#
# env: VMTEST_RUN=regex      only tests matching (-test.run inside the VM)
#      VMTEST_TIMEOUT=secs   wall-clock limit for the VM (default 600)
#      VMTEST_LOCK_WAIT=secs how long to wait for another vmtest's cache lock
#                            (default 900)
#      VMTEST_CACHE=dir      kernel cache (default .vmtest-cache at the module root)
#      VMTEST_KERNEL=bzImage use this kernel (with everything built in) instead
#      VMTEST_ACCEL=opts     qemu accelerator options (default "-accel tcg -cpu max")
#      VMTEST_BINDERFS_DEVICES=a,b  devices every binderfs mount starts with
#                            (default none; "binder,hwbinder,vndbinder" is
#                            mainline's CONFIG_ANDROID_BINDER_DEVICES)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/kernel/vmtest
CACHE=${VMTEST_CACHE:-$ROOT/.vmtest-cache}
cd "$ROOT"
mkdir -p "$CACHE"
log() { echo "vmtest: $*"; }

# 1. Host tools.
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. Kernel and modules, cached per kernel package and version.
MODS=$CACHE/modules
if [ -n "${VMTEST_KERNEL:-}" ]; then
  KERNEL=$VMTEST_KERNEL
  mkdir -p "$MODS.none"; MODS=$MODS.none
else
  kpkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
  pkg=$(kpkg)
  [ -n "$pkg" ] || { apt-get update -qq && pkg=$(kpkg); }
  [ -n "$pkg" ] || { log "cannot find Debian's kernel package (apt-get update?)"; exit 1; }
  ver=$(apt-cache policy "$pkg" | awk '/Candidate:/{print $2}')
  [ -n "$ver" ] && [ "$ver" != "(none)" ] || { log "no version of $pkg to download"; exit 1; }
  # Keyed by package and version: the module below is built against the
  # headers of exactly this kernel.
  kdir=$CACHE/${pkg}_$ver
  exec 9>"$CACHE/.lock"
  # Another vmtest may be fetching the same kernel (or building the
  # module: about a minute); one stuck for longer is an error, not a hang.
  flock -w "${VMTEST_LOCK_WAIT:-900}" 9 || {
    log "FAIL: another vmtest has held $CACHE/.lock for ${VMTEST_LOCK_WAIT:-900}s"; exit 1; }
  if [ ! -d "$kdir/boot" ]; then
    log "fetching $pkg $ver"
    rm -rf "$kdir.tmp"; mkdir -p "$kdir.tmp"
    if ! (cd "$kdir.tmp" && apt-get download -q "$pkg=$ver" 2>&1 | { grep -v '^W:' || true; }) ||
      ! dpkg-deb --fsys-tarfile "$kdir.tmp"/*.deb | tar -x -C "$kdir.tmp" --wildcards \
        './boot/vmlinuz-*' '*/uinput.ko*' '*/evdev.ko*'; then
      rm -rf "$kdir.tmp"
      log "FAIL: could not download and unpack $pkg $ver (network? apt-get update?)"; exit 1
    fi
    rm -f "$kdir.tmp"/*.deb
    mv "$kdir.tmp" "$kdir"
  fi
  if [ ! -f "$kdir/binderfs/binder_linux.ko" ]; then
    mkdir -p "$kdir/binderfs"
    "$HERE/binder-module.sh" "$pkg" "$ver" "$kdir/binderfs/binder_linux.ko" || {
      log "FAIL: could not build binder_linux.ko with binderfs for $pkg $ver"; exit 1; }
  fi
  for d in "$CACHE"/linux-image-*; do # other kernels' leftovers
    [ "$d" = "$kdir" ] || rm -rf "$d"
  done
  flock -u 9
  KERNEL=$(echo "$kdir"/boot/vmlinuz-*)
  MODS=$kdir
fi
t_kernel=$SECONDS

# 3. Static test binaries, one per package that has tests.
B=$(mktemp -d)
trap 'cp "$B/serial.log" "$CACHE/last-serial.log" 2>/dev/null; rm -rf "$B"' EXIT
mkdir -p "$B/root/tests"
if [ $# -eq 0 ]; then
  # inputproxy and kernel, plus any package whose tests say they need the VM.
  set -- ./inputproxy/... ./kernel/... $(grep -rlE --include='*_test.go' 'make vmtest|DROIDPLEX_IN_VM' . 2>/dev/null \
    | grep -v '^\./\.' | xargs -r -n1 dirname | sort -u)
fi
pkgs=$(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' "$@" | sort -u)
[ -n "$pkgs" ] || { log "no test packages in $*"; exit 1; }
# Packages whose tests are mostly host tests run only these in the VM
# (VMTEST_RUN, when set, wins). container: the real binderfs path; the
# rest of its tests are host tests and the initramfs is no full system.
declare -A vmonly=([droidplex/container]='^TestOSHostBinderfs$')
for p in $pkgs; do
  bin=$B/root/tests/$(echo "$p" | tr / _).test
  CGO_ENABLED=0 go test -c -o "$bin" "$p"
  if [ -n "${vmonly[$p]:-}" ]; then
    "$bin" -test.list "${vmonly[$p]}" | grep -q '^Test' || {
      log "FAIL: no test in $p matches ${vmonly[$p]}"; exit 1; }
    printf '%s\n' "${vmonly[$p]}" > "${bin%.test}.run"
  fi
done

t_build=$SECONDS
# 4. Initramfs: busybox, /init, the modules (decompressed), the tests.
"$HERE/mkinitrd.sh" "$B/root" "$MODS" "$B/initrd.gz"

# 5. Boot: TCG by default (works everywhere; KVM with -cpu max aborts on
# some hosts), VMTEST_ACCEL="-accel kvm -cpu host" to use KVM.
ACCEL=${VMTEST_ACCEL:--accel tcg -cpu max}
log "booting $(basename "$KERNEL") with $(echo "$pkgs" | wc -w) test binaries"
# qemu runs in the background so that a signal to this script stops it
# (timeout puts qemu in a process group of its own, which a Ctrl-C or a
# kill of the script's group would not reach), and timeout -k kills a
# qemu that ignores its TERM. The serial output is followed meanwhile.
set +e
: > "$B/serial.raw"
timeout -k 10 "${VMTEST_TIMEOUT:-600}" qemu-system-x86_64 -machine q35 $ACCEL -smp 2 -m 1024 \
  -nographic -no-reboot -kernel "$KERNEL" -initrd "$B/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1 ${VMTEST_RUN:+vmtest.run=$VMTEST_RUN}" </dev/null >"$B/serial.raw" 2>&1 &
qpid=$!
tail -n +1 --pid=$qpid -f "$B/serial.raw" | tr -d '\r' | sed -n 's/^.*VM-UP/VM-UP/;/INSMOD-FAIL/p;/^VM-UP/,$p' &
tpid=$!
trap 'log "FAIL: interrupted; stopping the VM"; kill -TERM $qpid 2>/dev/null; wait $qpid; kill $tpid 2>/dev/null; wait $tpid; exit 1' INT TERM HUP
wait $qpid
qrc=$?
wait $tpid
trap - INT TERM HUP
tr -d '\r' < "$B/serial.raw" > "$B/serial.log"
set -e
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then log "FAIL: the VM did not finish within ${VMTEST_TIMEOUT:-600}s"; exit 1; fi
if ! grep -q '^VM-DONE rc=0' "$B/serial.log"; then
  grep -q '^VM-DONE' "$B/serial.log" || { log "FAIL: the VM stopped before finishing (qemu exit $qrc); serial log:"; tail -n 40 "$B/serial.log"; }
  log "FAIL"
  exit 1
fi
log "PASS (kernel and modules $((t_kernel))s, go test -c $((t_build - t_kernel))s, initrd and VM $((SECONDS - t_build))s)"
