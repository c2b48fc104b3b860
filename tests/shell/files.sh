# SPDX-License-Identifier: MPL-2.0
# File steps: find, ln -s, cp -a, mv, rm -r, chmod, stat, tar, gzip/gunzip, dd, cmp, cat (sendfile),
# mkfifo, touch. Sourced by run.sh in /tmp/w.

mkdir -p tree/a/b tree/c
echo 1 > tree/a/f1
echo 22 > tree/a/b/f2
echo 333 > tree/c/f3
seq 5000 > tree/c/big
ln -s ../a/f1 tree/c/link1

# --- find
check_eq "find -type f" "$(find tree -type f | sort | tr '\n' ' ')" \
    "tree/a/b/f2 tree/a/f1 tree/c/big tree/c/f3 "
check_eq "find -type d and -type l" "$(find tree -type d | sort | tr '\n' ' ')|$(find tree -type l)" \
    "tree tree/a tree/a/b tree/c |tree/c/link1"
check_eq "find -name with a glob and -exec" "$(find tree -name 'f[23]' -exec cat {} \; | sort | tr '\n' ' ')" "22 333 "
check_eq "find -maxdepth and -size" \
    "$(find tree -maxdepth 1 | sort | tr '\n' ' ')|$(find tree -type f -size +2k)" "tree tree/a tree/c |tree/c/big"

# --- ln, stat, chmod
check_eq "ln -s: readlink and reading through the link" "$(readlink tree/c/link1) $(cat tree/c/link1)" "../a/f1 1"
ln tree/a/f1 hard1
check_eq "ln: a hard link raises the link count" "$(stat -c %h tree/a/f1) $(cat hard1)" "2 1"
rm hard1
check_eq "stat -c %s %F for a file, a directory, a symlink" \
    "$(stat -c '%s %F' tree/a/f1)|$(stat -c %F tree/a)|$(stat -c %F tree/c/link1)" \
    "2 regular file|directory|symbolic link"
chmod 640 tree/a/f1
m1=$(stat -c %a tree/a/f1)
chmod u+x,g-r tree/a/f1
m2=$(stat -c %a tree/a/f1)
chmod 750 tree/a/f1
check_eq "chmod octal and symbolic modes" "$m1 $m2 $(stat -c %A tree/a/f1)" "640 700 -rwxr-x---"
touch -d '2001-02-03 04:05:06' tree/a/b/f2
check_eq "touch -d sets the modification time" "$(date -r tree/a/b/f2 '+%Y-%m-%d %H:%M:%S')" "2001-02-03 04:05:06"

# --- cp -a, mv, rm -r
cp -a tree copy
check_eq "cp -a copies the tree" "$(cd copy && find . | sort | tr '\n' ' ')" \
    "$(cd tree && find . | sort | tr '\n' ' ')"
check_eq "cp -a keeps modes, mtimes and symlinks" \
    "$(stat -c '%a %Y' copy/a/f1 copy/a/b/f2 | tr '\n' ' ')$(readlink copy/c/link1)" \
    "$(stat -c '%a %Y' tree/a/f1 tree/a/b/f2 | tr '\n' ' ')../a/f1"
check "cp -a: the copied contents are identical (diff -r)" diff -r tree copy
mv copy moved
check_eq "mv renames a directory" "$([ -e copy ] || echo gone) $(cat moved/c/f3)" "gone 333"
mv moved/c/big /root/big
check_eq "mv across file systems (tmpfs to rootfs) copies and removes" \
    "$([ -e moved/c/big ] || echo gone) $(tail -n 1 /root/big)" "gone 5000"
mv /root/big moved/c/big
rm -r moved
check_eq "rm -r removes a tree" "$([ -e moved ] || echo gone)" "gone"
st=0; rm nothing-here 2>/dev/null || st=$?
check_eq "rm of a missing file fails, rm -f does not" "$st $(rm -f nothing-here; echo $?)" "1 0"

# --- tar and gzip
tar -cf t.tar -C tree .
mkdir untar
tar -xf t.tar -C untar
check "tar: create, extract, compare (diff -r)" diff -r tree untar
check_eq "tar -t lists the members" "$(tar -tf t.tar | sed 's|^\./||; s|/$||' | grep . | sort | tr '\n' ' ')" \
    "a a/b a/b/f2 a/f1 c c/big c/f3 c/link1 "
tar -czf t.tgz -C tree .
mkdir untgz
tar -xzf t.tgz -C untgz
check "tar -z: gzip-compressed round trip" diff -r tree untgz
seq 20000 > big
sum0=$(md5sum < big)
gzip -9 -c big > big.gz
check_eq "gzip -9 compresses (seq 20000 to under half)" \
    "$([ $(stat -c %s big.gz) -lt $(($(stat -c %s big) / 2)) ] && echo smaller)" "smaller"
check_eq "gunzip -c restores the bytes (md5sum)" "$(gunzip -c big.gz | md5sum)" "$sum0"
rm big.gz
gzip big
ls big >/dev/null 2>&1 && st=kept || st=removed
gunzip big.gz
check_eq "gzip/gunzip in place replace the file and back" "$st $(md5sum < big) $([ -e big.gz ] || echo nogz)" \
    "removed $sum0 nogz"
check "gzip -t tests an archive" sh -c 'gzip -c big | gzip -t'
printf 'not gzip data' > bad.gz
check "gunzip rejects a corrupt file" sh -c '! gunzip -c bad.gz >/dev/null 2>&1'

# --- dd, cmp, cat
dd if=/dev/zero of=z bs=4096 count=16 2>/dev/null
check_eq "dd bs/count writes 65536 zero bytes" "$(stat -c %s z) $(tr -d '\0' < z | wc -c)" "65536 0"
printf 0123456789 > d
check_eq "dd skip/count" "$(dd if=d bs=1 skip=3 count=4 2>/dev/null)" "3456"
printf XY | dd of=d bs=1 seek=2 conv=notrunc 2>/dev/null
check_eq "dd seek with conv=notrunc" "$(cat d)" "01XY456789"
check_eq "dd reports records" "$(dd if=d of=/dev/null bs=4 2>&1 | head -n 2 | tr '\n' '|')" \
    "2+1 records in|2+1 records out|"
cp d d2
check "cmp: identical files" cmp d d2
printf 01XZ456789 > d3
out=$(cmp d d3)
check_eq "cmp: reports the first difference and exits 1" "$out $?" "d d3 differ: char 4, line 1 1"
cat big > big.cat
check "cat file > file copies all bytes" cmp big big.cat
check_eq "cat file | md5sum (file to pipe)" "$(cat big | md5sum)" "$sum0"
check_eq "cat of several files and stdin (-)" "$(echo mid | cat tree/a/f1 - tree/c/f3 | tr '\n' ' ')" "1 mid 333 "
mkfifo fifo
(echo through-fifo > fifo) &
check_eq "mkfifo: a writer and a reader meet" "$(cat fifo)" "through-fifo"
wait
truncate -s 10000 sparse
check_eq "truncate -s extends with zeros" "$(stat -c %s sparse) $(tr -d '\0' < sparse | wc -c)" "10000 0"
