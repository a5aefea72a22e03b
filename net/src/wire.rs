//! Moving frames over QUIC streams: the sync frames of `comeback_core::sync` (capped at
//! `MAX_FRAME`, checked before anything is allocated) and the small JSON messages of
//! pairing (capped at 64 KiB).

use comeback_core::sync::{self, Frame, FrameError};
use iroh::endpoint::{RecvStream, SendStream};
use serde::{Serialize, de::DeserializeOwned};

use crate::NetError;

/// Pairing messages are tiny; anything bigger is not a Comeback device.
const MAX_PAIR_MESSAGE: usize = 64 * 1024;

/// Reads sync frames off a stream, keeping what arrived of the next one.
pub struct FrameReader {
    recv: RecvStream,
    buf: Vec<u8>,
    pub bytes: u64,
}

impl FrameReader {
    pub fn new(recv: RecvStream) -> Self {
        Self {
            recv,
            buf: Vec::new(),
            bytes: 0,
        }
    }

    /// The next frames: waits for one, then takes those already here too (up to `max`),
    /// so they are handled together. `None` when the peer finished its side.
    pub async fn next_batch(&mut self, max: usize) -> Result<Option<Vec<Frame>>, NetError> {
        let Some(first) = self.next().await? else {
            return Ok(None);
        };
        let mut batch = vec![first];
        while batch.len() < max {
            match sync::decode(&mut self.buf) {
                Ok(Some(frame)) => batch.push(frame),
                Ok(None) => break,
                Err(e) => return Err(NetError::Frame(e)),
            }
        }
        Ok(Some(batch))
    }

    /// The next frame; `None` when the peer finished its side of the stream.
    pub async fn next(&mut self) -> Result<Option<Frame>, NetError> {
        loop {
            match sync::decode(&mut self.buf) {
                Ok(Some(frame)) => return Ok(Some(frame)),
                Ok(None) => {}
                Err(e @ FrameError::TooLarge(_)) => return Err(NetError::Frame(e)),
                Err(e) => return Err(NetError::Frame(e)),
            }
            let mut chunk = [0u8; 64 * 1024];
            match self.recv.read(&mut chunk).await {
                Ok(Some(n)) => {
                    self.bytes += n as u64;
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Ok(None) => {
                    if self.buf.is_empty() {
                        return Ok(None);
                    }
                    return Err(NetError::Lost(
                        "the other device hung up in the middle of a message".into(),
                    ));
                }
                Err(e) => return Err(NetError::from_read(&e)),
            }
        }
    }
}

/// Writes sync frames; counts the bytes.
pub async fn write_frames(
    send: &mut SendStream,
    frames: &[Frame],
    bytes: &mut u64,
) -> Result<(), NetError> {
    if frames.is_empty() {
        return Ok(());
    }
    let mut out = Vec::new();
    for f in frames {
        out.extend_from_slice(&sync::encode(f));
    }
    *bytes += out.len() as u64;
    send.write_all(&out)
        .await
        .map_err(|e| NetError::from_write(&e))
}

pub async fn send_json<T: Serialize>(send: &mut SendStream, msg: &T) -> Result<(), NetError> {
    let body = serde_json::to_vec(msg).map_err(|e| NetError::Protocol(e.to_string()))?;
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    send.write_all(&out)
        .await
        .map_err(|e| NetError::from_write(&e))
}

pub async fn recv_json<T: DeserializeOwned>(recv: &mut RecvStream) -> Result<T, NetError> {
    let mut len = [0u8; 4];
    recv.read_exact(&mut len)
        .await
        .map_err(|e| NetError::from_read_exact(&e))?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_PAIR_MESSAGE {
        return Err(NetError::Frame(FrameError::TooLarge(len)));
    }
    let mut body = vec![0u8; len];
    recv.read_exact(&mut body)
        .await
        .map_err(|e| NetError::from_read_exact(&e))?;
    serde_json::from_slice(&body)
        .map_err(|e| NetError::Protocol(format!("a pairing message did not parse ({e})")))
}
