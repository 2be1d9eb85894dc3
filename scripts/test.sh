#!/bin/bash
# The test command of the README: install what the tests need (Debian packages, when missing),
# then run every test. Tests that need a real component fail, never skip, when it is missing:
# AVEXCLUDE_REQUIRE_REAL=1 tells them so.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/test-deps.sh
export AVEXCLUDE_REQUIRE_REAL=1
cargo test --locked -- --test-threads="${TEST_THREADS:-2}"
