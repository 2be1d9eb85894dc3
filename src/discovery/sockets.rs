//! Listening sockets from `/proc/net/{tcp,tcp6,udp,udp6}` (kernel format: hex address and port,
//! IPv4 as one little-endian word, IPv6 as four), TCP in LISTEN state and unconnected UDP.

use std::net::IpAddr;

use procfs::FromBufReadSI;
use procfs::net::{TcpNetEntries, TcpState, UdpNetEntries, UdpState};

use crate::model::{Listener, Protocol};

// TCP sockets listen in state LISTEN (`0A`); UDP sockets report state 07 (CLOSE) when
// unconnected: the crate's `TcpState::Listen` and `UdpState::Close`.

/// The four tables: file name, protocol, IP version.
pub const TABLES: &[(&str, Protocol, u8)] = &[
    ("tcp", Protocol::Tcp, 4),
    ("tcp6", Protocol::Tcp, 6),
    ("udp", Protocol::Udp, 4),
    ("udp6", Protocol::Udp, 6),
];

/// Parse one table; malformed lines are skipped and counted.
///
/// Each line is parsed by the `procfs` crate ([`TcpNetEntries`]/[`UdpNetEntries`]: hex
/// addresses, byte order, state, inode), one line at a time: the crate fails the whole table on
/// one bad line, and a hostile or truncated table must still give its good lines.
pub fn parse_table(b: &[u8], protocol: Protocol, ip_version: u8) -> (Vec<Listener>, usize) {
    let mut out = Vec::new();
    let mut bad = 0;
    let text = String::from_utf8_lossy(b);
    // the crate skips a header line: each line is handed over after an empty one
    let mut one = String::new();
    for line in text.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        one.clear();
        one.push('\n');
        one.push_str(line);
        match parse_line(&one, protocol, ip_version) {
            Some(Some(l)) => out.push(l),
            Some(None) => {}
            None => bad += 1,
        }
    }
    (out, bad)
}

/// The crate needs the host's byte order for the hex addresses (the kernel prints the address
/// words in host order); nothing else of [`procfs::SystemInfoInterface`] is used by the tables.
struct ByteOrder;

impl procfs::SystemInfoInterface for ByteOrder {
    fn boot_time_secs(&self) -> procfs::ProcResult<u64> {
        Ok(0)
    }
    fn ticks_per_second(&self) -> u64 {
        100
    }
    fn page_size(&self) -> u64 {
        4096
    }
    fn is_little_endian(&self) -> bool {
        cfg!(target_endian = "little")
    }
}

/// `Some(None)` for a well-formed line that is not a listener (TCP not in LISTEN; UDP connected
/// or with a remote port).
fn parse_line(one: &str, protocol: Protocol, ip_version: u8) -> Option<Option<Listener>> {
    let (local, listening, inode) = if protocol == Protocol::Tcp {
        let e = TcpNetEntries::from_buf_read(one.as_bytes(), &ByteOrder)
            .ok()?
            .0
            .pop()?;
        (e.local_address, e.state == TcpState::Listen, e.inode)
    } else {
        let e = UdpNetEntries::from_buf_read(one.as_bytes(), &ByteOrder)
            .ok()?
            .0
            .pop()?;
        let unconnected = e.state == UdpState::Close && e.remote_address.port() == 0;
        (e.local_address, unconnected, e.inode)
    };
    // the table's own family: a v6 address in `tcp` (or the reverse) is not a kernel line
    let address = match (ip_version, local.ip()) {
        (4, IpAddr::V4(a)) => a.to_string(),
        (6, IpAddr::V6(a)) => a.to_string(),
        _ => return None,
    };
    if !listening || inode == 0 {
        return Some(None);
    }
    Some(Some(Listener {
        protocol,
        ip_version,
        address,
        port: local.port(),
        inode,
        ..Listener::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kernel_lines() {
        let t = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:8DDB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 41213 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:8DDB 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000   104        0 41999 1 0000000000000000 100 0 0 10 0\n";
        let (l, bad) = parse_table(t.as_bytes(), Protocol::Tcp, 4);
        assert_eq!(bad, 0);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].address, "127.0.0.1");
        assert_eq!(l[0].port, 36315);
        assert_eq!(l[0].inode, 41213);
        let t6 = "hdr\n   0: 00000000000000000000000001000000:1111 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 5 1\n";
        let (l, _) = parse_table(t6.as_bytes(), Protocol::Tcp, 6);
        assert_eq!(l[0].address, "::1");
        assert_eq!(l[0].port, 4369);
    }
}
