#!/usr/bin/env bash
# A bounded fuzzing run of both fuzz targets (docs/fuzzing.md): FUZZ_SECONDS each (default 30),
# from the committed seeds, with a fixed libFuzzer seed so that the run is repeatable.
# Installs cargo-fuzz from crates.io when it is missing. Uses the nightly toolchain with
# AddressSanitizer when there is one, else the stable toolchain with `--sanitizer none`.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${FUZZ_SECONDS:-30}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "--- installing cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
fi
if cargo +nightly --version >/dev/null 2>&1; then
    toolchain=(+nightly)
    sanitizer=(--sanitizer address)
else
    toolchain=()
    sanitizer=(--sanitizer none)
fi
for target in load structured; do
    echo "--- cargo ${toolchain[*]} fuzz run $target ${sanitizer[*]} (${seconds} s)"
    mkdir -p "corpus/$target"
    log="$(mktemp)"
    if ! cargo "${toolchain[@]}" fuzz run "$target" "${sanitizer[@]}" -O \
        "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -seed=1 -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1; then
        tail -60 "$log"
        echo "fuzz target $target failed: the input is in fuzz/artifacts/$target/ (docs/fuzzing.md)"
        exit 1
    fi
    grep -E '^(#[0-9]+ +DONE|Done |stat::number_of_executed_units)' "$log" || true
    rm -f "$log"
done
