//! sha256 of executables, cached by (device, inode, size, mtime, ctime) so a timer that re-runs
//! `discover --hash` hashes only binaries that changed. ctime is in the key because anyone who
//! can write a file can put its mtime back (`touch -d`), but no user can set ctime: a rewrite
//! always changes it, so a replaced binary is always hashed again.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::model::WarnCode;
use crate::model::Warning;

/// The identity a cached hash is valid for.
pub fn cache_key(md: &std::fs::Metadata) -> String {
    format!(
        "{}:{}:{}:{}.{}:{}.{}",
        md.dev(),
        md.ino(),
        md.size(),
        md.mtime(),
        md.mtime_nsec(),
        md.ctime(),
        md.ctime_nsec()
    )
}

/// Hashes known by file identity.
#[derive(Debug, Default)]
pub struct HashCache {
    entries: BTreeMap<String, String>,
    dirty: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheFile {
    version: u32,
    entries: BTreeMap<String, String>,
}

impl HashCache {
    /// Load a cache file; a missing file is an empty cache, a broken one a warning.
    pub fn load(path: Option<&Path>, warnings: &mut Vec<Warning>) -> HashCache {
        let Some(path) = path else {
            return HashCache::default();
        };
        // bounded, regular files only, never blocking (see crate::input)
        match crate::input::read(path) {
            Ok(b) => match serde_json::from_slice::<CacheFile>(&b) {
                Ok(c) if c.version == 1 => HashCache {
                    entries: c.entries,
                    dirty: false,
                },
                _ => {
                    warnings.push(
                        Warning::new(
                            WarnCode::HashCacheInvalid,
                            "the hash cache is not readable; starting a new one",
                        )
                        .about(path.display().to_string()),
                    );
                    HashCache::default()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashCache::default(),
            Err(e) => {
                warnings.push(
                    Warning::new(
                        WarnCode::HashCacheInvalid,
                        format!("cannot read the hash cache: {e}"),
                    )
                    .about(path.display().to_string()),
                );
                HashCache::default()
            }
        }
    }

    /// Write the cache back (atomically) if it changed.
    pub fn save(&self, path: Option<&Path>, warnings: &mut Vec<Warning>) {
        let Some(path) = path else { return };
        if !self.dirty {
            return;
        }
        let file = CacheFile {
            version: 1,
            entries: self.entries.clone(),
        };
        let res = serde_json::to_vec(&file)
            .map_err(std::io::Error::other)
            .and_then(|b| crate::atomic::write(path, &b));
        if let Err(e) = res {
            warnings.push(
                Warning::new(
                    WarnCode::HashCacheUnwritable,
                    format!("cannot write the hash cache: {e}"),
                )
                .about(path.display().to_string()),
            );
        }
    }

    /// sha256 of an open file, from the cache when its identity is known.
    pub fn hash(&mut self, mut f: std::fs::File) -> std::io::Result<String> {
        let md = f.metadata()?;
        let key = cache_key(&md);
        if let Some(h) = self.entries.get(&key) {
            return Ok(h.clone());
        }
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.entries.insert(key, hex.clone());
        self.dirty = true;
        Ok(hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rewrite that puts the mtime back keeps size and mtime, but not ctime: hashed again.
    #[test]
    fn a_rewrite_with_the_old_mtime_is_hashed_again() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("bin");
        std::fs::write(&f, b"first content").unwrap();
        let old = std::fs::metadata(&f).unwrap().modified().unwrap();
        let mut c = HashCache::default();
        let h1 = c.hash(std::fs::File::open(&f).unwrap()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&f, b"other content").unwrap(); // same size
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_eq!(std::fs::metadata(&f).unwrap().modified().unwrap(), old);
        let h2 = c.hash(std::fs::File::open(&f).unwrap()).unwrap();
        assert_ne!(h1, h2, "the cache served the old hash of a rewritten file");
    }
}
