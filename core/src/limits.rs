//! What a peer may make this device do, bounded before the work is done.
//!
//! Automerge loads whatever it is given: a 10 kB compressed document can unpack to ten
//! million letters (a gigabyte once loaded), and a few hundred bytes of run-length
//! encoded columns can hold millions of operations. So every Automerge chunk a peer
//! sends (inside a sync message or as a whole document) is read here first, without
//! building anything: its header and column layout are parsed, deflated columns are
//! inflated into a capped buffer, and the operations are counted from the run lengths of
//! the action column. Only bytes within every limit below reach Automerge. Each limit is
//! far above what a person's journal makes (ARCHITECTURE.md lists them with the reason).

use std::io::Read;

/// Operations one frame may carry (a month of a busy journal is ~100,000; each loaded
/// operation costs ~100 bytes of memory).
pub const MAX_OPS_PER_FRAME: u64 = 1_000_000;
/// Operations one document may hold once the frame is applied.
pub const MAX_OPS_PER_DOCUMENT: u64 = 4_000_000;
/// Bytes the chunks of one frame may unpack to.
pub const MAX_UNPACKED_PER_FRAME: u64 = 64 * 1024 * 1024;
/// Documents a peer may add to this vault in one session (a century of months).
pub const MAX_NEW_DOCS_PER_SESSION: usize = 1_200;
/// Documents a vault may hold (months from the year 1000 would be 108,000; two
/// centuries of journal and the core shards fit with room to spare).
pub const MAX_DOCS_PER_VAULT: usize = 2_500;
/// How deep a document may nest from its root (a record is at most 12 below its kind
/// map, see `doc::MAX_RECORD_DEPTH`).
pub const MAX_DOC_DEPTH: usize = crate::doc::MAX_RECORD_DEPTH + 2;
/// Objects (maps, lists, texts) one document may hold.
pub const MAX_DOC_OBJECTS: usize = 500_000;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const ACTION_COLUMN: u64 = 4;
const DEFLATE: u64 = 0b1000;

/// What a run of chunks holds, counted without loading it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub ops: u64,
    pub unpacked: u64,
}

/// Why bytes from a peer were refused before loading.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("it is not an Automerge chunk ({0})")]
    Malformed(&'static str),
    #[error("it holds more than {MAX_OPS_PER_FRAME} operations")]
    TooManyOps,
    #[error("it unpacks to more than {MAX_UNPACKED_PER_FRAME} bytes")]
    TooLarge,
}

/// Counts the operations and unpacked bytes of `bytes` (one or more chunks, as
/// `load_incremental` and sync messages take them), adding to `tally`, and refuses as
/// soon as a frame limit is passed.
pub fn inspect(bytes: &[u8], tally: &mut Tally) -> Result<(), Refused> {
    let mut rest = bytes;
    while !rest.is_empty() {
        // The checksum is left to Automerge, which checks it on load.
        let Chunk { kind, body, .. } = next_chunk(&mut rest)?;
        tally.unpacked += body.len() as u64;
        match kind {
            0 => document(body, tally)?,
            1 => change(body, tally)?,
            2 => {
                let body = inflate(body, tally)?;
                change(&body, tally)?;
            }
            3 => bundle(body, tally)?,
            _ => return Err(Refused::Malformed("an unknown chunk type")),
        }
        check(tally)?;
    }
    Ok(())
}

fn check(tally: &Tally) -> Result<(), Refused> {
    if tally.ops > MAX_OPS_PER_FRAME {
        return Err(Refused::TooManyOps);
    }
    if tally.unpacked > MAX_UNPACKED_PER_FRAME {
        return Err(Refused::TooLarge);
    }
    Ok(())
}

/// Inflates raw deflate into a buffer that never grows past what the frame has left.
fn inflate(bytes: &[u8], tally: &mut Tally) -> Result<Vec<u8>, Refused> {
    let room = MAX_UNPACKED_PER_FRAME.saturating_sub(tally.unpacked);
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(room + 1)
        .read_to_end(&mut out)
        .map_err(|_| Refused::Malformed("a deflated part does not inflate"))?;
    tally.unpacked += out.len() as u64;
    check(tally)?;
    Ok(out)
}

/// One Automerge chunk as framed on the wire and on disk: magic bytes, a 4-byte
/// checksum, the chunk type, a LEB128 length and the body. The one reader of that frame:
/// `inspect`, `doc::check_changes` and `doc::saved_heads` all split chunks with it.
pub(crate) struct Chunk<'a> {
    /// 0 document, 1 change, 2 compressed change, 3 bundle.
    pub kind: u8,
    /// The first 4 bytes of the SHA-256 of `covered`.
    pub checksum: &'a [u8],
    /// What the checksum covers: the type, the length and the body.
    pub covered: &'a [u8],
    pub body: &'a [u8],
    /// The whole chunk, magic bytes included.
    pub whole: &'a [u8],
}

impl Chunk<'_> {
    /// Whether the checksum matches what it covers.
    pub fn checksum_holds(&self) -> bool {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.covered)[..4] == *self.checksum
    }
}

/// Splits the first chunk off `rest`.
pub(crate) fn next_chunk<'a>(rest: &mut &'a [u8]) -> Result<Chunk<'a>, Refused> {
    let start = *rest;
    let mut r = Cursor(start);
    if r.take(4)? != MAGIC {
        return Err(Refused::Malformed("no magic bytes"));
    }
    let checksum = r.take(4)?;
    let typed = r.0;
    let kind = r.take(1)?[0];
    let len = usize::try_from(r.uleb()?).map_err(|_| Refused::Malformed("a length"))?;
    let header = typed.len() - r.0.len();
    let body = r.take(len)?;
    *rest = r.0;
    Ok(Chunk {
        kind,
        checksum,
        covered: &typed[..header + len],
        body,
        whole: &start[..start.len() - rest.len()],
    })
}

/// Reads the parts of a chunk's body: fixed-size slices and LEB128 numbers.
pub(crate) struct Cursor<'a>(pub &'a [u8]);

impl<'a> Cursor<'a> {
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Refused> {
        if self.0.len() < n {
            return Err(Refused::Malformed("it ends early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    pub fn uleb(&mut self) -> Result<u64, Refused> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let b = self.take(1)?[0];
            value |= u64::from(b & 0x7f).checked_shl(7 * i).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Refused::Malformed("a number is too long"))
    }

    fn sleb(&mut self) -> Result<i64, Refused> {
        let mut value: i64 = 0;
        let mut shift = 0;
        for _ in 0..10 {
            let b = self.take(1)?[0];
            value |= i64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Ok(value);
            }
        }
        Err(Refused::Malformed("a number is too long"))
    }

    /// A length-prefixed list of items, each skipped by `skip`.
    fn list(&mut self, skip: impl Fn(&mut Self) -> Result<(), Refused>) -> Result<(), Refused> {
        let n = self.uleb()?;
        for _ in 0..n {
            skip(self)?; // each item takes at least one byte, so this ends with the input
        }
        Ok(())
    }

    fn bytes(&mut self) -> Result<&'a [u8], Refused> {
        let n = usize::try_from(self.uleb()?).map_err(|_| Refused::Malformed("a length"))?;
        self.take(n)
    }

    fn columns(&mut self) -> Result<Vec<(u64, usize)>, Refused> {
        let n = self.uleb()?;
        let mut out = Vec::new();
        for _ in 0..n {
            let spec = self.uleb()?;
            let len = usize::try_from(self.uleb()?).map_err(|_| Refused::Malformed("a length"))?;
            if out.len() > 64 {
                return Err(Refused::Malformed("too many columns"));
            }
            out.push((spec, len));
        }
        Ok(out)
    }
}

fn hash(c: &mut Cursor<'_>) -> Result<(), Refused> {
    c.take(32).map(|_| ())
}

fn actor(c: &mut Cursor<'_>) -> Result<(), Refused> {
    c.bytes().map(|_| ())
}

/// Counts the operations of a block of op columns: the values of its action column.
fn ops(meta: &[(u64, usize)], data: &mut Cursor<'_>, tally: &mut Tally) -> Result<(), Refused> {
    for &(spec, len) in meta {
        let column = data.take(len)?;
        let column = if spec & DEFLATE != 0 {
            std::borrow::Cow::Owned(inflate(column, tally)?)
        } else {
            std::borrow::Cow::Borrowed(column)
        };
        if spec >> 4 == ACTION_COLUMN {
            tally.ops += run_length_count(&column)?;
            check(tally)?;
        }
    }
    Ok(())
}

/// Skips a block of columns (inflating deflated ones only to count their size).
fn skip_columns(
    meta: &[(u64, usize)],
    data: &mut Cursor<'_>,
    tally: &mut Tally,
) -> Result<(), Refused> {
    for &(spec, len) in meta {
        let column = data.take(len)?;
        if spec & DEFLATE != 0 {
            inflate(column, tally)?;
        }
    }
    Ok(())
}

/// How many values a run-length encoded integer column holds, from its run headers.
fn run_length_count(column: &[u8]) -> Result<u64, Refused> {
    let mut c = Cursor(column);
    let mut n: u64 = 0;
    while !c.0.is_empty() {
        let run = c.sleb()?;
        if run > 0 {
            c.uleb()?;
            n = n.saturating_add(run as u64);
        } else if run < 0 {
            let literals = run.unsigned_abs();
            for _ in 0..literals {
                c.uleb()?;
            }
            n = n.saturating_add(literals);
        } else {
            n = n.saturating_add(c.uleb()?);
        }
        if n > MAX_OPS_PER_FRAME {
            return Err(Refused::TooManyOps);
        }
    }
    Ok(n)
}

fn change(body: &[u8], tally: &mut Tally) -> Result<(), Refused> {
    let mut c = Cursor(body);
    c.list(hash)?; // dependencies
    actor(&mut c)?;
    c.uleb()?; // seq
    c.uleb()?; // start op
    c.sleb()?; // time
    c.bytes()?; // message
    c.list(actor)?; // other actors
    let meta = c.columns()?;
    ops(&meta, &mut c, tally)
}

fn document(body: &[u8], tally: &mut Tally) -> Result<(), Refused> {
    let mut c = Cursor(body);
    c.list(actor)?;
    c.list(hash)?; // heads
    let change_meta = c.columns()?;
    let ops_meta = c.columns()?;
    skip_columns(&change_meta, &mut c, tally)?;
    ops(&ops_meta, &mut c, tally)
}

fn bundle(body: &[u8], tally: &mut Tally) -> Result<(), Refused> {
    let mut c = Cursor(body);
    c.list(hash)?; // dependencies
    c.list(actor)?;
    let change_meta = c.columns()?;
    skip_columns(&change_meta, &mut c, tally)?;
    let ops_meta = c.columns()?;
    ops(&ops_meta, &mut c, tally)
}

thread_local! {
    /// How many `unpanicked` calls this thread is inside.
    static CATCHING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether a panic on this thread now is one `unpanicked` turns into an error. A panic
/// hook that ends the process (libFuzzer's) asks this first, so fuzzing does not stop
/// at a panic the product handles (`fuzzing::tolerate_caught_panics`).
pub fn catching_panics() -> bool {
    CATCHING.with(|n| n.get() > 0)
}

/// Runs Automerge work on a peer's bytes, turning a panic inside Automerge into an error
/// (fuzzing found inputs that make it panic: a change whose counters pass u32). The
/// caller must drop whatever the work was changing: it may be half done.
pub fn unpanicked<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    CATCHING.with(|n| n.set(n.get() + 1));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    CATCHING.with(|n| n.set(n.get() - 1));
    caught.map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!(
            "Automerge could not take it ({})",
            what.chars().take(200).collect::<String>()
        )
    })
}

/// Checks a sync message's Bloom filters before Automerge reads them: one with no bits
/// makes it divide by zero, one with 2^32 probes makes it allocate 16 GiB.
pub fn check_message(message: &automerge::sync::Message) -> Result<(), Refused> {
    for have in &message.have {
        let bytes = have.bloom.to_bytes();
        if bytes.is_empty() {
            continue; // an empty filter: nothing is read from it
        }
        let mut c = Cursor(&bytes);
        let entries = c.uleb()?;
        let bits_per_entry = c.uleb()?;
        let probes = c.uleb()?;
        if entries == 0
            || !(1..=64).contains(&bits_per_entry)
            || !(1..=64).contains(&probes)
            || c.0.is_empty()
        {
            return Err(Refused::Malformed(
                "a summary (Bloom filter) of impossible shape",
            ));
        }
    }
    if message.have.len() > 64 || message.need.len() > 100_000 || message.heads.len() > 100_000 {
        return Err(Refused::Malformed("too many hashes"));
    }
    Ok(())
}

/// Checks a document after a peer's changes were applied in memory and before anything
/// is read from it or stored: its size, and how deep its objects nest, walked without
/// recursion (a map ten thousand levels deep would otherwise cost gigabytes of patches
/// and overflow the stack when read).
pub fn check_document(doc: &automerge::AutoCommit) -> Result<(), String> {
    use automerge::{ObjType, ROOT, ReadDoc, Value};
    let ops = doc.stats().num_ops;
    if ops > MAX_OPS_PER_DOCUMENT {
        return Err(format!(
            "it would hold {ops} operations, over the limit of {MAX_OPS_PER_DOCUMENT}"
        ));
    }
    let mut stack = vec![(ROOT, 0usize)];
    let mut objects = 0usize;
    while let Some((obj, depth)) = stack.pop() {
        objects += 1;
        if objects > MAX_DOC_OBJECTS {
            return Err(format!("it holds more than {MAX_DOC_OBJECTS} objects"));
        }
        if depth > MAX_DOC_DEPTH {
            return Err(format!("it nests more than {MAX_DOC_DEPTH} levels deep"));
        }
        if matches!(doc.object_type(&obj), Ok(ObjType::Text)) {
            continue;
        }
        for (value, child) in doc.values(&obj) {
            if let Value::Object(_) = value {
                stack.push((child, depth + 1));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ROOT};

    fn tally(bytes: &[u8]) -> Result<Tally, Refused> {
        let mut t = Tally::default();
        inspect(bytes, &mut t).map(|_| t)
    }

    #[test]
    fn operations_are_counted_in_documents_changes_and_compressed_changes() {
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "t", ObjType::Text).unwrap();
        doc.splice_text(&text, 0, 0, &"hello ".repeat(100)).unwrap();
        doc.commit();
        // One make op and 600 inserted characters.
        assert_eq!(tally(&doc.save()).unwrap().ops, 601);
        assert_eq!(tally(&doc.save_nocompress()).unwrap().ops, 601);
        let heads = doc.get_heads();
        doc.put(ROOT, "k", 1).unwrap();
        doc.commit();
        assert_eq!(tally(&doc.save_after(&heads)).unwrap().ops, 1);
        // Every change on its own, as sync messages carry them (large ones compressed).
        let mut total = 0;
        for change in doc.get_changes(&[]) {
            total += tally(change.raw_bytes()).unwrap().ops;
        }
        assert_eq!(total, 602);
    }

    #[test]
    fn a_document_that_unpacks_to_millions_of_letters_is_refused_unloaded() {
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "t", ObjType::Text).unwrap();
        doc.splice_text(&text, 0, 0, &"a".repeat(1_200_000))
            .unwrap();
        doc.commit();
        let bytes = doc.save();
        assert!(bytes.len() < 100_000, "it packs small: {}", bytes.len());
        assert_eq!(tally(&bytes).unwrap_err(), Refused::TooManyOps);
    }

    #[test]
    fn garbage_is_refused_not_panicked_on() {
        for bytes in [
            &b""[..],
            b"\x85\x6f\x4a\x83",
            b"\x85\x6f\x4a\x83\0\0\0\0\x09\x05abcde",
            b"nonsense",
        ] {
            let _ = tally(bytes);
        }
        assert!(tally(b"nonsense").is_err());
        // A run header claiming 2^62 values in two bytes.
        assert_eq!(
            run_length_count(&[0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f])
                .unwrap_err(),
            Refused::TooManyOps
        );
    }

    #[test]
    fn a_document_nested_too_deep_is_refused() {
        let mut doc = AutoCommit::new();
        let mut obj = ROOT;
        for _ in 0..MAX_DOC_DEPTH + 2 {
            obj = doc.put_object(&obj, "x", ObjType::Map).unwrap();
        }
        assert!(check_document(&doc).unwrap_err().contains("deep"));
        let flat = AutoCommit::new();
        assert!(check_document(&flat).is_ok());
    }
}
