#!/usr/bin/env bash
# Records public API symbols the build reports as undeclared (RS0016) into PublicAPI.Unshipped.txt, using the
# analyzer's own code fix. Run it only for a deliberate API addition and review the diff; at a release, move the
# lines into PublicAPI.Shipped.txt. Removals (RS0017) are breaking changes and are never recorded automatically.
set -euo pipefail
cd "$(dirname "$0")/Auralis.Sdk"
dotnet format analyzers Auralis.Sdk.csproj --diagnostics RS0016 --severity info -v q
dotnet build -v q
