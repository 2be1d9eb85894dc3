//! The one way a user-named input file is read: catalog overlays, inventories, reports, state
//! files, vendor descriptors and templates.
//!
//! avexclude runs as root, and an input path can name anything: `--catalog /dev/zero` once grew
//! the process to 8 GB, a FIFO with no writer blocked it forever. So an input must be a regular
//! file (a symbolic link to one is fine: the user named it), it is opened non-blocking (opening a
//! FIFO never waits for a writer), checked again on the open descriptor (the name could be swapped
//! between the check and the open), and read up to [`MAX_INPUT`] bytes: a larger file is an error,
//! never silently cut.
//!
//! Errors are `std::io::Error`s whose message names the file; `NotFound` keeps its kind so callers
//! that treat a missing file as "first run" (state files) still can.

use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Largest input file read: 16 MiB. The built-in catalog is about 100 KB and an inventory of a
/// busy host a few MB; a larger input is a mistake or an attack.
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// What a file type is, in words, for "is a FIFO, not a regular file".
pub fn kind_of(ft: &std::fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

fn named(path: &Path, kind: io::ErrorKind, msg: impl std::fmt::Display) -> io::Error {
    io::Error::new(kind, format!("{}: {msg}", path.display()))
}

/// Read a whole input file, at most [`MAX_INPUT`] bytes.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    read_limited(path, MAX_INPUT)
}

/// As [`read`], as UTF-8 text (a BOM is an error: see [`check_text`]).
pub fn read_text(path: &Path) -> io::Result<String> {
    let b = read(path)?;
    String::from_utf8(b)
        .map_err(|e| {
            named(
                path,
                io::ErrorKind::InvalidData,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })
        .and_then(|t| {
            check_text(&t)
                .map(|_| t)
                .map_err(|m| named(path, io::ErrorKind::InvalidData, m))
        })
}

/// A UTF-8 byte-order mark at the start of a YAML or JSON input: refused with a message that
/// says what it is (the parsers would otherwise report a confusing error about the first key).
pub fn check_text(text: &str) -> Result<(), String> {
    if text.starts_with('\u{feff}') {
        return Err(
            "starts with a UTF-8 byte-order mark (U+FEFF); save the file as UTF-8 without BOM"
                .into(),
        );
    }
    Ok(())
}

/// As [`read`], with an explicit limit (tests).
pub fn read_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    // Refuse what is not a regular file before opening it: opening some devices has effects.
    let meta = std::fs::metadata(path).map_err(|e| named(path, e.kind(), e))?;
    if !meta.file_type().is_file() {
        return Err(named(
            path,
            io::ErrorKind::InvalidInput,
            format!(
                "is {}, not a regular file; only regular files are read",
                kind_of(&meta.file_type())
            ),
        ));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| named(path, e.kind(), e))?;
    // The name may have been swapped for a FIFO or device since the check: trust the descriptor.
    let meta = file.metadata().map_err(|e| named(path, e.kind(), e))?;
    if !meta.file_type().is_file() {
        return Err(named(
            path,
            io::ErrorKind::InvalidInput,
            format!(
                "is {}, not a regular file; only regular files are read",
                kind_of(&meta.file_type())
            ),
        ));
    }
    if meta.len() > limit {
        return Err(too_big(path, limit));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    // +1: a file that grew past the limit while being read is detected, not cut.
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| named(path, e.kind(), e))?;
    if buf.len() as u64 > limit {
        return Err(too_big(path, limit));
    }
    Ok(buf)
}

fn too_big(path: &Path, limit: u64) -> io::Error {
    named(
        path,
        io::ErrorKind::InvalidData,
        format!(
            "is larger than {} MiB, the limit for an input file",
            limit / (1024 * 1024)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_and_fifos_without_blocking() {
        let e = read(Path::new("/dev/zero")).unwrap_err();
        assert!(
            e.to_string().contains("/dev/zero: is a character device"),
            "{e}"
        );
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("f");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read(&fifo).unwrap_err();
        assert!(e.to_string().contains("is a FIFO"), "{e}");
    }

    #[test]
    fn limit_and_not_found() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big");
        std::fs::write(&p, vec![b'a'; 2048]).unwrap();
        assert!(read_limited(&p, 2048).is_ok());
        let e = read_limited(&p, 2047).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
        let e = read(&d.path().join("none")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn bom_is_named() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("bom.yaml");
        std::fs::write(&p, "\u{feff}schema: 1\n").unwrap();
        let e = read_text(&p).unwrap_err();
        assert!(e.to_string().contains("byte-order mark"), "{e}");
    }
}
