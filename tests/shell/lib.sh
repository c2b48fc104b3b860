# SPDX-License-Identifier: MPL-2.0
# TAP helpers for the shell test scripts: numbered "ok"/"not ok" lines comparing real against expected output.

T_NUM=0
T_FAIL=0

# plan N: the TAP plan (a newline first: the console cursor may be mid-line).
plan() {
    printf '\n1..%s\n' "$1"
}

# diag TEXT...: a TAP diagnostic line per line of each argument.
diag() {
    for _line in "$@"; do printf '%s\n' "$_line"; done | sed 's/^/# /'
}

# T_DIRECTIVE: when set, appended to the next result (" # TODO reason").
T_DIRECTIVE=

# result STATUS DESC: "ok N - DESC" when STATUS is 0, else "not ok N - DESC".
result() {
    T_NUM=$((T_NUM + 1))
    if [ "$1" -eq 0 ]; then
        printf 'ok %d - %s%s\n' "$T_NUM" "$2" "$T_DIRECTIVE"
    else
        [ -n "$T_DIRECTIVE" ] || T_FAIL=$((T_FAIL + 1))
        printf 'not ok %d - %s%s\n' "$T_NUM" "$2" "$T_DIRECTIVE"
    fi
    T_DIRECTIVE=
}

# keel_todo REASON: the next step runs for real everywhere, but on Keel its
# result carries "# TODO REASON" (a gap owned by another area). On Linux the
# step must pass.
keel_todo() {
    if on_keel; then
        T_DIRECTIVE=" # TODO $1"
    fi
}

# check DESC CMD...: ok when CMD exits 0; its output goes to the log only
# when it fails.
check() {
    _desc=$1
    shift
    _out=$("$@" 2>&1)
    _st=$?
    [ $_st -eq 0 ] || diag "exit status $_st from: $*" "$_out"
    result $_st "$_desc"
}

# check_eq DESC GOT WANT: ok when the two strings are identical.
check_eq() {
    if [ "$2" = "$3" ]; then
        result 0 "$1"
    else
        diag "got:" "$2" "want:" "$3"
        result 1 "$1"
    fi
}

# check_match DESC GOT ERE: ok when GOT (all of it, any line) matches the extended regex.
check_match() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then
        result 0 "$1"
    else
        diag "got:" "$2" "want a line matching: $3"
        result 1 "$1"
    fi
}

# on_keel: true when the running kernel is Keel (for # TODO steps only).
on_keel() {
    case "$(uname -r)" in
    *keel*) return 0 ;;
    esac
    return 1
}

# wait_exec PID NAME: wait (up to ~30 s: a loaded host may not run the child for a while)
# until background job PID has exec'd NAME; "cmd &" returns before the child has run, so
# ps or pgrep could still see the shell.
wait_exec() {
    _n=0
    while [ "$(cat /proc/$1/comm 2>/dev/null)" != "$2" ] && [ $_n -lt 300 ]; do
        sleep 0.1
        _n=$((_n + 1))
    done
}
