//! Listening sockets from `/proc/net/{tcp,tcp6,udp,udp6}` (kernel format: hex address and port,
//! IPv4 as one little-endian word, IPv6 as four), TCP in LISTEN state and unconnected UDP.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::model::Listener;

/// TCP state LISTEN (`0A`); UDP sockets report state 07 (CLOSE) when unconnected.
const TCP_LISTEN: u8 = 0x0A;
const UDP_UNCONNECTED: u8 = 0x07;

/// The four tables: file name, protocol, IP version.
pub const TABLES: &[(&str, &str, u8)] = &[
    ("tcp", "tcp", 4),
    ("tcp6", "tcp", 6),
    ("udp", "udp", 4),
    ("udp6", "udp", 6),
];

/// Parse one table; malformed lines are skipped and counted.
pub fn parse_table(b: &[u8], protocol: &str, ip_version: u8) -> (Vec<Listener>, usize) {
    let mut out = Vec::new();
    let mut bad = 0;
    let text = String::from_utf8_lossy(b);
    for line in text.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, protocol, ip_version) {
            Some(Some(l)) => out.push(l),
            Some(None) => {}
            None => bad += 1,
        }
    }
    (out, bad)
}

/// `Some(None)` for a well-formed line that is not a listener.
fn parse_line(line: &str, protocol: &str, ip_version: u8) -> Option<Option<Listener>> {
    let f: Vec<&str> = line.split_ascii_whitespace().collect();
    if f.len() < 10 {
        return None;
    }
    let (addr, port) = f[1].split_once(':')?;
    let (_, rport) = f[2].split_once(':')?;
    let state = u8::from_str_radix(f[3], 16).ok()?;
    let inode: u64 = f[9].parse().ok()?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let rport = u16::from_str_radix(rport, 16).ok()?;
    let address = parse_addr(addr, ip_version)?;
    let listening = match protocol {
        "tcp" => state == TCP_LISTEN,
        _ => state == UDP_UNCONNECTED && rport == 0,
    };
    if !listening || inode == 0 {
        return Some(None);
    }
    Some(Some(Listener {
        protocol: protocol.into(),
        ip_version,
        address,
        port,
        inode,
        ..Listener::default()
    }))
}

fn parse_addr(hex: &str, ip_version: u8) -> Option<String> {
    match (ip_version, hex.len()) {
        (4, 8) => {
            let v = u32::from_str_radix(hex, 16).ok()?;
            Some(Ipv4Addr::from(v.to_le_bytes()).to_string())
        }
        (6, 32) => {
            let mut bytes = [0u8; 16];
            for w in 0..4 {
                // `get`: a hostile table may hold multi-byte characters (never slice mid-char)
                let v = u32::from_str_radix(hex.get(w * 8..w * 8 + 8)?, 16).ok()?;
                bytes[w * 4..w * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            Some(Ipv6Addr::from(bytes).to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kernel_lines() {
        let t = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:8DDB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 41213 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:8DDB 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000   104        0 41999 1 0000000000000000 100 0 0 10 0\n";
        let (l, bad) = parse_table(t.as_bytes(), "tcp", 4);
        assert_eq!(bad, 0);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].address, "127.0.0.1");
        assert_eq!(l[0].port, 36315);
        assert_eq!(l[0].inode, 41213);
        let t6 = "hdr\n   0: 00000000000000000000000001000000:1111 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 5 1\n";
        let (l, _) = parse_table(t6.as_bytes(), "tcp", 6);
        assert_eq!(l[0].address, "::1");
        assert_eq!(l[0].port, 4369);
    }
}
