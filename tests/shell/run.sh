# SPDX-License-Identifier: MPL-2.0
# Shell test entry point, run by /init (tests/shell/init.c): mounts, every part script in order, power-off.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
. /shell/lib.sh

plan 153
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mkdir /tmp/w
cd /tmp/w || echo "Bail out! cannot enter /tmp/w"
diag "kernel: $(uname -r)"

for part in lang text files system; do
    . /shell/$part.sh
    cd /tmp/w
done

diag "$T_NUM steps, $T_FAIL failed"
poweroff -f
