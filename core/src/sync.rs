//! Sync between a person's own devices, sans-IO: frames in, frames out.
//!
//! A session starts with a manifest (document id → heads, read from the mirror without
//! loading any document), so only documents whose heads differ are exchanged; each of
//! those then runs Automerge's own sync protocol with one `sync::State` per peer and
//! document. Received changes are stored through the vault like local edits (chunk +
//! mirror + heads in one transaction). Frames are length-prefixed with a hard cap, so a
//! hostile or buggy peer cannot make us allocate gigabytes. Transport (iroh streams)
//! lives elsewhere and only moves the bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

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

/// A digest of a whole manifest: equal digests mean both devices hold the same heads
/// for every document, so there is nothing to do.
pub type Digest = [u8; 32];

/// What travels between two devices.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// The sender's documents with their heads: all of them (`full`), or only those
    /// changed since the last session with this peer (what its kept sync states say the
    /// peer already has). `digest` covers the sender's whole manifest either way.
    ///
    /// A manifest too big for one frame goes in parts: every part but the last says
    /// `more` (the flag byte is `full | more << 1`; a manifest that fits in one frame,
    /// which is every real journal's, is byte for byte what earlier releases sent).
    Manifest {
        digest: Digest,
        full: bool,
        more: bool,
        docs: Vec<(String, Vec<ChangeHash>)>,
    },
    /// One Automerge sync message for one document.
    Sync { doc: String, message: Vec<u8> },
    /// A whole document (`AutoCommit::save`), for a peer that has none of it: one compact
    /// chunk instead of its history change by change.
    Snapshot { doc: String, bytes: Vec<u8> },
    /// "I have processed `received` of your frames and have nothing to send"; with the
    /// sender's manifest digest, so a peer can tell whether both really agree.
    Quiet { received: u64, digest: Digest },
}

const TAG_MANIFEST: u8 = 1;
const TAG_SYNC: u8 = 2;
const TAG_QUIET: u8 = 3;
const TAG_SNAPSHOT: u8 = 4;

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A frame as bytes on the wire: a 4-byte big-endian length, then the body.
pub fn encode(frame: &Frame) -> Vec<u8> {
    let mut body = Vec::new();
    match frame {
        Frame::Manifest {
            digest,
            full,
            more,
            docs,
        } => {
            body.push(TAG_MANIFEST);
            body.extend_from_slice(digest);
            body.push(u8::from(*full) | (u8::from(*more) << 1));
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
        Frame::Snapshot { doc, bytes } => {
            body.push(TAG_SNAPSHOT);
            put_bytes(&mut body, doc.as_bytes());
            put_bytes(&mut body, bytes);
        }
        Frame::Quiet { received, digest } => {
            body.push(TAG_QUIET);
            body.extend_from_slice(&received.to_be_bytes());
            body.extend_from_slice(digest);
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

    fn digest(&mut self) -> Result<Digest, FrameError> {
        let mut d = [0u8; 32];
        d.copy_from_slice(self.take(32)?);
        Ok(d)
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
            let digest = r.digest()?;
            let flags = r.take(1)?[0];
            if flags > 3 {
                return Err(FrameError::Malformed("a bad flag"));
            }
            let (full, more) = (flags & 1 == 1, flags & 2 == 2);
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
            Frame::Manifest {
                digest,
                full,
                more,
                docs,
            }
        }
        TAG_SYNC => {
            let doc = String::from_utf8(r.bytes()?.to_vec())
                .map_err(|_| FrameError::Malformed("a document id is not text"))?;
            let message = r.bytes()?.to_vec();
            Frame::Sync { doc, message }
        }
        TAG_SNAPSHOT => {
            let doc = String::from_utf8(r.bytes()?.to_vec())
                .map_err(|_| FrameError::Malformed("a document id is not text"))?;
            let bytes = r.bytes()?.to_vec();
            Frame::Snapshot { doc, bytes }
        }
        TAG_QUIET => {
            let b = r.take(8)?;
            let mut n = [0u8; 8];
            n.copy_from_slice(b);
            Frame::Quiet {
                received: u64::from_be_bytes(n),
                digest: r.digest()?,
            }
        }
        _ => return Err(FrameError::Malformed("an unknown kind of frame")),
    };
    if !r.0.is_empty() {
        return Err(FrameError::Malformed("bytes after the end"));
    }
    Ok(Some(frame))
}

/// One side of a sync session with one peer.
///
/// Both sides open with a manifest, then answer every frame. A side that received a
/// data frame (manifest or sync message) and has nothing to say answers `Quiet`, so
/// both can tell when the session is done ([`Session::is_done`]) without a timer.
#[derive(Default)]
pub struct Session {
    states: HashMap<String, State>,
    /// Our heads as last offered, to notice local edits while connected.
    offered: BTreeMap<String, Vec<ChangeHash>>,
    /// Data frames sent and received.
    sent: u64,
    received: u64,
    /// `received` as told in our last `Quiet`.
    reported: Option<u64>,
    /// The peer's last frame, if it was `Quiet`: (frames of ours it had, its digest).
    peer_quiet: Option<(u64, Digest)>,
    /// Whether we sent a full manifest in this session.
    full_sent: bool,
    /// Documents the peer has none of, to send whole.
    outbox: VecDeque<String>,
    /// The documents our full manifest listed: a whole document is taken only for one we
    /// did not list (we said we lack it), and only once.
    listed_in_full: BTreeSet<String>,
    taken_whole: BTreeSet<String>,
    /// Documents this session added to the vault (see `limits::MAX_NEW_DOCS_PER_SESSION`).
    new_docs: usize,
    /// The parts of a manifest that came in several frames.
    manifest_parts: Vec<(String, Vec<ChangeHash>)>,
}

/// How many bytes of manifest entries go in one frame before the rest goes in another.
pub const MANIFEST_PART_BYTES: usize = 1024 * 1024;

/// A manifest as frames: one unless it is bigger than [`MANIFEST_PART_BYTES`].
fn manifest_frames(digest: Digest, full: bool, docs: Vec<(String, Vec<ChangeHash>)>) -> Vec<Frame> {
    let mut parts: Vec<Vec<(String, Vec<ChangeHash>)>> = vec![Vec::new()];
    let mut size = 0;
    for (doc, heads) in docs {
        let entry = 8 + doc.len() + 32 * heads.len();
        if size + entry > MANIFEST_PART_BYTES && !parts.last().is_some_and(Vec::is_empty) {
            parts.push(Vec::new());
            size = 0;
        }
        size += entry;
        if let Some(part) = parts.last_mut() {
            part.push((doc, heads));
        }
    }
    let n = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, docs)| Frame::Manifest {
            digest,
            full,
            more: i + 1 < n,
            docs,
        })
        .collect()
}

/// How many whole documents one call sends before handing back (the caller asks for
/// [`Session::more`]), so a first sync never holds the vault for long.
pub const SNAPSHOTS_PER_CALL: usize = 4;

/// The digest of a manifest (sorted by document, heads sorted).
pub fn digest(manifest: &[(String, Vec<ChangeHash>)]) -> Digest {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    for (doc, heads) in manifest {
        h.update((doc.len() as u32).to_be_bytes());
        h.update(doc.as_bytes());
        h.update((heads.len() as u32).to_be_bytes());
        for head in heads {
            h.update(head.as_ref());
        }
    }
    h.finalize().into()
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
            ..Self::default()
        }
    }

    /// The sync states to keep for next time.
    pub fn states(&self) -> Vec<(String, Vec<u8>)> {
        self.states
            .iter()
            .map(|(doc, s)| (doc.clone(), s.encode()))
            .collect()
    }

    pub fn into_states(self) -> Vec<(String, Vec<u8>)> {
        self.states()
    }

    /// Data frames sent so far.
    pub fn frames_sent(&self) -> u64 {
        self.sent
    }

    /// The first frame: our manifest, only the documents the peer may lack.
    pub fn open(&mut self, vault: &Vault) -> Result<Vec<Frame>> {
        let manifest = vault.manifest()?;
        let full = self.states.is_empty();
        let docs: Vec<(String, Vec<ChangeHash>)> = manifest
            .iter()
            .filter(|(doc, heads)| {
                full || self.states.get(doc).is_none_or(|s| {
                    let mut shared = s.shared_heads.clone();
                    shared.sort();
                    shared != *heads
                })
            })
            .cloned()
            .collect();
        self.offered = manifest.iter().cloned().collect();
        self.full_sent = full;
        if full {
            self.listed_in_full = manifest.iter().map(|(d, _)| d.clone()).collect();
        }
        let frames = manifest_frames(digest(&manifest), full, docs);
        self.sent += frames.len() as u64;
        Ok(frames)
    }

    /// Whether both sides have said all they had: the peer's last frame was `Quiet`
    /// after all of ours, and our last `Quiet` came after all of theirs.
    pub fn is_done(&self) -> bool {
        self.outbox.is_empty()
            && self.peer_quiet.is_some_and(|(n, _)| n == self.sent)
            && self.reported == Some(self.received)
    }

    /// Handles one frame from the peer and returns what to send back.
    pub fn handle(&mut self, vault: &mut Vault, frame: Frame) -> Result<Vec<Frame>> {
        self.handle_batch(vault, vec![frame])
    }

    /// Handles frames that arrived together and returns what to send back: at most one
    /// `Quiet` for the lot, so a first sync of a hundred documents is not answered with
    /// a hundred of them.
    pub fn handle_batch(&mut self, vault: &mut Vault, frames: Vec<Frame>) -> Result<Vec<Frame>> {
        let mut out = Vec::new();
        let mut data_in = false;
        for frame in frames {
            match frame {
                Frame::Quiet {
                    received,
                    digest: theirs,
                } => {
                    self.peer_quiet = Some((received, theirs));
                    if received == self.sent && self.outbox.is_empty() {
                        let manifest = vault.manifest()?;
                        let ours = digest(&manifest);
                        if ours != theirs && !self.full_sent {
                            // Our kept states promised more than the peer has (a restored
                            // backup, a lost state): compare everything once.
                            self.full_sent = true;
                            self.offered = manifest.iter().cloned().collect();
                            self.listed_in_full = manifest.iter().map(|(d, _)| d.clone()).collect();
                            for frame in manifest_frames(ours, true, manifest) {
                                self.emit(&mut out, frame);
                            }
                        } else if self.reported != Some(self.received) {
                            self.emit(
                                &mut out,
                                Frame::Quiet {
                                    received: self.received,
                                    digest: ours,
                                },
                            );
                        }
                    }
                }
                Frame::Manifest {
                    digest: their_digest,
                    full,
                    more,
                    docs: theirs,
                } => {
                    self.received += 1;
                    self.peer_quiet = None;
                    data_in = true;
                    if self.manifest_parts.len() + theirs.len() > crate::limits::MAX_DOCS_PER_VAULT
                    {
                        return Err(Error::Refused(format!(
                            "the other device listed more than {} documents; the session is ended",
                            crate::limits::MAX_DOCS_PER_VAULT
                        )));
                    }
                    for (doc, _) in &theirs {
                        check_doc_id(doc)?;
                    }
                    self.manifest_parts.extend(theirs);
                    if more {
                        continue;
                    }
                    let theirs = std::mem::take(&mut self.manifest_parts);
                    let manifest = vault.manifest()?;
                    if digest(&manifest) == their_digest {
                        continue;
                    }
                    let theirs: BTreeMap<String, Vec<ChangeHash>> = theirs.into_iter().collect();
                    let ours: BTreeMap<String, Vec<ChangeHash>> = manifest.into_iter().collect();
                    let mut docs: BTreeSet<&String> = theirs.keys().collect();
                    if full {
                        // What they do not list, they do not have.
                        docs.extend(ours.keys().filter(|d| !theirs.contains_key(*d)));
                    }
                    for doc in docs {
                        let mut a = theirs.get(doc).cloned().unwrap_or_default();
                        let b = ours.get(doc).cloned().unwrap_or_default();
                        a.sort();
                        if a == b {
                            continue;
                        }
                        if full && !theirs.contains_key(doc) {
                            // They have none of it: send it whole, not change by change.
                            if !self.outbox.contains(doc) {
                                self.outbox.push_back(doc.clone());
                            }
                        } else if self.full_sent && !ours.contains_key(doc) {
                            // We have none of it and told them so: it comes whole.
                        } else if let Some(frame) = self.next_for(vault, doc)? {
                            self.emit(&mut out, frame);
                        }
                    }
                    self.snapshots_into(vault, &mut out)?;
                }
                Frame::Sync { doc, message } => {
                    self.received += 1;
                    self.peer_quiet = None;
                    data_in = true;
                    check_doc_id(&doc)?;
                    let new = !vault.has_document(&doc)?;
                    if new {
                        self.admit_new(vault)?;
                    }
                    let message = Message::decode(&message).map_err(|e| {
                        Error::Refused(format!(
                            "the peer sent a sync message that does not parse: {e}"
                        ))
                    })?;
                    if self.states.len() >= crate::limits::MAX_DOCS_PER_VAULT
                        && !self.states.contains_key(&doc)
                    {
                        return Err(Error::Refused(
                            "the other device named more documents than a vault may hold; the session is ended".into(),
                        ));
                    }
                    let state = self.states.entry(doc.clone()).or_default();
                    vault.sync_receive(&doc, state, message)?;
                    if let Some(frame) = self.next_for(vault, &doc)? {
                        self.emit(&mut out, frame);
                    }
                }
                Frame::Snapshot { doc, bytes } => {
                    self.received += 1;
                    self.peer_quiet = None;
                    data_in = true;
                    check_doc_id(&doc)?;
                    // Whole documents only for what our full manifest said we lack, once.
                    if !self.full_sent
                        || self.listed_in_full.contains(&doc)
                        || !self.taken_whole.insert(doc.clone())
                    {
                        return Err(Error::Refused(format!(
                            "the other device sent {doc} whole, which this device did not ask for; the session is ended"
                        )));
                    }
                    if !vault.has_document(&doc)? {
                        self.admit_new(vault)?;
                    }
                    let heads = vault.absorb_snapshot(&doc, &bytes)?;
                    // Both devices now hold at least these heads: a later session
                    // starts from them instead of from nothing.
                    let mut state = State::new();
                    state.shared_heads = heads;
                    self.states.insert(doc, state);
                }
            }
        }
        let data_out = out.iter().any(|f| !matches!(f, Frame::Quiet { .. }));
        // Quiet means "nothing more from me": not while whole documents wait to go.
        if data_in && !data_out && self.outbox.is_empty() && self.reported != Some(self.received) {
            let d = digest(&vault.manifest()?);
            self.emit(
                &mut out,
                Frame::Quiet {
                    received: self.received,
                    digest: d,
                },
            );
        }
        Ok(out)
    }

    /// Counts a document a peer is about to add, within the session's and the vault's limits.
    fn admit_new(&mut self, vault: &Vault) -> Result<()> {
        use crate::limits::{MAX_DOCS_PER_VAULT, MAX_NEW_DOCS_PER_SESSION};
        self.new_docs += 1;
        if self.new_docs > MAX_NEW_DOCS_PER_SESSION {
            return Err(Error::Refused(format!(
                "the other device sent more than {MAX_NEW_DOCS_PER_SESSION} new documents in one session; the session is ended (the next one carries on)"
            )));
        }
        if vault.document_ids()?.len() >= MAX_DOCS_PER_VAULT {
            return Err(Error::Refused(format!(
                "this vault holds {MAX_DOCS_PER_VAULT} documents, the most it may; the other device's new ones are refused"
            )));
        }
        Ok(())
    }

    /// Whether whole documents are still waiting to be sent (see [`Session::more`]).
    pub fn has_more(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// The next few whole documents for a peer that has none of them.
    pub fn more(&mut self, vault: &mut Vault) -> Result<Vec<Frame>> {
        let mut out = Vec::new();
        self.snapshots_into(vault, &mut out)?;
        Ok(out)
    }

    fn snapshots_into(&mut self, vault: &mut Vault, out: &mut Vec<Frame>) -> Result<()> {
        for _ in 0..SNAPSHOTS_PER_CALL {
            let Some(doc) = self.outbox.pop_front() else {
                break;
            };
            let (bytes, heads) = vault.snapshot(&doc)?;
            let mut state = State::new();
            state.shared_heads = heads;
            self.states.insert(doc.clone(), state);
            self.emit(out, Frame::Snapshot { doc, bytes });
        }
        Ok(())
    }

    fn emit(&mut self, out: &mut Vec<Frame>, frame: Frame) {
        match &frame {
            Frame::Quiet { received, .. } => self.reported = Some(*received),
            _ => self.sent += 1,
        }
        out.push(frame);
    }

    /// After local edits while connected: the sync messages for documents whose heads
    /// moved since we last offered them.
    pub fn local_changes(&mut self, vault: &mut Vault) -> Result<Vec<Frame>> {
        let manifest = vault.manifest()?;
        let mut out = Vec::new();
        for (doc, heads) in &manifest {
            if self.offered.get(doc) != Some(heads)
                && !self.outbox.contains(doc)
                && let Some(frame) = self.next_for(vault, doc)?
            {
                self.emit(&mut out, frame);
            }
        }
        self.offered = manifest.into_iter().collect();
        Ok(out)
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
        Err(Error::Refused(format!(
            "the peer named a document '{doc}' that this version does not know; update both devices"
        )))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod hostile;
#[cfg(test)]
mod tests;
