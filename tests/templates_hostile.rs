//! Issue 9, templates: a custom vendor template (`--vendors-dir`) that writes a value raw would let
//! a folder named `$(...)` run in the generated shell script. Every form that used to slip past
//! the text guard (`{{ {x}}}`, `{{ &x}}`, a newline inside the mustache) is refused from the parsed
//! template, with file:line:col and a code; a recursive inline partial is a diagnostic, not a
//! stack overflow that aborts the process.

use std::path::Path;

use crate::support;

fn copy_kesl(to: &Path) {
    let from = support::real::repo().join("vendors/kesl");
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// `avexclude vendors --vendors-dir D` with kesl's apply.sh.hbs replaced by `body`: exit code and
/// stderr; fails the test if it takes more than 30 s.
fn load_with_apply(body: &str) -> (Option<i32>, String) {
    let d = tempfile::tempdir().unwrap();
    copy_kesl(&d.path().join("kesl"));
    std::fs::write(d.path().join("kesl/apply.sh.hbs"), body).unwrap();
    let vendors_dir = d.path().as_os_str();
    support::run_bounded([
        std::ffi::OsStr::new("vendors"),
        "--vendors-dir".as_ref(),
        vendors_dir,
    ])
}

const HEAD: &str = "#!/bin/sh\nset -eu\n{{#each directories as |d|}}\n";

#[test]
fn every_raw_output_form_is_refused_at_its_position() {
    // (the line after HEAD, the column of the mustache)
    for (form, line, col) in [
        ("kesl-control --add-exclusion {{{d.path}}}", 4, 30),
        ("kesl-control --add-exclusion {{ {d.path}}}", 4, 30),
        ("kesl-control --add-exclusion {{~{d.path}~}}", 4, 30),
        ("kesl-control --add-exclusion {{&d.path}}", 4, 30),
        ("kesl-control --add-exclusion {{ &d.path}}", 4, 30),
        ("kesl-control --add-exclusion {{~ &d.path}}", 4, 30),
        ("kesl-control --add-exclusion {{\n{d.path}}}", 4, 30),
        ("kesl-control --add-exclusion {{\n&d.path}}", 4, 30),
        ("kesl-control --add-exclusion {{{\nd.path\n}}}", 4, 30),
    ] {
        let body = format!("{HEAD}{form}\n{{{{/each}}}}\n");
        let (code, err) = load_with_apply(&body);
        assert_eq!(code, Some(2), "{form:?} was accepted: {err}");
        assert!(
            err.contains(&format!(
                "kesl/apply.sh.hbs:{line}:{col}: error[raw-output]"
            )),
            "{form:?}: {err}"
        );
    }
}

#[test]
fn a_value_without_the_format_helper_is_refused() {
    // `{{d.path}}` is escaped by the registry's default, but only a helper checks what the format
    // can carry: a bare value, a built-in helper that returns a value, or a foreign block is refused.
    for (form, code) in [
        ("kesl-control --add-exclusion {{d.path}}", "bare-value"),
        (
            "kesl-control --add-exclusion {{lookup d \"path\"}}",
            "bare-value",
        ),
        ("kesl-control --add-exclusion {{json d.path}}", "bare-value"),
        ("{{{{raw}}}}{{d.path}}{{{{/raw}}}}", "block-helper"),
        ("{{#> p}}x{{/p}}", "partial"),
        ("{{> (lookup d \"path\")}}", "partial"),
    ] {
        let body = format!("{HEAD}{form}\n{{{{/each}}}}\n");
        let (status, err) = load_with_apply(&body);
        assert_eq!(status, Some(2), "{form:?} was accepted: {err}");
        assert!(
            err.contains("kesl/apply.sh.hbs:4:") && err.contains(&format!("error[{code}]")),
            "{form:?}: {err}"
        );
    }
    // the helper form is fine
    let (status, err) = load_with_apply(&format!(
        "{HEAD}kesl-control --add-exclusion {{{{sh d.path}}}}\n{{{{/each}}}}\n"
    ));
    assert_eq!(status, Some(0), "{err}");
}

#[test]
fn recursive_partials_are_a_diagnostic_not_an_abort() {
    for (body, line) in [
        (
            "#!/bin/sh\n{{#*inline \"p\"}}{{> p}}{{/inline}}\n{{> p}}\n",
            2,
        ),
        (
            "#!/bin/sh\n{{#*inline \"a\"}}{{> b}}{{/inline}}\n{{#*inline \"b\"}}\n{{#if x}}{{> a}}{{/if}}{{/inline}}\n{{> a}}\n",
            2,
        ),
    ] {
        let (code, err) = load_with_apply(body);
        assert_eq!(code, Some(2), "{body:?}: {err}");
        assert!(
            err.contains("kesl/apply.sh.hbs:") && err.contains("error[recursive-partial]"),
            "{body:?}: {err}"
        );
        let _ = line;
    }
    // the template itself (registered as "t") is not a partial to call
    let (code, err) = load_with_apply("#!/bin/sh\n{{> t}}\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("kesl/apply.sh.hbs:2:1: error[partial]"),
        "{err}"
    );
    // a non-recursive inline partial is fine
    let (code, err) = load_with_apply(
        "#!/bin/sh\n{{#*inline \"x\"}}kesl-control --add-exclusion {{sh path}}\n{{/inline}}\n{{#each directories}}{{> x}}{{/each}}\n",
    );
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn deep_nesting_is_a_diagnostic_not_an_abort() {
    let deep_blocks = format!(
        "#!/bin/sh\n{}x{}",
        "{{#if a}}".repeat(50_000),
        "{{/if}}".repeat(50_000)
    );
    let (code, err) = load_with_apply(&deep_blocks);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("apply.sh.hbs:2:") && err.contains("error[nesting]"),
        "{err}"
    );
    let deep_parens = format!(
        "#!/bin/sh\n{{{{sh {}x{}}}}}\n",
        "(lookup ".repeat(50_000),
        ")".repeat(50_000)
    );
    let (code, err) = load_with_apply(&deep_parens);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("error[nesting]"), "{err}");
}
