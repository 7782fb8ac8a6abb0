#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs every check: types, lint, unit and integration
# tests against the real Docker engine, and the dashboard's tests in a real browser (chromium).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
setup_browser
cd "$SOCKETLAB_ROOT"
say "type-checking"
npx tsc --noEmit -p .
npx tsc --noEmit -p dashboard
say "linting"
npx biome check .
say "running the tests"
npx vitest run
