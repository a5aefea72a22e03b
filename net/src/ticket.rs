//! Pairing tickets and the proof a joining device sends.
//!
//! A ticket is what the existing device shows as a QR code and as text: its device id,
//! the addresses it listens on, a one-time 32-byte secret and an expiry. The joining
//! device proves it holds the secret with a hash bound to both device ids (which the
//! QUIC handshake has already authenticated). The check code both devices show is made
//! in `pair.rs`, from the secret, both ids and a nonce of each device.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use sha2::{Digest, Sha256};

/// Tickets start with this, so a pasted ticket is recognised (and a future format can
/// be told apart).
const PREFIX: &str = "CB1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// The inviting device's public key.
    pub device: [u8; 32],
    pub secret: [u8; 32],
    /// Seconds since the epoch after which the ticket is refused.
    pub expires: u64,
    pub addrs: Vec<SocketAddr>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "that is not a pairing ticket ({0}); copy the whole text shown under the QR code on your other device"
)]
pub struct BadTicket(&'static str);

impl Ticket {
    /// The ticket as text: upper-case base32, which QR codes store compactly.
    pub fn encode(&self) -> String {
        let mut b = Vec::with_capacity(80);
        b.extend_from_slice(&self.device);
        b.extend_from_slice(&self.secret);
        b.extend_from_slice(&self.expires.to_be_bytes());
        let addrs: Vec<&SocketAddr> = self.addrs.iter().take(16).collect();
        b.push(addrs.len() as u8);
        for a in addrs {
            match a.ip() {
                IpAddr::V4(ip) => {
                    b.push(4);
                    b.extend_from_slice(&ip.octets());
                }
                IpAddr::V6(ip) => {
                    b.push(6);
                    b.extend_from_slice(&ip.octets());
                }
            }
            b.extend_from_slice(&a.port().to_be_bytes());
        }
        let check = Sha256::digest(&b);
        b.extend_from_slice(&check[..4]);
        format!("{PREFIX}{}", data_encoding::BASE32_NOPAD.encode(&b))
    }

    /// Reads a ticket as typed or pasted: case, spaces and line breaks do not matter.
    pub fn decode(text: &str) -> Result<Self, BadTicket> {
        let clean: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let body = clean
            .strip_prefix(PREFIX)
            .ok_or(BadTicket("it does not start with CB1"))?;
        let b = data_encoding::BASE32_NOPAD
            .decode(body.as_bytes())
            .map_err(|_| BadTicket("it has characters a ticket never has"))?;
        if b.len() < 32 + 32 + 8 + 1 + 4 {
            return Err(BadTicket("it is too short; part of it is missing"));
        }
        let (data, check) = b.split_at(b.len() - 4);
        if Sha256::digest(data)[..4] != *check {
            return Err(BadTicket(
                "its checksum does not match; a character is wrong",
            ));
        }
        let mut r = data;
        let mut take = |n: usize| -> Result<&[u8], BadTicket> {
            if r.len() < n {
                return Err(BadTicket("it ends early"));
            }
            let (h, t) = r.split_at(n);
            r = t;
            Ok(h)
        };
        let mut device = [0u8; 32];
        device.copy_from_slice(take(32)?);
        let mut secret = [0u8; 32];
        secret.copy_from_slice(take(32)?);
        let mut exp = [0u8; 8];
        exp.copy_from_slice(take(8)?);
        let n = take(1)?[0];
        let mut addrs = Vec::new();
        for _ in 0..n {
            let ip = match take(1)?[0] {
                4 => {
                    let o = take(4)?;
                    IpAddr::V4(Ipv4Addr::new(o[0], o[1], o[2], o[3]))
                }
                6 => {
                    let mut o = [0u8; 16];
                    o.copy_from_slice(take(16)?);
                    IpAddr::V6(Ipv6Addr::from(o))
                }
                _ => return Err(BadTicket("an address of an unknown kind")),
            };
            let p = take(2)?;
            addrs.push(SocketAddr::new(ip, u16::from_be_bytes([p[0], p[1]])));
        }
        if !take(0)?.is_empty() || !r.is_empty() {
            return Err(BadTicket("it has bytes after the end"));
        }
        Ok(Ticket {
            device,
            secret,
            expires: u64::from_be_bytes(exp),
            addrs,
        })
    }
}

fn bound(label: &[u8], secret: &[u8; 32], inviter: &[u8; 32], joiner: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label);
    h.update(secret);
    h.update(inviter);
    h.update(joiner);
    h.finalize().into()
}

/// What the joining device sends to show it holds the ticket's secret; bound to both
/// device ids, so it is worth nothing on any other connection.
pub fn proof(secret: &[u8; 32], inviter: &[u8; 32], joiner: &[u8; 32]) -> [u8; 32] {
    bound(b"comeback pair proof v1", secret, inviter, joiner)
}

/// Compares two proofs without stopping at the first differing byte.
pub fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ticket() -> Ticket {
        Ticket {
            device: [7; 32],
            secret: [9; 32],
            expires: 1_800_000_000,
            addrs: vec![
                "192.168.1.20:41234".parse().unwrap(),
                "[fe80::1]:41234".parse().unwrap(),
            ],
        }
    }

    #[test]
    fn a_ticket_survives_being_typed_in_lower_case_with_spaces() {
        let text = ticket().encode();
        assert!(text.starts_with("CB1"));
        assert!(
            text.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        let typed: String = text
            .to_lowercase()
            .chars()
            .collect::<Vec<_>>()
            .chunks(5)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(Ticket::decode(&typed).unwrap(), ticket());
    }

    #[test]
    fn a_mistyped_or_cut_ticket_is_refused_with_a_reason() {
        let text = ticket().encode();
        let mut typo = text.clone().into_bytes();
        let i = text.len() / 2;
        typo[i] = if typo[i] == b'A' { b'B' } else { b'A' };
        let err = Ticket::decode(&String::from_utf8(typo).unwrap()).unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
        assert!(Ticket::decode(&text[..40]).is_err());
        assert!(
            Ticket::decode("hello")
                .unwrap_err()
                .to_string()
                .contains("CB1")
        );
    }

    #[test]
    fn the_proof_is_bound_to_both_devices_and_the_secret() {
        let (s, a, b) = ([1; 32], [2; 32], [3; 32]);
        assert_eq!(proof(&s, &a, &b), proof(&s, &a, &b));
        assert_ne!(proof(&s, &a, &b), proof(&s, &a, &[4; 32]));
        assert_ne!(proof(&s, &a, &b), proof(&[5; 32], &a, &b));
        assert!(same(&proof(&s, &a, &b), &proof(&s, &a, &b)));
        assert!(!same(&proof(&s, &a, &b), &[0; 32]));
    }
}
