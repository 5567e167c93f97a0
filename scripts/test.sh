#!/usr/bin/env bash
# The one test command (README.md): installs what the tests need on a fresh machine, then runs
# formatting, lint, types, the dist/ freshness check and every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# One stream, in order: Jest reports on stderr, and a runner that reads stdout and stderr apart
# would otherwise find Jest's last line, not the summary, at the end of one of them.
exec 2>&1

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

# The static checks count as tests: a failing one is a failure in the summary line, and the suites
# still run so one report shows everything that is wrong.
checks_failed=0
for check in format:check lint typecheck check-dist; do
  if ! npm run --silent "$check"; then
    echo "check failed: npm run $check" >&2
    checks_failed=$((checks_failed + 1))
  fi
done
results="$(mktemp)"
status=0
# Jest's own totals block is left out (see scripts/jest-ci-reporter.mjs): the one summary is below.
# --reporters takes a list, so a flag must follow it before the test paths.
npm run --silent test:unit -- --reporters=./scripts/jest-ci-reporter.mjs --ci --json --outputFile="$results" "$@" || status=$?
[ "$checks_failed" -eq 0 ] || status=1
# The last line is the summary the CI runner reads, exactly "N passed, N failed, N skipped" with no
# word before it (a leading "tests" can be taken for node's test runner) and nothing after it. The
# lines above it avoid the words "passed" and "failed" so that no other line reads as a summary.
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
node -e '
  const fs = require("fs");
  const checks = { passed: 4 - Number(process.argv[2]), failed: Number(process.argv[2]) };
  let r = { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, numTotalTestSuites: 0 };
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.error("no Jest results: counted as one failure"); }
  const seconds = r.startTime ? Math.round((Date.now() - r.startTime) / 1000) : 0;
  console.log(`static checks (format, lint, types, dist): ${checks.passed} of 4 ok; Jest suites: ${r.numTotalTestSuites}, ${r.numFailedTestSuites ?? 0} with failures, ${seconds} s`);
  const slowest = (r.testResults ?? [])
    .map((t) => ({ name: t.name.replace(process.cwd() + "/", ""), s: (t.endTime - t.startTime) / 1000 }))
    .sort((a, b) => b.s - a.s).slice(0, 5).map((t) => `${t.name} ${Math.round(t.s)} s`);
  if (slowest.length) console.log(`slowest suites: ${slowest.join("; ")}`);
  console.log(`${r.numPassedTests + checks.passed} passed, ${r.numFailedTests + checks.failed} failed, ${r.numPendingTests} skipped`);
' "$results" "$checks_failed"
rm -f "$results"
exit "$status"
