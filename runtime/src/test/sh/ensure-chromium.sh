#!/bin/sh
# Makes sure headless Chromium is available for HtmlReportChromiumTest (run by runtime/pom.xml in
# the process-test-resources phase; skipped with -DskipTests or -Dmaven.test.skip).
#
# Chromium on the PATH: nothing to do. Otherwise, as root on a machine with apt-get (Debian,
# Ubuntu, CI containers): install the distribution's chromium package. Otherwise: say how to
# install it and fail, so the build stops here rather than in the test.
#
# Argument 1 (optional): the Chromium binary given with -Dkiln.chromium; it must be executable.
set -eu

if [ -n "${1:-}" ]; then
    if [ -x "$1" ]; then
        exit 0
    fi
    echo "ensure-chromium: -Dkiln.chromium=$1 is not an executable file" >&2
    exit 1
fi

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: chromium not found; installing it with apt-get (for the HTML report screenshot test)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends chromium
    if command -v chromium >/dev/null 2>&1; then
        exit 0
    fi
    echo "ensure-chromium: apt-get installed chromium but it is still not on the PATH" >&2
    exit 1
fi

cat >&2 <<'MSG'
ensure-chromium: Chromium is needed by the HTML report screenshot test (HtmlReportChromiumTest)
and is not on the PATH. Install it, then build again:

    sudo apt-get install --no-install-recommends chromium     # Debian, Ubuntu

or name any Chromium or Chrome binary with -Dkiln.chromium=/path/to/chrome. To build without
running tests, use -DskipTests.
MSG
exit 1
