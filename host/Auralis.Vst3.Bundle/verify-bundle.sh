#!/bin/sh
# usage: verify-bundle.sh BUNDLE
# Checks an Auralis.vst3 bundle (a build output, an unpacked package, an installed copy): every path in
# bundle-files.txt is there, every built-in plugin its auralis.config.json requires is in its plugins folder, and
# moduleinfo.json lists a class for each. Prints each problem by name; exit status 1 when there is one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle=${1:?usage: verify-bundle.sh BUNDLE}
[ -d "$bundle" ] || { echo "verify-bundle: error: $bundle is not a folder" >&2; exit 1; }
problems=0
while IFS= read -r pattern; do
  case "$pattern" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086 # the pattern is a glob on purpose
  set -- "$bundle"/$pattern
  if [ ! -e "$1" ]; then
    echo "verify-bundle: error: $bundle lacks $pattern" >&2
    problems=$((problems + 1))
  fi
done < "$here/bundle-files.txt"
python3 - "$bundle" <<'PY' || problems=$((problems + 1))
import glob, json, os, sys
bundle = sys.argv[1]
resources = os.path.join(bundle, "Contents", "Resources")
try:
    required = json.load(open(os.path.join(resources, "auralis.config.json")))["required_plugins"]
    classes = json.load(open(os.path.join(resources, "moduleinfo.json")))["Classes"]
except (OSError, ValueError, KeyError) as e:
    sys.exit(f"verify-bundle: error: {bundle}: {e}")
installed = {}
for manifest in glob.glob(os.path.join(resources, "plugins", "*", "plugin.json")):
    try:
        installed[json.load(open(manifest))["id"]] = manifest
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"verify-bundle: error: {manifest}: {e}")
missing = [p for p in required if p not in installed]
for p in missing:
    print(f"verify-bundle: error: built-in plugin {p} is required by auralis.config.json but not in {resources}/plugins", file=sys.stderr)
names = {c["Name"] for c in classes}
if "Auralis Chain" not in names:
    print("verify-bundle: error: moduleinfo.json lists no 'Auralis Chain' class", file=sys.stderr)
    missing.append("Auralis Chain")
if len(classes) != len(installed) + 1:
    print(f"verify-bundle: error: moduleinfo.json lists {len(classes)} classes for {len(installed)} built-in plugins and the chain", file=sys.stderr)
    missing.append("classes")
sys.exit(1 if missing else 0)
PY
[ "$problems" -eq 0 ] || { echo "verify-bundle: $bundle is incomplete ($problems problem(s))" >&2; exit 1; }
echo "verify-bundle: $bundle is complete"
