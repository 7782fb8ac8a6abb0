#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs every check: types, lint, unit and integration
# tests against the real Docker engine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
cd "$SOCKETLAB_ROOT"
say "type-checking"
npx tsc --noEmit -p .
say "linting"
npx biome check .
say "running the tests"
npx vitest run
