//! The body of the `ticket_decode` fuzz target in `fuzz/`, kept here so that an ordinary
//! test can replay the committed corpus without a sanitizer build. Not part of the API.

use sha2::{Digest, Sha256};

use crate::ticket::Ticket;

/// `ticket_decode`: the bytes as pasted text (invalid UTF-8 replaced), and the bytes as
/// a ticket's binary body given the checksum it needs, so the parser behind the checksum
/// is reached too. A ticket that decodes encodes to text that decodes to it again (with
/// at most the 16 addresses a ticket carries).
pub fn ticket_decode(data: &[u8]) {
    round_trip(&String::from_utf8_lossy(data));
    let mut body = data.to_vec();
    body.extend_from_slice(&Sha256::digest(data)[..4]);
    round_trip(&format!("CB1{}", data_encoding::BASE32_NOPAD.encode(&body)));
}

fn round_trip(text: &str) {
    let Ok(ticket) = Ticket::decode(text) else {
        return;
    };
    let mut expected = ticket.clone();
    expected.addrs.truncate(16);
    assert_eq!(Ticket::decode(&ticket.encode()), Ok(expected));
}

/// A ticket's binary body without its checksum: a seed for the second half of
/// [`ticket_decode`].
pub fn ticket_body(ticket: &Ticket) -> Vec<u8> {
    let text = ticket.encode();
    let mut body = data_encoding::BASE32_NOPAD
        .decode(text.strip_prefix("CB1").unwrap_or_default().as_bytes())
        .unwrap_or_default();
    body.truncate(body.len().saturating_sub(4));
    body
}
