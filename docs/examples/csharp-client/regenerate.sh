#!/usr/bin/env bash
# Regenerates the C# client sample from the API as it is now: writes labelplatform.openapi.json from a
# test server (OpenApiTests with LP_WRITE_OPENAPI=1, on a private PostgreSQL cluster), then runs Kiota.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
source .ci/postgres.sh
port=$(free_port 46432)
data=$(mktemp -d)
chmod 755 "$data"
start_cluster "$data/pg" "$port" "-c fsync=off"
trap 'stop_cluster "$data/pg"; rm -rf "$data"' EXIT
LP_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres" LP_WRITE_OPENAPI=1 \
  dotnet test tests/LabelPlatform.IntegrationTests -c Release --filter "FullyQualifiedName~ClientSamplesDocument"
kiota="${KIOTA:-$HOME/.dotnet/tools/kiota}"
[ -x "$kiota" ] || dotnet tool install --global Microsoft.OpenApi.Kiota --version 1.38.0
cd "$here"
"$kiota" generate -l CSharp -d labelplatform.openapi.json -c LabelPlatformClient -n LabelPlatform.ClientSample.Api -o ./Api \
  --exclude-backward-compatible --clean-output
