//! Issue 9, inputs and text for people: every input is a bounded read of a regular file that never
//! blocks (`--catalog /dev/zero` once grew to 8 GB, a FIFO hung the run), inventories of another
//! schema are refused, a BOM is named, and bidi overrides, zero-width and control characters never
//! reach the HTML, Markdown or table output raw.

use std::path::Path;

use crate::support::{self, export_fleet as fleet};
use avexclude::model::Status;

/// Run avexclude with `args`; exit code and stderr. Fails the test if it takes over 30 s.
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    support::run_bounded(args)
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn inventory_file(dir: &Path, schema: u64) -> std::path::PathBuf {
    // A real host's inventory (an empty one is refused as a scan that saw nothing), with `schema` set.
    let host = dir.join(format!("host-{schema}"));
    crate::support::hosts::db_host(&host);
    let mut inv = crate::support::discover_json(&host);
    inv["schema"] = schema.into();
    let p = dir.join(format!("inv-{schema}.json"));
    std::fs::write(&p, serde_json::to_vec(&inv).unwrap()).unwrap();
    p
}

#[test]
fn a_device_a_fifo_or_a_huge_file_as_catalog_is_refused_quickly() {
    let d = tempfile::tempdir().unwrap();
    let inv = inventory_file(d.path(), 1);
    let fifo = d.path().join("site.yaml");
    mkfifo(&fifo);
    let big = d.path().join("big.yaml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(avexclude::input::MAX_INPUT + 1)
        .unwrap();
    for (cat, says) in [
        (Path::new("/dev/zero"), "is a character device"),
        (fifo.as_path(), "is a FIFO"),
        (big.as_path(), "larger than 16 MiB"),
    ] {
        let (code, err) = run(&[
            os("check"),
            os("--inventory"),
            inv.as_os_str(),
            os("--catalog"),
            cat.as_os_str(),
        ]);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains(&cat.display().to_string()) && err.contains(says),
            "{err}"
        );
    }
}

#[test]
fn a_fifo_or_device_as_inventory_vendor_file_or_state_is_refused_quickly() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("inv.yaml");
    mkfifo(&fifo);
    let (code, err) = run(&[os("check"), os("--inventory"), fifo.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("inv.yaml") && err.contains("FIFO"), "{err}");
    let (code, err) = run(&[os("check"), os("--inventory"), os("/dev/zero")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("/dev/zero") && err.contains("character device"),
        "{err}"
    );
    // a vendor template that is a FIFO
    let vd = d.path().join("vendors/kesl");
    std::fs::create_dir_all(&vd).unwrap();
    for e in std::fs::read_dir(support::real::repo().join("vendors/kesl")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), vd.join(e.file_name())).unwrap();
    }
    std::fs::remove_file(vd.join("apply.sh.hbs")).unwrap();
    mkfifo(&vd.join("apply.sh.hbs"));
    let (code, err) = run(&[
        os("vendors"),
        os("--vendors-dir"),
        d.path().join("vendors").as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("apply.sh.hbs") && err.contains("FIFO"),
        "{err}"
    );
    // a state file that is a FIFO
    let inv = inventory_file(d.path(), 1);
    let st = d.path().join("state.json");
    mkfifo(&st);
    let (code, err) = run(&[
        os("check"),
        os("--inventory"),
        inv.as_os_str(),
        os("--state"),
        st.as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("state.json") && err.contains("FIFO"), "{err}");
}

#[test]
fn an_inventory_of_another_schema_is_refused() {
    let d = tempfile::tempdir().unwrap();
    for schema in [0, 999] {
        let p = inventory_file(d.path(), schema);
        let (code, err) = run(&[os("check"), os("--inventory"), p.as_os_str()]);
        assert_eq!(code, Some(2), "schema {schema} accepted: {err}");
        assert!(
            err.contains(&p.display().to_string())
                && err.contains(&format!("schema {schema} is not supported"))
                && err.contains("reads inventory schema 1"),
            "{err}"
        );
    }
    let p = inventory_file(d.path(), 1);
    let (_, err) = run(&[os("check"), os("--inventory"), p.as_os_str()]);
    // (this empty inventory then fails closed, exit 2: no process visible; but not for its schema)
    assert!(!err.contains("is not supported"), "schema 1 refused: {err}");
}

#[test]
fn a_bom_is_named() {
    let d = tempfile::tempdir().unwrap();
    let inv = inventory_file(d.path(), 1);
    let cat = d.path().join("site.yaml");
    std::fs::write(&cat, "\u{feff}schema: 1\nentries: []\n").unwrap();
    let (code, err) = run(&[
        os("check"),
        os("--inventory"),
        inv.as_os_str(),
        os("--catalog"),
        cat.as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("site.yaml:1:1: error[bom]") && err.contains("byte-order mark"),
        "{err}"
    );
    let binv = d.path().join("bom-inv.json");
    let mut b = "\u{feff}".as_bytes().to_vec();
    b.extend(std::fs::read(&inv).unwrap());
    std::fs::write(&binv, b).unwrap();
    let (code, err) = run(&[os("check"), os("--inventory"), binv.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("bom-inv.json") && err.contains("byte-order mark"),
        "{err}"
    );
}

const HIDDEN: [char; 6] = [
    '\u{202E}', '\u{2066}', '\u{200B}', '\u{200F}', '\u{FEFF}', '\u{1b}',
];

#[test]
fn bidi_zero_width_and_controls_are_escaped_in_html_markdown_and_table() {
    use avexclude::export::{ExportFormat, Lang, export};
    let cat = fleet::catalog();
    let value = "/opt/elma365/\u{202E}hs.exe\u{2066}x\u{200B}y\u{200F}\u{FEFF}\u{1b}[2J";
    let r = fleet::HostBuilder::new(&cat, "host\u{202E}1", "OS", "2026-11-24T04:00:00Z")
        .set(
            "dir-opt-elma365",
            Status::Present,
            None,
            &[fleet::M {
                value: value.as_bytes(),
                via: "path exists",
                ..fleet::M::default()
            }],
        )
        .build();
    let outs = [
        (
            "html",
            String::from_utf8(
                export(std::slice::from_ref(&r), ExportFormat::Html, Lang::En, None).unwrap(),
            )
            .unwrap(),
        ),
        (
            "markdown",
            String::from_utf8(
                export(
                    std::slice::from_ref(&r),
                    ExportFormat::Markdown,
                    Lang::En,
                    None,
                )
                .unwrap(),
            )
            .unwrap(),
        ),
        (
            "table",
            // every entry and value: present ones are only counted by default
            avexclude::check::format::table_with(
                &r,
                &cat,
                &avexclude::check::format::TableOptions {
                    verbose: true,
                    ..Default::default()
                },
            ),
        ),
    ];
    for (name, text) in outs {
        for c in HIDDEN {
            assert!(
                !text.contains(c),
                "{name}: U+{:04X} reached the output raw",
                c as u32
            );
        }
        assert!(
            text.contains("\\u{202E}hs.exe"),
            "{name}: the override is not shown"
        );
    }
}
