//! The release wiring, checked without building it (the build and its inspection run in CI:
//! `.ci/run` calls scripts/release.sh then scripts/release-check.sh, which fail, never skip):
//! the image is built from the portable binary, and the Docker context holds nothing else.

use std::path::PathBuf;

fn read(p: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap()
}

#[test]
fn image_is_built_from_the_portable_binary_and_the_context_is_only_that() {
    let docker = read("deploy/kubernetes/Dockerfile");
    let copies: Vec<&str> = docker
        .lines()
        .filter(|l| l.starts_with("COPY "))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(copies, ["dist/avexclude"], "{docker}");
    // .dockerignore: exclude everything, then admit exactly what the Dockerfile copies
    let ignore = read(".dockerignore");
    let rules: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(rules.first(), Some(&"*"), "{ignore}");
    let admitted: Vec<&str> = rules.iter().filter_map(|r| r.strip_prefix('!')).collect();
    assert_eq!(admitted, copies);
}

#[test]
fn ci_builds_and_inspects_the_release() {
    let ci = read(".ci/run");
    let pos = |s: &str| ci.find(s).unwrap_or_else(|| panic!("{s} not in .ci/run"));
    assert!(pos("./scripts/test.sh") < pos("./scripts/release.sh"));
    assert!(pos("./scripts/release.sh") < pos("./scripts/release-check.sh"));
    assert!(ci.contains("set -euo pipefail"));
    let rel = read("scripts/release.sh");
    assert!(rel.contains("TRIPLE=x86_64-unknown-linux-gnu") && rel.contains("GLIBC=2.17"));
    assert!(rel.contains("cargo zigbuild --release --locked --target \"$TRIPLE.$GLIBC\""));
    let check = read("scripts/release-check.sh");
    for want in [
        "objdump -T",
        "GLIBC_2.17",
        "dpkg -i",
        "dpkg -r",
        "rpm -qlp",
        "check --root",
    ] {
        assert!(check.contains(want), "release-check.sh lacks {want}");
    }
}
