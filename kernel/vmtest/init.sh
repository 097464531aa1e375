#!/bin/busybox sh
# PID 1 of the test VM: mount the basics, load the modules, run every
# /tests/*.test in strict mode (only the tests /tests/<name>.run matches,
# when there is one), print the results, then reset (qemu runs
# with -no-reboot, so the reset ends it).
/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox --install -s /bin
export PATH=/bin HOME=/tmp TMPDIR=/tmp DROIDPLEX_IN_VM=1 DROIDPLEX_STRICT=1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
rc=0
while read -r ko params; do
  [ -n "$ko" ] && { insmod "/lib/modules/$ko" $params || { echo "INSMOD-FAIL $ko"; rc=1; }; }
done < /modules.list
RUN=
for a in $(cat /proc/cmdline); do case $a in vmtest.run=*) RUN=${a#vmtest.run=} ;; esac; done
echo "VM-UP kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)s devices: $(ls /dev/uinput /dev/binder 2>/dev/null | tr '\n' ' ')binderfs: $(grep -c '	binder$' /proc/filesystems)"
for t in /tests/*.test; do
  [ -x "$t" ] || continue
  p=$(basename "$t" .test)
  echo "=== go test binary $p"
  mkdir -p "/tmp/$p" && cd "/tmp/$p"
  run=$RUN # else the binary's own filter, if vmtest.sh gave it one
  [ -z "$run" ] && [ -f "/tests/$p.run" ] && run=$(cat "/tests/$p.run")
  if "$t" -test.v -test.count=1 -test.timeout 5m ${run:+-test.run "$run"}; then
    echo "ok  	$p	(in vm)"
  else
    echo "FAIL	$p	(in vm)"; rc=1
  fi
  cd /
done
echo "VM-DONE rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)s"
reboot -f
