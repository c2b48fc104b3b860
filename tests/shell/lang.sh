# SPDX-License-Identifier: MPL-2.0
# Shell language steps: pipelines, redirections, here-documents, subshells, command substitution,
# background jobs, kill, trap, loops, functions, case, test. Sourced by run.sh in /tmp/w.

# --- pipelines
check_eq "pipeline: printf | sort | head | tr" \
    "$(printf 'b\na\nc\n' | sort | head -n 2 | tr '\n' ' ')" "a b "
false | true; s1=$?
true | false; s2=$?
check_eq "pipeline: status is the last command's" "$s1 $s2" "0 1"
check_eq "pipeline: 300000 bytes through dd | cat | cat | wc -c" \
    "$(dd if=/dev/zero bs=1000 count=300 2>/dev/null | cat | cat | wc -c)" "300000"
check_eq "pipeline: yes | head ends the writer with SIGPIPE" "$(yes keel | head -n 3 | tr '\n' ,)" "keel,keel,keel,"

# --- redirections
echo one > r1
echo two >> r1
check_eq "redirect: > then >>" "$(cat r1)" "one
two"
check_eq "redirect: < feeds stdin" "$(wc -l < r1)" "2"
out=$( { echo to-out; echo to-err >&2; } 2>&1 )
check_eq "redirect: 2>&1 merges stderr into stdout" "$out" "to-out
to-err"
out=$( { echo o; echo e >&2; } 2>&1 > r2 )
check_eq "redirect: 2>&1 >file keeps stderr on the old stdout" "$out|$(cat r2)" "e|o"
ls /no-such-dir 2> r3
check "redirect: 2>file captures the error message" grep -q no-such-dir r3
exec 3> r4
echo via-fd3 >&3
exec 3>&-
exec 4< r1
read -r first <&4
exec 4<&-
check_eq "redirect: exec 3>, >&3, exec 4<, read <&4" "$(cat r4) $first" "via-fd3 one"
: > r1
check_eq "redirect: : > file truncates" "$(wc -c < r1)" "0"
name=keel
out=$(cat <<EOF
hello $name
$((6 * 7)) $(echo sub)
EOF
)
check_eq "here-document expands variables, arithmetic, substitutions" "$out" "hello keel
42 sub"
out=$(cat <<'EOF'
hello $name $(echo no)
EOF
)
check_eq "here-document with a quoted delimiter is literal" "$out" 'hello $name $(echo no)'
out=$(tr a-z A-Z <<-EOF
	indented
		twice
	EOF
)
check_eq "here-document <<- strips leading tabs" "$out" "INDENTED
TWICE"

# --- subshells and command substitution
x=outer
(x=inner; cd /)
check_eq "subshell: variables and cwd do not leak out" "$x $(pwd)" "outer /tmp/w"
(exit 3)
check_eq "subshell: its exit status is seen" "$?" "3"
check_eq "subshell: grouped output in a pipeline" "$( (echo a; echo b; echo c) | wc -l)" "3"
check_eq "command substitution nests" "$(echo $(echo in)ner-$(echo $(echo deep)))" "inner-deep"
check_eq "command substitution with backquotes" "`echo back`" "back"
check_eq "command substitution strips trailing newlines" "$(printf 'x\n\n\n')" "x"

# --- background jobs, wait, kill
(sleep 1; echo done > bg1) &
p=$!
wait $p
st=$?
check_eq "& and wait: status 0 and the job's side effect" "$st $(cat bg1)" "0 done"
(exit 7) &
wait $!
check_eq "wait returns the job's exit status" "$?" "7"
for i in 1 2 3 4; do (echo $i > bg.$i) & done
wait
check_eq "four jobs in parallel, then wait for all" "$(cat bg.1 bg.2 bg.3 bg.4 | tr -d '\n')" "1234"
sleep 30 &
p=$!
kill $p
wait $p
check_eq "kill: SIGTERM ends a job, wait gives 128+15" "$?" "143"
sleep 30 &
p=$!
kill -9 $p
wait $p
check_eq "kill -9: wait gives 128+9" "$?" "137"
check "kill -0 on the shell itself" kill -0 $$
sleep 30 &
p=$!
kill -0 $p; a=$?
kill $p; wait $p
kill -0 $p 2>/dev/null; b=$?
check_eq "kill -0: a live job 0, a reaped job non-zero" "$a $b" "0 1"
check_eq "kill -l names signal 15" "$(kill -l 15)" "TERM"

# --- trap
got=none
trap 'got=usr1' USR1
kill -USR1 $$
trap - USR1
check_eq "trap: handler runs on SIGUSR1 sent to the shell" "$got" "usr1"
out=$(sh -c 'trap "echo caught TERM" TERM; kill -TERM $$; echo after')
check_eq "trap: a child shell catches SIGTERM and continues" "$out" "caught TERM
after"
out=$(sh -c 'trap "" INT; kill -INT $$; echo survived')
check_eq "trap '': an ignored SIGINT does nothing" "$out" "survived"
out=$(sh -c 'trap "echo bye" EXIT; echo hi; exit 3')
st=$?
check_eq "trap EXIT runs at exit and keeps the exit status" "$out $st" "hi
bye 3"
out=$(sh -c 'trap "echo woke; kill \$sp; exit 0" USR2; sleep 20 & sp=$!; (sleep 1; kill -USR2 $$) & wait $sp; echo not-reached')
check_eq "trap: a signal interrupts wait and runs the handler" "$out" "woke"
out=$(sh -c 'kill -TERM $$; echo not-reached'; echo "status $?")
check_eq "an untrapped SIGTERM kills the shell (status 143)" "$out" "status 143"

# --- loops, functions, case, test
sum=0
for i in 1 2 3 4 5; do sum=$((sum + i)); done
i=0 odd=
while [ $i -lt 9 ]; do
    i=$((i + 1))
    [ $((i % 2)) -eq 0 ] && continue
    [ $i -gt 7 ] && break
    odd="$odd$i"
done
n=0
until [ $n -ge 4 ]; do n=$((n + 1)); done
check_eq "for, while with continue/break, until" "$sum $odd $n" "15 1357 4"
printf 'a 1\nb 2\nc 3\n' > kv
tot=0 keys=
while read -r k v; do keys="$keys$k"; tot=$((tot + v)); done < kv
check_eq "while read splits fields from a redirected file" "$keys $tot" "abc 6"
fact() {
    if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi
}
check_eq "function: recursion through command substitution" "$(fact 10)" "3628800"
v=out
f() { local v=in; echo "$v:$#:$2"; return 4; }
res=$(f x "y z")
f >/dev/null
st=$?
check_eq "function: local, arguments, return status" "$res $v $st" "in:2:y z out 4"
classify() {
    case $1 in
    [0-9]*) echo num ;;
    *.txt) echo text ;;
    a|b) echo ab ;;
    *) echo other ;;
    esac
}
check_eq "case: patterns, alternatives, default" \
    "$(classify 42) $(classify f.txt) $(classify b) $(classify zz)" "num text ab other"
set -- a "b c" d
check_eq "positional parameters keep quoting" "$# $2" "3 b c"
p=dir/sub/file.tar.gz
check_eq "parameter expansion: % %% # ## and length" \
    "${p%.*} ${p%%.*} ${p#*/} ${p##*/} ${#p} ${unset_var:-dflt}" \
    "dir/sub/file.tar dir/sub/file sub/file.tar.gz file.tar.gz 19 dflt"
check_eq "arithmetic expansion" "$(( (3 + 4) * 5 % 6 )) $(( 1 << 10 )) $(( -7 / 2 ))" "5 1024 -3"
IFS=: read -r u _ uid gid _ < /etc/passwd
check_eq "read with IFS=: parses /etc/passwd" "$u $uid $gid" "root 0 0"
check "test/[: strings, numbers, files, negation" \
    sh -c '[ abc = abc ] && [ 3 -lt 10 ] && test -d /tmp && [ -f /etc/passwd ] &&
           [ ! -e /nonexistent ] && [ -n x ] && [ -z "" ] && [ -x /bin/busybox ] &&
           [ -L /bin/sh ] && [ -s /etc/passwd ] && ! [ 2 -gt 5 ]'
check_eq "command -v finds applets in PATH" "$(command -v sed)" "/bin/sed"
check_eq "set -e stops a script at the first failure" \
    "$(sh -c 'set -e; echo a; false; echo b'; echo "rc=$?")" "a
rc=1"
check_eq "&& and || short-circuit" "$(true && echo y || echo n; false && echo y || echo n)" "y
n"
printf '#!/bin/sh\necho "script $1"\n' > hashbang.sh
chmod +x hashbang.sh
check_eq "the shell runs a #! script" "$(./hashbang.sh arg 2>&1)" "script arg"
check_eq "execve runs a #! script (env execs it, no shell fallback)" "$(env ./hashbang.sh arg 2>&1)" "script arg"
