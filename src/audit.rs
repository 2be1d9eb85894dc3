//! Audit: the antivirus's own configuration (read live where the product is installed, or from
//! an exported file) against what this host needs: what is missing, stale, too broad, or a
//! pitfall the product is known to trip over.

pub mod mounts;
