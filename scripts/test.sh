#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs every check: types, lint, unit and integration
# tests against the real Docker engine, and the dashboard's tests in a real browser (chromium).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# Green must mean green on a new machine: images whose Debian base is more than a day old are
# built again from today's packages (a new machine's images had a ca-certificates that old ones
# lacked, and three test files failed there while they passed here).
IMAGES_MAX_AGE=24h
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
