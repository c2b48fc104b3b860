#!/bin/sh
# SPDX-License-Identifier: MPL-2.0
# The config.json of the crun_run_true benchmark: what `crun spec` writes, with terminal off
# and /bin/true as the process. Usage: crun_bundle.sh CRUN OUT (nothing is written when CRUN
# is missing: the metric then reports n/a).
set -eu
crun=$1 out=$2
[ -x "$crun" ] || { rm -f "$out"; exit 0; }
crun=$(realpath "$crun")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && "$crun" spec)
# Edit the text so everything else stays as crun wrote it; check the result.
sed -e 's/"terminal": true/"terminal": false/' -e 's|^\(\t*\)"sh"$|\1"/bin/true"|' \
    "$dir/config.json" > "$dir/out.json"
python3 - "$dir/out.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
assert spec["process"]["terminal"] is False and spec["process"]["args"] == ["/bin/true"], \
    "crun spec output changed: terminal/args not edited"
PY
mv "$dir/out.json" "$out"
