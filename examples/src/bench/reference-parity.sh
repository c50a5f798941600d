#!/bin/sh
# Kiln's reference models (logistic/linear regression, XGBoost trees) against scikit-learn on the
# same 5-fold folds (docs/benchmarks.md, "Reference models against scikit-learn"). Not a test.
#
#   sh examples/src/bench/reference-parity.sh [ReferenceParity arguments, e.g. iris wine --seed 7]
#
# Run from the repository root (or anywhere: it changes to it). As root on Debian or Ubuntu it
# installs python3-sklearn with apt-get when it is missing (the wine table is read from it too).
# Maven runs under flock /tmp/kiln-mvn.lock (a shared 2-core machine); set MVN_FLAGS (e.g. -o).
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
python=/usr/bin/python3

if ! "$python" -c 'import sklearn' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing python3-sklearn"
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y python3-sklearn; then
            apt-get update
            DEBIAN_FRONTEND=noninteractive apt-get install -y python3-sklearn
        fi
    else
        echo "scikit-learn is missing for $python: install python3-sklearn (as root: apt-get install python3-sklearn)" >&2
        exit 1
    fi
fi

out="$root/examples/target/bench-references"
rm -rf "$out"
flock /tmp/kiln-mvn.lock mvn -B ${MVN_FLAGS:-} -q -DskipTests -Pbench package \
    -Dbench.main=io.kiln.examples.bench.ReferenceParity -Dbench.args="--out $out $*"
"$python" "$root/examples/src/bench/reference_parity.py" "$out" | tee "$out/reference-parity.md"
