#!/bin/sh
# Makes sure the datasets the example tests read from the system are present (run by
# examples/pom.xml in the process-test-resources phase; skipped with -DskipTests):
#   - Reuters-21578 "grain" in Weka's ARFF format, /usr/share/doc/weka/examples/ReutersGrain-*.arff,
#     from Debian's weka package;
#   - Fashion-MNIST's four IDX files, /usr/share/datasets/fashion-mnist/*-ubyte.gz, from Debian's
#     dataset-fashion-mnist package.
#
# Present: nothing to do. Otherwise, as root on a machine with apt-get: download the package and
# unpack only those files into place (installing weka would also pull in Java packages, and
# minimal images may drop /usr/share/doc from installed packages). Otherwise: say how to get them
# and fail, so the build stops here rather than in a test.
set -eu

# the variables: for testing this script
WEKA_DIR=${KILN_WEKA_EXAMPLES:-/usr/share/doc/weka/examples}
FASHION_DIR=${KILN_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}

# ensure PACKAGE TARGET_DIR DIR_IN_PACKAGE FILE...: each FILE in TARGET_DIR, else unpacked from PACKAGE
# (a FILE the package ships gzipped beside its name is decompressed)
ensure() {
    package=$1 dir=$2 packaged=$3
    shift 3
    missing=""
    for f in "$@"; do
        [ -s "$dir/$f" ] || missing="$missing $f"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "ensure-datasets: missing from $dir:$missing" >&2
        echo "  install Debian's $package package (sudo apt-get install $package), or copy them there from it" >&2
        exit 1
    fi
    echo "ensure-datasets: missing$missing; unpacking them from Debian's $package package" >&2
    tmp=$(mktemp -d)
    chmod 755 "$tmp" # apt-get download runs as _apt where it can
    export DEBIAN_FRONTEND=noninteractive
    (cd "$tmp" && apt-get download "$package") || { apt-get update && (cd "$tmp" && apt-get download "$package"); }
    dpkg-deb -x "$tmp"/"$package"_*.deb "$tmp/root"
    mkdir -p "$dir"
    for f in "$@"; do
        src="$tmp/root$packaged/$f"
        if [ -s "$src" ]; then
            cp "$src" "$dir/$f"
        elif [ -s "$src.gz" ]; then
            gzip -dc "$src.gz" > "$dir/$f"
        else
            echo "ensure-datasets: $package has no $packaged/$f" >&2
            rm -rf "$tmp"
            exit 1
        fi
    done
    rm -rf "$tmp"
}

ensure weka "$WEKA_DIR" /usr/share/doc/weka/examples ReutersGrain-train.arff ReutersGrain-test.arff
ensure dataset-fashion-mnist "$FASHION_DIR" /usr/share/datasets/fashion-mnist \
    train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
