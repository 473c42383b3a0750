#!/usr/bin/env bash
# Accepts the current outputs as the new expected golden files (golden-audio/expected). Use it only for an intended
# change, and review `git diff golden-audio/expected` before committing. Needs a build (./build.sh build).
set -euo pipefail
cd "$(dirname "$0")/.."
AURALIS_UPDATE_GOLDEN=1 dotnet test tests/Auralis.Dsp.Tests -c "${CONFIGURATION:-Release}" --no-build -nologo \
  --filter "FullyQualifiedName~Auralis.Dsp.Tests.Golden"
du -sh golden-audio/expected
