#!/usr/bin/env bash
# Runs Splunk AppInspect (splunk-appinspect from PyPI) on the packages in dist/, with the checks
# Splunk Cloud vetting uses: precert mode, cloud tags. Fails on any failure or error; prints one
# summary line per package (the full reports stay in .tmp/appinspect/). README.md explains every
# warning it gives today.
#
#   bash scripts/package-inspect.sh [package.tgz …]   (default: dist/*.tgz)
set -euo pipefail
cd "$(dirname "$0")/.."

APPINSPECT_VERSION=4.3.1
venv=.tmp/appinspect/venv
reports=.tmp/appinspect

# AppInspect reads file types through libmagic; the venv needs Python's venv module.
need_apt=()
ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1' || need_apt+=(libmagic1)
python3 -m venv --help >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
if [ "${#need_apt[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ "$("$venv/bin/python" -m pip show splunk-appinspect 2>/dev/null | sed -n 's/^Version: //p')" != "$APPINSPECT_VERSION" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "splunk-appinspect==$APPINSPECT_VERSION"
fi

packages=("$@")
[ "${#packages[@]}" -gt 0 ] || packages=(dist/*.tgz)
status=0
for package in "${packages[@]}"; do
  report="$reports/$(basename "$package" .tgz).json"
  "$venv/bin/splunk-appinspect" inspect "$package" --mode precert --included-tags cloud \
    --output-file "$report" >"${report%.json}.txt" 2>&1 || true
  "$venv/bin/python" - "$package" "$report" <<'PY' || status=1
import json, sys
package, report = sys.argv[1], sys.argv[2]
with open(report) as f:
    result = json.load(f)
summary = result["summary"]
flagged = [
    f'{check["result"]}: {check["name"]}'
    for r in result["reports"] for g in r["groups"] for check in g["checks"]
    if check["result"] not in ("success", "not_applicable", "skipped")
]
print(f'appinspect {package}: ' + ", ".join(f"{k} {summary[k]}" for k in
      ("failure", "error", "future_failure", "warning", "success", "not_applicable")))
for line in flagged:
    print(f"  {line}")
sys.exit(1 if summary["failure"] or summary["error"] else 0)
PY
done
exit "$status"
