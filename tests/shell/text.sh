# SPDX-License-Identifier: MPL-2.0
# Text tool steps: sort, uniq, sed, awk, grep, head, tail, wc, xargs, tr, cut, md5sum, sha256sum.
# Sourced by run.sh in /tmp/w.

printf '%s\n' pear apple fig apple banana fig apple > fruit

# --- sort and uniq
check_eq "sort | uniq -c counts duplicates" \
    "$(sort fruit | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" "apple:3 banana:1 fig:2 pear:1 "
check_eq "sort -u and sort -r" "$(sort -u fruit | tr '\n' ' ')|$(sort -ru fruit | head -n 1)" \
    "apple banana fig pear |pear"
check_eq "sort -n -k2 sorts on a numeric key" \
    "$(printf 'a 10\nb 9\nc 100\nd -1\n' | sort -n -k2 | cut -d' ' -f1 | tr -d '\n')" "dbac"
check_eq "sort -t: -k3,3nr on /etc/passwd" "$(sort -t: -k3,3nr /etc/passwd | head -n 1 | cut -d: -f1)" "nobody"
check_eq "uniq -d and uniq -u" "$(sort fruit | uniq -d | tr '\n' ' ')|$(sort fruit | uniq -u | tr '\n' ' ')" \
    "apple fig |banana pear "

# --- sed
check_eq "sed s///g" "$(echo 'hello world' | sed 's/o/0/g')" "hell0 w0rld"
check_eq "sed -n with a line range and p" "$(seq 10 | sed -n '3,5p' | tr '\n' ' ')" "3 4 5 "
check_eq "sed /re/d deletes matching lines" "$(sed '/apple/d' fruit | wc -l)" "4"
check_eq "sed groups and back-references" "$(echo 'key=value' | sed 's/\([a-z]*\)=\(.*\)/\2=\1/')" "value=key"
cp fruit fruit2
sed -i 's/fig/FIG/' fruit2
check_eq "sed -i edits a file in place" "$(grep -c FIG fruit2) $(grep -c fig fruit2)" "2 0"
check_eq "sed with several -e, y and a/i" \
    "$(printf 'abc\n' | sed -e 'y/abc/xyz/' -e 'a\
after' -e 'i\
before' | tr '\n' ' ')" "before xyz after "

# --- awk
check_eq "awk sums a column" "$(printf 'a 1\nb 2\nc 39\n' | awk '{ s += $2 } END { print s }')" "42"
check_eq "awk -F: with a condition" "$(awk -F: '$3 == 0 { print $1 }' /etc/passwd)" "root"
check_eq "awk printf, functions, string built-ins" \
    "$(awk 'function sq(x) { return x * x } BEGIN { printf "%05.1f|%s|%d|%s\n", 3.14159, toupper("k"), sq(7), substr("framekernel", 6) }')" \
    "003.1|K|49|kernel"
check_eq "awk associative arrays, NR and NF" \
    "$(awk '{ c[$1]++; n = NR; f += NF } END { print c["apple"], c["fig"], n, f }' fruit)" "3 2 7 7"
check_eq "awk split and gsub" \
    "$(echo 'a,b,,c' | awk '{ n = split($0, p, ","); gsub(/,/, ";"); print n, $0, p[4] }')" "4 a;b;;c c"

# --- grep
check_eq "grep -c and grep -v" "$(grep -c apple fruit) $(grep -v apple fruit | wc -l)" "3 4"
check_eq "grep -E alternation, -i, -n" \
    "$(grep -E '^(fig|pear)$' fruit | sort -u | tr '\n' ' ')|$(grep -ci APPLE fruit)|$(grep -n banana fruit)" \
    "fig pear |3|5:banana"
check_eq "grep -o prints each match" "$(echo banana | grep -o an | wc -l)" "2"
st1=0; grep -q kiwi fruit || st1=$?
st2=0; grep -q x /no/such/file 2>/dev/null || st2=$?
check_eq "grep exit status: 1 no match, 2 error" "$st1 $st2" "1 2"
mkdir -p gdir/sub
echo needle > gdir/sub/a
echo hay > gdir/b
check_eq "grep -r and -l search a tree" "$(grep -rl needle gdir)" "gdir/sub/a"

# --- head, tail, wc
check_eq "head -n and tail -n" "$(seq 100 | head -n 3 | tr '\n' ' ')|$(seq 100 | tail -n 2 | tr '\n' ' ')" \
    "1 2 3 |99 100 "
check_eq "tail -n +K and head -c/tail -c" \
    "$(seq 100 | tail -n +99 | tr '\n' ' ')|$(echo abcdefgh | head -c 3)|$(printf abcdefgh | tail -c 2)" \
    "99 100 |abc|gh"
check_eq "wc -l -w -c" "$(printf 'one two\nthree four five\n' | wc -l -w -c | awk '{ print $1, $2, $3 }')" "2 5 24"
seq 2000 > seq2000
check_eq "tail of a file larger than a page" "$(tail -n 1 seq2000) $(wc -l < seq2000)" "2000 2000"

# --- xargs, tr, cut, seq
check_eq "xargs collects arguments" "$(seq 5 | xargs echo)" "1 2 3 4 5"
check_eq "xargs -n 2" "$(seq 5 | xargs -n 2 echo | tr '\n' '|')" "1 2|3 4|5|"
check_eq "xargs -I{}" "$(printf 'a\nb\n' | xargs -I{} echo '<{}>' | tr -d '\n')" "<a><b>"
touch xa xb xc
echo xa xb xc | xargs rm
check_eq "xargs rm removes the files" "$(ls xa xb xc 2>/dev/null | wc -l)" "0"
check_eq "tr ranges, -d and -s" "$(echo 'Hello   World' | tr a-z A-Z | tr -s ' ' | tr -d O)" "HELL WRLD"
check_eq "cut -d -f and -c" "$(echo 'a:b:c:d' | cut -d: -f2,4) $(echo abcdef | cut -c2-4)" "b:d bcd"
check_eq "seq with a step" "$(seq 1 3 10 | tr '\n' ' ')" "1 4 7 10 "

# --- checksums (digests of "abc" from the published test vectors)
check_eq "md5sum of abc" "$(printf abc | md5sum)" "900150983cd24fb0d6963f7d28e17f72  -"
check_eq "sha256sum of abc" "$(printf abc | sha256sum)" \
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -"
md5sum fruit seq2000 > sums.md5
check "md5sum -c verifies a list" md5sum -c sums.md5
echo kiwi >> fruit
st=0; md5sum -c sums.md5 >/dev/null 2>&1 || st=$?
check_eq "md5sum -c notices a changed file" "$st" "1"
