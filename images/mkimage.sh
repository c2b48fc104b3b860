#!/bin/sh
# SPDX-License-Identifier: MPL-2.0
# Build the Keel GRUB disk image (MBR; BIOS, and UEFI when GRUB's EFI files exist) without loop devices or mounts.
#
# usage: mkimage.sh OUT.qcow2 WORKDIR ROOTFS KERNEL INITRD_GZ EPOCH
#
# ROOTFS is the staged root file system (userland/dist/stage-rootfs.sh);
# KERNEL becomes /boot/keel.elf and INITRD_GZ /boot/rootfs.cpio.gz (the
# recovery entry's initramfs). Every identifier and timestamp is fixed, so
# the same inputs give the same bytes. Layout (512-byte sectors):
#   0          MBR: GRUB boot.img (first 440 bytes) + partition table
#   1..2047    GRUB core.img (BIOS)
#   2048..     partition 1: ext2 root, label keel-root   (root=/dev/vda1)
#   then       partition 2: EFI system partition (FAT), when UEFI is built
set -eu

out=$1 work=$2 rootfs=$3 kernel=$4 initrd=$5 epoch=$6
here=$(cd "$(dirname "$0")" && pwd)

ROOT_UUID=4b65656c-0000-4000-8000-000000000001
HASH_SEED=4b65656c-0000-4000-8000-000000000002
DISK_ID=0x4b65656c
ESP_SERIAL=4b65656c
ROOT_MIB=${ROOT_MIB:-64}
ESP_MIB=${ESP_MIB:-8}
GRUB_LIB=${GRUB_LIB:-/usr/lib/grub}
BIOS_MODULES="biosdisk part_msdos ext2 fat gzio multiboot2 normal configfile
    serial terminal echo search search_fs_uuid search_fs_file test"
EFI_MODULES="part_msdos ext2 fat gzio multiboot2 normal configfile serial
    terminal echo search search_fs_uuid search_fs_file test efi_gop efi_uga"

export SOURCE_DATE_EPOCH=$epoch E2FSPROGS_FAKE_TIME=$epoch
umask 022
rm -rf "$work"
mkdir -p "$work"

# 1. The partition's contents: the staged root plus /boot.
root="$work/root"
cp -a "$rootfs" "$root"
mkdir -p "$root/boot/grub"
install -m 0644 "$kernel" "$root/boot/keel.elf"
install -m 0644 "$initrd" "$root/boot/rootfs.cpio.gz"
sed "s/@ROOT_UUID@/$ROOT_UUID/g" "$here/grub.cfg" > "$root/boot/grub/grub.cfg"
# GRUB runs the built-in config before its script parser is loaded: no comments.
sed -e "s/@ROOT_UUID@/$ROOT_UUID/g" -e '/^#/d' "$here/early.cfg" > "$work/early.cfg"
find "$root" -exec touch -h -d "@$epoch" {} +

# 2. ext2 in its own file (mke2fs -d copies the tree; debugfs adds the
# device nodes, which needs no privileges), written into place later.
mke2fs -q -F -t ext2 -b 4096 -L keel-root -U "$ROOT_UUID" \
    -E "hash_seed=$HASH_SEED,root_owner=0:0" -d "$root" "$work/root.ext2" "${ROOT_MIB}M" >/dev/null
cat > "$work/devnodes.debugfs" <<DBG
cd /dev
mknod console c 5 1
sif console mode 020600
mknod null c 1 3
sif null mode 020666
cd /
DBG
# mke2fs -d copies each file's ctime and atime from the staging tree, and
# those are "now": pin them (and the new nodes') to the epoch too.
(cd "$root" && find . | LC_ALL=C sort) | sed 's|^\.||; s|^$|/|' | while read -r p; do
    echo "sif \"$p\" ctime @$epoch"
    echo "sif \"$p\" atime @$epoch"
done >> "$work/devnodes.debugfs"
for p in /dev/console /dev/null; do
    printf 'sif %s ctime @%s\nsif %s atime @%s\n' $p "$epoch" $p "$epoch"
done >> "$work/devnodes.debugfs"
debugfs -w -f "$work/devnodes.debugfs" "$work/root.ext2" >"$work/debugfs.log" 2>&1
if grep -qiE 'not found|error|invalid|bad ' "$work/debugfs.log"; then
    cat "$work/debugfs.log" >&2; exit 1
fi

# 3. GRUB for BIOS: core.img goes right after the MBR (LBA 1), where
# boot.img's defaults already point, so nothing needs patching.
grub-mkimage -O i386-pc -d "$GRUB_LIB/i386-pc" -c "$work/early.cfg" \
    -p "(hd0,msdos1)/boot/grub" -o "$work/core.img" $BIOS_MODULES
core_sectors=$(( ($(stat -c %s "$work/core.img") + 511) / 512 ))
[ "$core_sectors" -lt 2047 ] || { echo "mkimage: core.img too big" >&2; exit 1; }

# 4. GRUB for UEFI, when Debian's grub-efi-amd64-bin is installed.
esp_sectors=0
if [ -d "$GRUB_LIB/x86_64-efi" ] && command -v mformat >/dev/null; then
    grub-mkimage -O x86_64-efi -d "$GRUB_LIB/x86_64-efi" -c "$work/early.cfg" \
        -p /boot/grub -o "$work/BOOTX64.EFI" $EFI_MODULES
    esp_sectors=$((ESP_MIB * 2048))
    truncate -s "${ESP_MIB}M" "$work/esp.img"
    mformat -i "$work/esp.img" -N "$ESP_SERIAL" -v KEEL-ESP -h 64 -s 32 \
        -T "$esp_sectors" ::
    mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT
    touch -d "@$epoch" "$work/BOOTX64.EFI"
    mcopy -i "$work/esp.img" -m "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
else
    echo "mkimage: no $GRUB_LIB/x86_64-efi (grub-efi-amd64-bin): BIOS only"
fi

# 5. The disk: partition table, boot code, file systems.
root_sectors=$((ROOT_MIB * 2048))
esp_start=$((2048 + root_sectors))
total=$((esp_start + esp_sectors))
disk="$work/disk.raw"
truncate -s $((total * 512)) "$disk"
{
    echo "label: dos"
    echo "label-id: $DISK_ID"
    echo "unit: sectors"
    echo "start=2048, size=$root_sectors, type=83, bootable"
    [ "$esp_sectors" -eq 0 ] || echo "start=$esp_start, size=$esp_sectors, type=ef"
} | sfdisk -q --no-reread --no-tell-kernel "$disk"
dd if="$GRUB_LIB/i386-pc/boot.img" of="$disk" bs=440 count=1 conv=notrunc status=none
dd if="$work/core.img" of="$disk" bs=512 seek=1 conv=notrunc status=none
dd if="$work/root.ext2" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
[ "$esp_sectors" -eq 0 ] || \
    dd if="$work/esp.img" of="$disk" bs=512 seek="$esp_start" conv=notrunc,sparse status=none

# 6. qcow2 (compressed clusters: the free space costs nothing).
mkdir -p "$(dirname "$out")"
qemu-img convert -q -c -f raw -O qcow2 "$disk" "$out.tmp"
mv "$out.tmp" "$out"
