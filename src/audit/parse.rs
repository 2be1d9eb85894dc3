//! Readers of each product's configuration, as the product shows it or exports it. Each returns
//! the exclusions it holds; the ClamAV reader also the lines its pitfalls are judged on.
//!
//! Formats (sources next to each reader and its tests):
//! - ClamAV `clamd.conf`: `Option value`, one per line, `#` comments (etc/clamd.conf.sample).
//! - KESL `kesl-control --get-settings <task> [--file]`: INI, `[ExcludedFromScanScope.item_#]`
//!   with `Path=`, `[TrustedPrograms.item_#]` with `ProgramPath=` (KES4Linux/11.2.0 197965.htm,
//!   12.0.0 234873.htm).
//! - Dr.Web `drweb-ctl cfshow LinuxSpider` or drweb.ini: `ExcludedPath = "/a", "/b"` lists,
//!   repeated keys merged, `#`/`;` comments (unix/server/10.0 dw_9_spiderguard_config.htm, 11.0
//!   dw_9_configfile_struct.htm).
//! - Defender `mdatp_managed.json`: `exclusionSettings.exclusions[]` with `$type`, `path`,
//!   `name` (defender-docs linux-exclusions.md); `mdatp exclusion list` text: absolute paths
//!   taken from it (its format is not documented).
//! - ESET `cfg --export-xml`: `<NODE ... VALUE="...">` values (dmaasland/efsl-icap-docker
//!   settings.xml); the names of the exclusion lists are not documented, so every absolute-path
//!   VALUE is taken, a trailing `/*` meaning the directory.

/// The exclusions a product holds now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Current {
    /// Directory (or file) exclusions, as absolute paths.
    pub paths: Vec<String>,
    /// Process exclusions.
    pub processes: Vec<String>,
    /// ClamAV: the raw `OnAccessExcludePath` values (pitfalls are judged on the raw text).
    pub onacc_exclude: Vec<String>,
    pub onacc_include: Vec<String>,
    pub exclude_unames: Vec<String>,
    pub exclude_uids: Vec<String>,
    /// ClamAV: `User` (clamd's own user).
    pub user: Option<String>,
    /// Lines the product reads differently from how they look: (value, why).
    pub misread: Vec<(String, String)>,
}

fn push(v: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if s.starts_with('/') && !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// The literal path a ClamAV `ExcludePath` regex written as `^<escaped>/` or `^<escaped>$`
/// stands for; `None` for any other regex.
pub fn clamd_regex_path(re: &str) -> Option<String> {
    let body = re.strip_prefix('^')?;
    let body = body
        .strip_suffix('/')
        .or_else(|| body.strip_suffix('$'))
        .unwrap_or(body);
    let mut out = String::new();
    let mut it = body.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => out.push(it.next()?),
            '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                return None;
            }
            c => out.push(c),
        }
    }
    out.starts_with('/').then_some(out)
}

/// ClamAV clamd.conf (and the clamonacc options in it).
pub fn clamav(text: &str) -> Current {
    let mut c = Current::default();
    for raw in text.split('\n') {
        if raw.ends_with('\r') {
            let v = raw.trim_end_matches('\r');
            c.misread.push((
                v.trim().to_string(),
                "the line ends in CR (a CRLF file): clamd keeps the CR in the value, so it never matches".into(),
            ));
        }
        let line = raw.trim_end_matches('\r');
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (key, value) = match t.split_once([' ', '\t']) {
            Some((k, v)) => (k, v.trim()),
            None => (t, ""),
        };
        if value.contains('#') {
            c.misread.push((
                format!("{key} {value}"),
                "clamd.conf has no trailing comments: everything after the key, `#` included, is the value".into(),
            ));
        }
        match key {
            "ExcludePath" => match clamd_regex_path(value) {
                Some(p) => push(&mut c.paths, &p),
                None => c.misread.push((
                    format!("ExcludePath {value}"),
                    "not an anchored literal path (^/dir/ or ^/file$): it is matched as an unanchored regex anywhere in a path".into(),
                )),
            },
            "OnAccessExcludePath" => {
                c.onacc_exclude.push(value.to_string());
                push(&mut c.paths, value.trim_end_matches('/'));
            }
            "OnAccessIncludePath" => c.onacc_include.push(value.to_string()),
            "OnAccessExcludeUname" => c.exclude_unames.push(value.to_string()),
            "OnAccessExcludeUID" => c.exclude_uids.push(value.to_string()),
            "User" => c.user = Some(value.to_string()),
            _ => {}
        }
    }
    c
}

/// KESL settings (INI) as `kesl-control --get-settings` prints or writes them.
pub fn kesl(text: &str) -> Current {
    let mut c = Current::default();
    let mut section = String::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(s) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = s.to_string();
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"');
        match k.trim() {
            "Path" if section.starts_with("ExcludedFromScanScope") => push(&mut c.paths, v),
            "ProgramPath" if section.starts_with("TrustedPrograms") => push(&mut c.processes, v),
            _ => {}
        }
    }
    c
}

/// Dr.Web: `drweb-ctl cfshow` output or drweb.ini.
pub fn drweb(text: &str) -> Current {
    let mut c = Current::default();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            continue;
        };
        let key = k.trim().rsplit('.').next().unwrap_or("");
        let list = match key {
            "ExcludedPath" => &mut c.paths,
            "ExcludedProc" => &mut c.processes,
            _ => continue,
        };
        for item in v.split(',') {
            push(list, item.trim().trim_matches('"'));
        }
    }
    c
}

/// Defender: the managed JSON, or `mdatp exclusion list` text.
pub fn mdatp(text: &str) -> Current {
    let mut c = Current::default();
    if let Ok(j) = serde_json::from_str::<serde_json::Value>(text) {
        let list = j
            .get("exclusionSettings")
            .and_then(|e| e.get("exclusions"))
            .or_else(|| j.get("antivirusEngine").and_then(|e| e.get("exclusions")))
            .and_then(|e| e.as_array())
            .cloned()
            .unwrap_or_default();
        for e in list {
            let ty = e.get("$type").and_then(|t| t.as_str()).unwrap_or("");
            match ty {
                "excludedPath" => {
                    if let Some(p) = e.get("path").and_then(|p| p.as_str()) {
                        push(&mut c.paths, p.trim_end_matches('/'));
                    }
                }
                "excludedFileName" => {
                    if let Some(n) = e.get("name").and_then(|p| p.as_str()) {
                        push(&mut c.processes, n);
                    }
                }
                _ => {}
            }
        }
        return c;
    }
    // Text listing: each absolute path found, by the word before it when there is one.
    for line in text.lines() {
        let low = line.to_ascii_lowercase();
        for tok in line.split(['"', '\'', ' ', '\t', ',']) {
            if tok.starts_with('/') {
                if low.contains("process") {
                    push(&mut c.processes, tok);
                } else {
                    push(&mut c.paths, tok.trim_end_matches('/'));
                }
            }
        }
    }
    c
}

/// ESET `cfg --export-xml`.
pub fn eset(text: &str) -> Current {
    let mut c = Current::default();
    for part in text.split("VALUE=\"").skip(1) {
        let Some(v) = part.split('"').next() else {
            continue;
        };
        let v = v
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'");
        if let Some(d) = v.strip_suffix("/*") {
            push(&mut c.paths, d);
        } else if v.starts_with('/') {
            // A bare path is a file exclusion or a process: compared against both.
            push(&mut c.paths, &v);
            push(&mut c.processes, &v);
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamd_regexes_back_to_paths() {
        assert_eq!(
            clamd_regex_path(r"^/var/lib/pg\.15/main/").as_deref(),
            Some("/var/lib/pg.15/main")
        );
        assert_eq!(
            clamd_regex_path(r"^/etc/x\.key$").as_deref(),
            Some("/etc/x.key")
        );
        assert_eq!(clamd_regex_path(r"/var/.*"), None);
    }
}
