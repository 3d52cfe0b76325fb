#!/usr/bin/env bash
# The report pages (index.html) in a real browser: installs Debian's Chromium if it is missing
# (apt-get, as root), then runs the Maven profile 'browser' (ReportPageBrowserCheck): every
# subcommand and `all` on the default dataset into geometry-cli/target/browser-check/, each page opened
# in headless Chromium through its DevTools protocol: no console error, every figure loaded, a
# screenshot that is not one colour (the screenshots stay in target/browser-check/screenshots/).
#   geometry-cli/browser-check.sh           # from anywhere; extra arguments go to Maven (e.g. -o)
# Exit code: Maven's (0: every page passed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROMIUM="${CHROMIUM:-chromium}"

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "browser-check: $CHROMIUM not found; install it as root: apt-get install -y chromium" >&2
    exit 2
  fi
  echo "browser-check: installing Debian's chromium ..." >&2
  apt-get update -q
  # Only the browser: the check speaks its DevTools protocol itself, no chromedriver.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

cd "$ROOT"
exec "${MVN:-mvn}" -B -Pbrowser -pl geometry-cli -am test -Dtest=ReportPageBrowserCheck \
  -Dsurefire.failIfNoSpecifiedTests=false -Dembgeo.chromium="$(command -v "$CHROMIUM")" "$@"
