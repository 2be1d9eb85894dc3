//! Handlebars helpers: one per escaping, registered only in the registries of the formats they are
//! right for (a `{{json v}}` inside a shell script would be a bug, so it is an unknown helper
//! there). A helper whose value the format cannot carry fails the render: never an empty string,
//! never a half-escaped value.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};
use serde_json::Value;

use super::escape::{self, Format};

type Conv = fn(&str) -> Result<String, String>;

struct Fmt {
    name: &'static str,
    conv: Conv,
    /// Accept numbers and booleans (written as their text), not only strings.
    scalars: bool,
    /// What a JSON null becomes; `None`: a null is an error like a missing value.
    null_as: Option<&'static str>,
}

fn fail(name: &str, msg: impl std::fmt::Display) -> RenderError {
    RenderErrorReason::Other(format!("{{{{{name}}}}}: {msg}")).into()
}

impl HelperDef for Fmt {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let p = h
            .param(0)
            .ok_or_else(|| fail(self.name, "needs one value"))?;
        if p.is_value_missing() {
            return Err(fail(
                self.name,
                format!(
                    "missing value `{}`",
                    p.relative_path().map_or("?", |s| s.as_str())
                ),
            ));
        }
        let s = match p.value() {
            Value::String(s) => s.clone(),
            Value::Number(n) if self.scalars => n.to_string(),
            Value::Bool(b) if self.scalars => b.to_string(),
            Value::Null if self.null_as.is_some() => {
                out.write(self.null_as.unwrap_or_default())?;
                return Ok(());
            }
            other => {
                return Err(fail(self.name, format!("expects a string, got {other}")));
            }
        };
        let v = (self.conv)(&s).map_err(|e| fail(self.name, e))?;
        out.write(&v)?;
        Ok(())
    }
}

fn checked(f: Format, s: &str) -> Result<String, String> {
    escape::check(f, s)?;
    Ok(s.to_string())
}

/// A registry being filled, and the names registered so far.
struct Reg<'a> {
    hb: &'a mut Handlebars<'static>,
    names: Vec<&'static str>,
}

fn put(
    reg: &mut Reg<'_>,
    name: &'static str,
    conv: Conv,
    scalars: bool,
    null_as: Option<&'static str>,
) {
    reg.names.push(name);
    reg.hb.register_helper(
        name,
        Box::new(Fmt {
            name,
            conv,
            scalars,
            null_as,
        }),
    );
}

fn no_control(s: &str) -> Result<String, String> {
    match s.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!("control character U+{:04X}", c as u32)),
        None => Ok(s.to_string()),
    }
}

/// Register the helpers of `format` in `reg`; returns their names, the only expressions a
/// template of this format may write a value with (see `vendor::check_template`).
pub fn register(reg: &mut Handlebars<'static>, format: Format) -> Vec<&'static str> {
    let mut r = Reg {
        hb: reg,
        names: Vec::new(),
    };
    register_all(&mut r, format);
    r.names
}

fn register_all(reg: &mut Reg<'_>, format: Format) {
    // Comment text is safe in every format that has line comments.
    if format.comment_prefix().is_some() {
        put(reg, "comment", |s| Ok(escape::comment(s)), true, Some("-"));
    }
    put(
        reg,
        "pad4",
        |s| {
            s.parse::<u32>()
                .map(|n| format!("{n:04}"))
                .map_err(|_| format!("`{s}` is not a number"))
        },
        true,
        None,
    );
    match format {
        Format::Ini => put(reg, "ini", escape::ini, false, None),
        Format::DrwebIni => put(reg, "drweb", escape::drweb, false, None),
        Format::Clamd => {
            put(reg, "clamd", escape::clamd, false, None);
            put(reg, "clamd_regex_dir", escape::clamd_regex_dir, false, None);
            put(
                reg,
                "clamd_regex_file",
                escape::clamd_regex_file,
                false,
                None,
            );
            put(reg, "onacc_path", escape::onacc_path, false, None);
            put(reg, "onacc_regex", escape::onacc_regex, false, None);
        }
        Format::Args => {
            put(
                reg,
                "clamd_regex_dir",
                |s| escape::clamd_regex_dir(s).and_then(|r| checked(Format::Args, &r)),
                false,
                None,
            );
            put(
                reg,
                "clamd_regex_file",
                |s| escape::clamd_regex_file(s).and_then(|r| checked(Format::Args, &r)),
                false,
                None,
            );
        }
        Format::Sh => put(
            reg,
            "sh",
            |s| checked(Format::Sh, s).map(|s| escape::sh(&s)),
            true,
            None,
        ),
        Format::Json => put(
            reg,
            "json",
            |s| no_control(s).map(|s| escape::json(&s)),
            true,
            Some("null"),
        ),
        Format::Xml => {
            put(
                reg,
                "xml",
                |s| no_control(s).map(|s| escape::xml(&s)),
                true,
                None,
            );
            put(
                reg,
                "xml_comment",
                |s| Ok(escape::xml_comment(s)),
                true,
                Some("-"),
            );
        }
        Format::Csv => put(
            reg,
            "csv",
            |s| no_control(s).map(|s| escape::csv(&s)),
            true,
            Some("\"\""),
        ),
        Format::Text => put(reg, "text", |s| checked(Format::Text, s), false, None),
    }
}
