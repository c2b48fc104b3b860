# SPDX-License-Identifier: MPL-2.0
# System steps: uname, hostname, id, env, date, sleep, timeout, ps, top, nice/renice, chrt, taskset,
# mount/umount, df, dmesg, /proc files, free, uptime. Sourced by run.sh in /tmp/w.

# --- identity and environment
check_match "uname -a" "$(uname -a)" '^Linux [^ ]+ [^ ]+ .* x86_64( GNU/Linux)?$'
check_eq "uname -s -m" "$(uname -s -m)" "Linux x86_64"
hostname keel-shell-test
check_eq "hostname sets the name; hostname and uname -n read it" "$(hostname) $(uname -n)" \
    "keel-shell-test keel-shell-test"
check_eq "id -u -g -un" "$(id -u) $(id -g) $(id -un) $(id -gn)" "0 0 root root"
check_match "id" "$(id)" '^uid=0\(root\) gid=0\(root\)'
check_eq "env -i runs with only the given variables" "$(env -i A=1 B=two env | sort | tr '\n' ' ')" "A=1 B=two "
check_eq "env -u unsets, env passes PATH" \
    "$(env -u HOME sh -c 'echo ${HOME-unset}') $(env | grep -c '^PATH=/')" "unset 1"

# --- time
check_eq "date -u -d @N formats a given time" "$(date -u -d @86400 '+%F %T %a')" "1970-01-02 00:00:00 Fri"
check_eq "date +%s is a current time (after 2020)" "$([ "$(date +%s)" -gt 1577836800 ] && echo yes)" "yes"
t0=$(date +%s)
sleep 2
t1=$(date +%s)
check_eq "sleep 2 takes at least 1 second by the wall clock" "$([ $((t1 - t0)) -ge 1 ] && echo yes)" "yes"
check "sleep accepts fractions" sleep 0.1
timeout 1 sleep 10
st=$?
check_eq "timeout kills a command that runs too long (143)" "$st" "143"
check_eq "timeout passes through the status of a quick command" \
    "$(timeout 60 sh -c 'exit 3'; echo $?)" "3"

# --- processes
sleep 77 &
sp=$!
wait_exec $sp sleep
check_eq "ps lists init and a background sleep" \
    "$(ps | awk '$1 == 1 { print $NF }') $(ps | grep -c '[s]leep 77')" "/init 1"
check_eq "ps -o pid,ppid,comm,args for the sleep" \
    "$(ps -o pid,ppid,comm,args | awk -v p=$sp '$1 == p { print $2, $3, $4, $5 }')" "$$ sleep sleep 77"
kill $sp
wait $sp
top -bn1 > top.out
check_match "top -bn1: memory, CPU and load summary" "$(sed -n 1,3p top.out | cut -c1-12 | tr '\n' '|')" \
    '^Mem: .*\|CPU: .*\|Load average.*\|$'
check_eq "top -bn1: the process table lists init" \
    "$(awk '$1 == "PID" { t = 1; next } t && $1 == 1 { print $NF }' top.out)" "/init"
check_eq "/proc/self/comm, /proc/self/exe, /proc/<pid>/status" \
    "$(cat /proc/self/comm) $(readlink /proc/self/exe) $(sed -n 's/^Name:[[:space:]]*//p' /proc/$$/status)" \
    "cat /bin/busybox sh"
check_eq "nice -n 5 runs a command at niceness 5" "$(nice -n 5 nice)" "5"
nice -n 7 sleep 78 &
sp=$!
wait_exec $sp sleep
n1=$(ps -o pid,nice | awk -v p=$sp '$1 == p { print $2 }')
renice -n 3 -p $sp >/dev/null
n2=$(ps -o pid,nice | awk -v p=$sp '$1 == p { print $2 }')
kill $sp
wait $sp
check_eq "ps -o nice shows nice -n 7, renice -n 3 adds 3" "$n1 $n2" "7 10"
check_eq "chrt -p reports SCHED_OTHER priority 0" "$(chrt -p $$ | sed 's/^pid [0-9]*.s //' | tr '\n' '|')" \
    "current scheduling policy: SCHED_OTHER|current scheduling priority: 0|"
sleep 79 &
sp=$!
wait_exec $sp sleep
m1=$(taskset -p 1 $sp | tail -n 1 | sed 's/^pid [0-9]*.s //')
m2=$(taskset -p $sp | sed 's/^pid [0-9]*.s //')
kill $sp
wait $sp
check_eq "taskset -p sets and reads back an affinity mask" "$m1|$m2" \
    "new affinity mask: 1|current affinity mask: 1"
check_eq "nproc matches the CPUs in /proc/stat" "$(nproc)" "$(grep -c '^cpu[0-9]' /proc/stat)"
sleep 81 &
sp=$!
wait_exec $sp sleep
p1=$(pgrep -f 'sleep 81')
pkill -f 'sleep 81'
wait $sp
st=$?
check_eq "pgrep -f finds a process, pkill -f signals it" "$p1 $st" "$sp 143"
check_match "free reports memory in KiB" "$(free | awk '/^Mem:/ { print ($2 > 100000) ? "big" : $2 }')" '^big$'
check_match "uptime reports the load average" "$(uptime)" 'load average: [0-9]+\.[0-9]+, [0-9]+\.[0-9]+, [0-9]+\.[0-9]+'

# --- mounts and file systems
check_match "mount lists proc, sysfs and tmpfs" "$(mount | sort | tr '\n' '|')" \
    'proc on /proc type proc .*sysfs on /sys type sysfs .*tmpfs on /tmp type tmpfs'
check "mountpoint -q /proc" mountpoint -q /proc
mount -t tmpfs -o size=1m,mode=0700 scratch /mnt
echo kept > /mnt/x
check_eq "mount -t tmpfs -o size=1m,mode=0700: df and stat see it" \
    "$(df -k /mnt | awk 'NR == 2 { print $1, $2, $6 }') $(stat -c %a /mnt) $(stat -f -c %T /mnt)" \
    "scratch 1024 /mnt 700 tmpfs"
umount /mnt
check_eq "umount: the files under the mount point are gone" "$(ls /mnt | wc -l) $(mount | grep -c ' /mnt ')" "0 0"
check_match "df lists the mounted file systems" "$(df | awk 'NR > 1 { print $NF }' | sort | tr '\n' ' ')" '/tmp'

# --- kernel log
check_match "dmesg shows the kernel's boot messages" "$(dmesg | head -n 3)" '(Linux version|Keel)'
a=$(dmesg | wc -l)
dmesg -c > /dev/null
b=$(dmesg | wc -l)
check_eq "dmesg -c clears the log it has read" "$([ "$a" -gt 0 ] && [ "$b" -lt "$a" ] && echo yes)" "yes"
