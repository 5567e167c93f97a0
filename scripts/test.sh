#!/usr/bin/env bash
# The one test command (README.md): installs what the tests need on a fresh machine, then runs
# formatting, lint, types, the dist/ freshness check and every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the integration tests start for real (see ../shared/FEASIBILITY.md).
need=()
command -v git >/dev/null || need+=(git)
if [ -f scripts/apt-packages.txt ]; then
  while read -r bin pkg; do
    [ -z "${bin:-}" ] || [[ "$bin" == \#* ]] && continue
    command -v "$bin" >/dev/null || need+=("$pkg")
  done < scripts/apt-packages.txt
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! [ node_modules/.package-lock.json -nt package-lock.json ]; then npm ci --no-audit --no-fund; fi

# git identity for the temporary repositories the tests create
git config --global user.name >/dev/null 2>&1 || git config --global user.name "relx tests"
git config --global user.email >/dev/null 2>&1 || git config --global user.email "tests@relx.invalid"

npm run --silent format:check
npm run --silent lint
npm run --silent typecheck
npm run --silent check-dist
results="$(mktemp)"
status=0
npm run --silent test:unit -- --ci --json --outputFile="$results" "$@" || status=$?
# Jest reports on stderr; the totals also go to stdout for whoever reads only that.
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped, ${r.numTotalTests} total in ${r.numTotalTestSuites} suites`);
' "$results" || true
rm -f "$results"
exit "$status"
