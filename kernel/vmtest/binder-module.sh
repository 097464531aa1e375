#!/bin/bash
# binder-module.sh PKG VER OUT: build binder_linux.ko WITH binderfs for
# Debian's kernel package PKG (linux-image-<abi>) at version VER, and write
# it to OUT.
#
# Debian builds binder without binderfs (CONFIG_ANDROID_BINDERFS is unset
# because binderfs.c uses init_ipc_ns and put_ipc_ns, which that kernel does
# not export). This builds the module out of tree from the same version's
# drivers/android sources (linux-source) against its headers (linux-headers,
# linux-kbuild), all fetched with apt-get download and unpacked in a
# scratch directory, never installed. Test-VM use only.
#
# The source changes (each checked, so a different kernel fails loudly):
#  - binderfs.c: the initial ipc namespace is reached through init_task
#    (exported), and the mount's namespace pointer is kept without a
#    reference: it is only ever compared, never dereferenced.
#  - binderfs.c: the devices a new binderfs mount starts with come from
#    the module parameter binderfs_devices (default none), not devices=.
#  - binder.c: devices= still makes the misc devices (/dev/binder...),
#    which upstream skips when binderfs is built in.
set -euo pipefail
pkg=$1 ver=$2 out=$3
abi=${pkg#linux-image-}            # 6.1.0-56-amd64
mm=$(echo "$abi" | cut -d. -f1,2)  # 6.1
common=linux-headers-${abi%-*}-common
log() { echo "vmtest: binder module: $*"; }
die() { echo "vmtest: binder module: FAIL: $*" >&2; exit 1; }

# Build tools (the headers name their compiler, e.g. gcc-12).
W=$(mktemp -d "$(dirname "$out")/.binder-build.XXXXXX")
trap 'rm -rf "$W"' EXIT
need=()
command -v make >/dev/null || need+=(make)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

log "downloading headers, kbuild and sources of $pkg $ver"
(cd "$W" && apt-get download -q "linux-headers-$abi=$ver" "$common=$ver" \
  "linux-kbuild-$mm=$ver" "linux-source-$mm=$ver" 2>&1 | { grep -v '^W:' || true; })
for p in "linux-headers-$abi" "$common" "linux-kbuild-$mm" "linux-source-$mm"; do
  ls "$W/${p}_"*.deb >/dev/null 2>&1 || die "apt-get download $p=$ver gave nothing"
done
for p in "linux-headers-$abi" "$common" "linux-kbuild-$mm"; do
  dpkg -x "$W/${p}_"*.deb "$W/hdr"
done
H=$W/hdr/usr/src/linux-headers-$abi
[ -f "$H/Module.symvers" ] || die "no Module.symvers in linux-headers-$abi"
# The flavour's Makefile includes the common one by its installed path.
echo "include $W/hdr/usr/src/$common/Makefile" > "$H/Makefile"
cc=$(awk '/^CC *=/{print $NF}' "$H/.kernelvariables" | sed 's/.*)//')
if [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
  log "installing $cc"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$cc" >/dev/null
fi

# Only the module's sources: tar stops once it has each (--occurrence),
# a third of the way into the tarball; the writers before it then see a
# closed pipe, so the files are checked instead of the pipeline's status.
S=$W/src
mkdir -p "$S"
files=(binder.c binder_alloc.c binder_alloc.h binder_internal.h binder_trace.h binderfs.c)
(
  set +o pipefail
  dpkg-deb --fsys-tarfile "$W/linux-source-${mm}_"*.deb 2>/dev/null \
    | tar -xO "./usr/src/linux-source-$mm.tar.xz" 2>/dev/null | xz -dc 2>/dev/null \
    | tar -x -C "$S" --strip-components=3 --occurrence=1 "${files[@]/#/linux-source-$mm/drivers/android/}"
) || true
rm -f "$W"/*.deb
for f in "${files[@]}"; do
  [ -s "$S/$f" ] || die "no drivers/android/$f in linux-source-$mm"
done

# binderfs.c: everything after its last include sees these definitions.
grep -qx '#include "binder_internal.h"' "$S/binderfs.c" || die "binderfs.c does not include binder_internal.h"
cat > "$W/binderfs-compat.h" <<'C'
/* droidplex vmtest: binderfs without init_ipc_ns/put_ipc_ns exports. */
#include <linux/nsproxy.h>
#include <linux/sched/task.h>
#define init_ipc_ns (*init_task.nsproxy->ipc_ns)
#define get_ipc_ns(ns) (ns)
#define put_ipc_ns(ns) ((void)(ns))
static char *binderfs_devices_param = "";
module_param_named(binderfs_devices, binderfs_devices_param, charp, 0444);
MODULE_PARM_DESC(binderfs_devices, "devices every new binderfs mount starts with");
#define binder_devices_param binderfs_devices_param
C
sed -i "/^#include \"binder_internal.h\"\$/r $W/binderfs-compat.h" "$S/binderfs.c"
[ "$(grep -c 'droidplex vmtest' "$S/binderfs.c")" = 1 ] || die "could not patch binderfs.c"
n=$(grep -c 'IS_ENABLED(CONFIG_ANDROID_BINDERFS)' "$S/binder.c" || true)
[ "$n" = 1 ] || die "binder.c: expected one IS_ENABLED(CONFIG_ANDROID_BINDERFS), found $n"
sed -i 's/!IS_ENABLED(CONFIG_ANDROID_BINDERFS) &&/1 \&\&/' "$S/binder.c"
grep -q 'IS_ENABLED(CONFIG_ANDROID_BINDERFS)' "$S/binder.c" && die "could not patch binder.c"

cat > "$S/Kbuild" <<'K'
ccflags-y += -I$(src) -DCONFIG_ANDROID_BINDERFS=1
obj-m += binder_linux.o
binder_linux-y := binder.o binder_alloc.o binderfs.o
K
log "compiling"
make -s -C "$H" M="$S" modules >"$W/build.log" 2>&1 || { cat "$W/build.log" >&2; die "make failed"; }
[ -f "$S/binder_linux.ko" ] || die "make gave no binder_linux.ko"
strip --strip-debug -o "$out.tmp" "$S/binder_linux.ko"
mv "$out.tmp" "$out"
log "built $(basename "$out")"
