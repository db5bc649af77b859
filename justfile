# Developer tasks. Every recipe is a thin wrapper: the commands work without
# `just` too (CI runs .ci/run, which does not use it).

# List the recipes.
default:
    @just --list

# Release build of the krust binary.
build:
    cargo build --release

# The binary as it is shipped (thin LTO, stripped): target/dist/krust.
dist:
    cargo build --profile dist

# All tests (unit, fixtures, CLI, differential against kubectl when present).
test:
    cargo test --release

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

# Byte-exact run over the shared kustomize conformance corpus.
conformance: build
    ../shared/conformance/run --exact -- target/release/krust build

# Fail if a case recorded in fixtures/conformance-passing.txt regressed.
ratchet: build
    tools/conformance-ratchet

# Record newly passing conformance cases in the baseline (never removes any).
ratchet-update: build
    tools/conformance-ratchet --update

# Benchmark against kubectl kustomize (see tools/bench for the knobs).
bench:
    tools/bench

# Render every environment of every system into deployments/rendered/ (commit the result).
render: build
    .ci/render

# Fail, listing stale files, when deployments/rendered/ is out of date.
render-check: build
    .ci/render --check

# Regenerate fixture expectations with kubectl kustomize (optionally: case names).
fixtures *CASES:
    tools/regen-fixtures {{CASES}}

# Everything CI does.
ci:
    bash .ci/run
