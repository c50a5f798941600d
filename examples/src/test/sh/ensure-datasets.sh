#!/bin/sh
# Makes sure the datasets the example tests read from the system are present (run by
# examples/pom.xml in the process-test-resources phase; skipped with -DskipTests):
#   Reuters-21578 "grain" in Weka's ARFF format, /usr/share/doc/weka/examples/ReutersGrain-*.arff,
#   from Debian's weka package.
#
# Present: nothing to do. Otherwise, as root on a machine with apt-get: download the weka package
# and unpack only those two files into place (installing weka would also pull in Java packages,
# and minimal images may drop /usr/share/doc from installed packages). Otherwise: say how to get
# them and fail, so the build stops here rather than in a test.
set -eu

DIR=${KILN_WEKA_EXAMPLES:-/usr/share/doc/weka/examples} # the variable: for testing this script
FILES="ReutersGrain-train.arff ReutersGrain-test.arff"

missing=""
for f in $FILES; do
    [ -s "$DIR/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-datasets: missing$missing; unpacking them from Debian's weka package" >&2
    tmp=$(mktemp -d)
    chmod 755 "$tmp" # apt-get download runs as _apt where it can
    trap 'rm -rf "$tmp"' EXIT
    export DEBIAN_FRONTEND=noninteractive
    (cd "$tmp" && apt-get download weka) || { apt-get update && (cd "$tmp" && apt-get download weka); }
    dpkg-deb -x "$tmp"/weka_*.deb "$tmp/root"
    mkdir -p "$DIR"
    for f in $FILES; do
        src="$tmp/root/usr/share/doc/weka/examples/$f"
        [ -s "$src" ] || src="$src.gz"
        case "$src" in
            *.gz) gzip -dc "$src" > "$DIR/$f" ;;
            *) cp "$src" "$DIR/$f" ;;
        esac
    done
    exit 0
fi

echo "ensure-datasets: the Reuters grain files are missing from $DIR:$missing" >&2
echo "  install Debian's weka package (sudo apt-get install weka), or copy them there from it" >&2
exit 1
