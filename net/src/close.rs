//! Why a connection ended, as both sides read it: the application close codes of our
//! ALPNs (`CloseCode`; their numbers are part of the wire and never change) and the
//! reading of iroh's typed connection errors into a `NetError`. A refusal is recognised
//! by its code, never by the text of an error.

use std::time::Duration;

use iroh::endpoint::{
    ApplicationClose, ConnectError, ConnectingError, Connection, ConnectionError, ReadError,
    ReadExactError, VarInt, WriteError,
};

use crate::NetError;

/// The application close codes both sides use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseCode {
    /// The session (or the pairing) ended as it should.
    Done,
    /// The peer broke the protocol or a limit; the reason says which.
    Protocol,
    /// The peer may not do this: not paired, removed, or refused; the reason says why.
    Refused,
}

/// The TLS alert `no_application_protocol` (120) as a QUIC crypto error code: the other
/// device does not speak the ALPN we asked for.
const NO_APPLICATION_PROTOCOL: u64 = 0x100 | 120;

impl CloseCode {
    pub const fn number(self) -> u32 {
        match self {
            CloseCode::Done => 0,
            CloseCode::Protocol => 400,
            CloseCode::Refused => 403,
        }
    }

    pub fn varint(self) -> VarInt {
        VarInt::from_u32(self.number())
    }

    /// The code of a close frame the peer sent, if it is one of ours.
    pub fn of(close: &ApplicationClose) -> Option<CloseCode> {
        [CloseCode::Done, CloseCode::Protocol, CloseCode::Refused]
            .into_iter()
            .find(|c| c.varint() == close.error_code)
    }

    /// Closes `conn` with this code and a reason the other side shows.
    pub fn close(self, conn: &Connection, reason: &[u8]) {
        conn.close(self.varint(), reason);
    }
}

impl NetError {
    /// A connection that ended: a refusal carries our reason in its close frame.
    pub(crate) fn from_connection(e: &ConnectionError) -> NetError {
        match e {
            ConnectionError::ApplicationClosed(close)
                if CloseCode::of(close) == Some(CloseCode::Refused) =>
            {
                NetError::Refused(format!(
                    "refused: {}",
                    String::from_utf8_lossy(&close.reason)
                ))
            }
            other => NetError::Lost(format!("the connection was lost ({other})")),
        }
    }

    pub(crate) fn from_read(e: &ReadError) -> NetError {
        match e {
            ReadError::ConnectionLost(c) => NetError::from_connection(c),
            other => NetError::Lost(format!("the connection was lost ({other})")),
        }
    }

    pub(crate) fn from_read_exact(e: &ReadExactError) -> NetError {
        match e {
            ReadExactError::ReadError(r) => NetError::from_read(r),
            other => NetError::Lost(format!(
                "the other device ended the conversation early ({other})"
            )),
        }
    }

    pub(crate) fn from_write(e: &WriteError) -> NetError {
        match e {
            WriteError::ConnectionLost(c) => NetError::from_connection(c),
            other => NetError::Lost(format!("sending to the other device failed: {other}")),
        }
    }

    pub(crate) fn from_connect(e: &ConnectError) -> NetError {
        match connect_connection_error(e) {
            Some(c) => NetError::from_connection(c),
            None => NetError::Lost(format!("the connection was lost ({e})")),
        }
    }
}

/// The connection error inside a failed connect, if the connection got that far.
fn connect_connection_error(e: &ConnectError) -> Option<&ConnectionError> {
    match e {
        ConnectError::Connection { source, .. } => Some(source),
        ConnectError::Connecting {
            source: ConnectingError::ConnectionError { source, .. },
            ..
        } => Some(source),
        _ => None,
    }
}

/// Whether a failed connect was the other device not speaking the ALPN we asked for.
pub(crate) fn alpn_refused(e: &ConnectError) -> bool {
    matches!(
        connect_connection_error(e),
        Some(ConnectionError::ConnectionClosed(close))
            if is_no_application_protocol(close.error_code.into())
    )
}

pub(crate) fn is_no_application_protocol(code: u64) -> bool {
    code == NO_APPLICATION_PROTOCOL
}

/// Why a connection failed: the peer's close reason (a refusal says why) if it sent one
/// within a moment, else `fallback`.
pub(crate) async fn closed_error(conn: &Connection, fallback: NetError) -> NetError {
    let reason = match conn.close_reason() {
        Some(r) => r,
        None => match tokio::time::timeout(Duration::from_secs(2), conn.closed()).await {
            Ok(r) => r,
            Err(_) => return fallback,
        },
    };
    match NetError::from_connection(&reason) {
        refused @ NetError::Refused(_) => refused,
        _ => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_close_codes_keep_their_wire_numbers() {
        assert_eq!(CloseCode::Done.number(), 0);
        assert_eq!(CloseCode::Protocol.number(), 400);
        assert_eq!(CloseCode::Refused.number(), 403);
    }

    #[test]
    fn a_refusal_is_read_from_its_code_and_carries_the_reason() {
        let refused = ConnectionError::ApplicationClosed(ApplicationClose {
            error_code: CloseCode::Refused.varint(),
            reason: b"not paired".to_vec().into(),
        });
        match NetError::from_connection(&refused) {
            NetError::Refused(m) => assert_eq!(m, "refused: not paired"),
            other => panic!("not a refusal: {other}"),
        }
        // The same words under another code are not a refusal.
        let protocol = ConnectionError::ApplicationClosed(ApplicationClose {
            error_code: CloseCode::Protocol.varint(),
            reason: b"refused: (code 403)".to_vec().into(),
        });
        assert!(!NetError::from_connection(&protocol).refused());
        assert!(!NetError::from_connection(&ConnectionError::TimedOut).refused());
    }

    #[test]
    fn a_connect_refused_for_the_alpn_is_the_tls_alert_120() {
        assert!(is_no_application_protocol(0x178));
        assert!(!is_no_application_protocol(0x100));
        assert!(!is_no_application_protocol(403));
    }
}
