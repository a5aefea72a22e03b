//! Sync between a person's own devices, sans-IO: frames in, frames out.
//!
//! A session starts with a manifest (document id → heads, read from the mirror without
//! loading any document), so only documents whose heads differ are exchanged; each of
//! those then runs Automerge's own sync protocol with one `sync::State` per peer and
//! document. Received changes are stored through the vault like local edits (chunk +
//! mirror + heads in one transaction). Frames are length-prefixed with a hard cap, so a
//! hostile or buggy peer cannot make us allocate gigabytes. Transport (iroh streams)
//! lives elsewhere and only moves the bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::ChangeHash;
use automerge::sync::{Message, State};

use crate::error::{Error, Result};
use crate::vault::Vault;

/// The largest frame we accept: far above a month's document, far below harm.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error(
        "the peer sent a frame of {0} bytes, over the {MAX_FRAME}-byte limit; the session is ended"
    )]
    TooLarge(usize),
    #[error("the peer sent a malformed frame ({0}); the session is ended")]
    Malformed(&'static str),
}

/// What travels between two devices.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// Every document the sender has, with its heads.
    Manifest(Vec<(String, Vec<ChangeHash>)>),
    /// One Automerge sync message for one document.
    Sync { doc: String, message: Vec<u8> },
}

const TAG_MANIFEST: u8 = 1;
const TAG_SYNC: u8 = 2;

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A frame as bytes on the wire: a 4-byte big-endian length, then the body.
pub fn encode(frame: &Frame) -> Vec<u8> {
    let mut body = Vec::new();
    match frame {
        Frame::Manifest(docs) => {
            body.push(TAG_MANIFEST);
            body.extend_from_slice(&(docs.len() as u32).to_be_bytes());
            for (doc, heads) in docs {
                put_bytes(&mut body, doc.as_bytes());
                body.extend_from_slice(&(heads.len() as u32).to_be_bytes());
                for h in heads {
                    body.extend_from_slice(h.as_ref());
                }
            }
        }
        Frame::Sync { doc, message } => {
            body.push(TAG_SYNC);
            put_bytes(&mut body, doc.as_bytes());
            put_bytes(&mut body, message);
        }
    }
    let mut out = Vec::with_capacity(body.len() + 4);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        if self.0.len() < n {
            return Err(FrameError::Malformed("it ends early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<usize, FrameError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn bytes(&mut self) -> Result<&'a [u8], FrameError> {
        let n = self.u32()?;
        self.take(n)
    }
}

/// Takes one whole frame off the front of `buf`, if one has fully arrived. A length over
/// [`MAX_FRAME`] is an error before anything is allocated for it.
pub fn decode(buf: &mut Vec<u8>) -> Result<Option<Frame>, FrameError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    if buf.len() < 4 + len {
        return Ok(None);
    }
    let body: Vec<u8> = buf.drain(..4 + len).skip(4).collect();
    let mut r = Reader(&body);
    let frame = match r.take(1)?[0] {
        TAG_MANIFEST => {
            let count = r.u32()?;
            let mut docs = Vec::new();
            for _ in 0..count {
                let doc = String::from_utf8(r.bytes()?.to_vec())
                    .map_err(|_| FrameError::Malformed("a document id is not text"))?;
                let n = r.u32()?;
                let mut heads = Vec::new();
                for _ in 0..n {
                    heads.push(
                        ChangeHash::try_from(r.take(32)?)
                            .map_err(|_| FrameError::Malformed("a bad change hash"))?,
                    );
                }
                docs.push((doc, heads));
            }
            Frame::Manifest(docs)
        }
        TAG_SYNC => {
            let doc = String::from_utf8(r.bytes()?.to_vec())
                .map_err(|_| FrameError::Malformed("a document id is not text"))?;
            let message = r.bytes()?.to_vec();
            Frame::Sync { doc, message }
        }
        _ => return Err(FrameError::Malformed("an unknown kind of frame")),
    };
    if !r.0.is_empty() {
        return Err(FrameError::Malformed("bytes after the end"));
    }
    Ok(Some(frame))
}

/// One side of a sync session with one peer.
#[derive(Default)]
pub struct Session {
    states: HashMap<String, State>,
    /// Documents that differ from the peer's and are being synced.
    active: BTreeSet<String>,
}

impl Session {
    /// A session resuming from sync states kept from an earlier one (so a reconnect
    /// sends only what is new), as returned by [`Session::into_states`].
    pub fn resume(states: Vec<(String, Vec<u8>)>) -> Self {
        let states = states
            .into_iter()
            .filter_map(|(doc, bytes)| State::decode(&bytes).ok().map(|s| (doc, s)))
            .collect();
        Self {
            states,
            active: BTreeSet::new(),
        }
    }

    /// The sync states to keep for next time.
    pub fn into_states(self) -> Vec<(String, Vec<u8>)> {
        self.states
            .into_iter()
            .map(|(doc, s)| (doc, s.encode()))
            .collect()
    }

    /// The first frame: our manifest.
    pub fn open(&mut self, vault: &Vault) -> Result<Vec<Frame>> {
        Ok(vec![Frame::Manifest(vault.manifest()?)])
    }

    /// Handles one frame from the peer and returns what to send back.
    pub fn handle(&mut self, vault: &mut Vault, frame: Frame) -> Result<Vec<Frame>> {
        match frame {
            Frame::Manifest(theirs) => {
                let theirs: BTreeMap<String, Vec<ChangeHash>> = theirs.into_iter().collect();
                let ours: BTreeMap<String, Vec<ChangeHash>> =
                    vault.manifest()?.into_iter().collect();
                let mut out = Vec::new();
                let docs: BTreeSet<&String> = theirs.keys().chain(ours.keys()).collect();
                for doc in docs {
                    let mut a = theirs.get(doc).cloned().unwrap_or_default();
                    let mut b = ours.get(doc).cloned().unwrap_or_default();
                    a.sort();
                    b.sort();
                    if a == b {
                        continue;
                    }
                    check_doc_id(doc)?;
                    self.active.insert(doc.clone());
                    // Only the side that has something the other lacks needs to speak
                    // first, but both speaking is harmless and saves a round trip.
                    if let Some(frame) = self.next_for(vault, doc)? {
                        out.push(frame);
                    }
                }
                Ok(out)
            }
            Frame::Sync { doc, message } => {
                check_doc_id(&doc)?;
                let message = Message::decode(&message).map_err(|e| {
                    Error::Io(format!(
                        "the peer sent a sync message that does not parse: {e}"
                    ))
                })?;
                let state = self.states.entry(doc.clone()).or_default();
                vault.sync_receive(&doc, state, message)?;
                self.active.insert(doc.clone());
                Ok(self.next_for(vault, &doc)?.into_iter().collect())
            }
        }
    }

    fn next_for(&mut self, vault: &mut Vault, doc: &str) -> Result<Option<Frame>> {
        let state = self.states.entry(doc.to_string()).or_default();
        Ok(vault.sync_generate(doc, state)?.map(|m| Frame::Sync {
            doc: doc.to_string(),
            message: m.encode(),
        }))
    }
}

/// Only document ids this version makes may be named by a peer: a month or a core shard.
fn check_doc_id(doc: &str) -> Result<()> {
    if crate::model::Home::from_doc_id(doc).is_some() {
        Ok(())
    } else {
        Err(Error::Io(format!(
            "the peer named a document '{doc}' that this version does not know; update both devices"
        )))
    }
}

#[cfg(test)]
mod tests;
