//! The version a front holds: the heads of a record's document as the read it came from
//! reflected. Opaque to fronts (a string they keep and hand back with a save); the core
//! uses it to apply a save as if it had been made at that version, so what another
//! device wrote meanwhile is merged, never reverted.

use automerge::ChangeHash;

/// A set of document heads, sorted, written as hex hashes joined by `.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version(Vec<ChangeHash>);

impl Version {
    pub fn new(mut heads: Vec<ChangeHash>) -> Self {
        heads.sort();
        heads.dedup();
        Self(heads)
    }

    pub fn heads(&self) -> &[ChangeHash] {
        &self.0
    }

    /// Reads a version as `Display` wrote it; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Some(Self(Vec::new()));
        }
        // A document rarely has more than a handful of heads; a thousand is not a version.
        if text.len() > 65 * 1000 {
            return None;
        }
        let heads = text
            .split('.')
            .map(|h| {
                (h.len() == 64)
                    .then(|| h.parse::<ChangeHash>().ok())
                    .flatten()
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self::new(heads))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, h) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{h}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_reads_back_as_written_whatever_the_order_of_its_heads() {
        let a = ChangeHash([1; 32]);
        let b = ChangeHash([2; 32]);
        let v = Version::new(vec![b, a]);
        let text = v.to_string();
        assert_eq!(text.len(), 64 * 2 + 1);
        assert_eq!(Version::parse(&text), Some(Version::new(vec![a, b])));
    }

    #[test]
    fn text_that_is_not_a_version_is_not_taken_for_one() {
        assert_eq!(Version::parse("yesterday"), None);
        assert_eq!(Version::parse(&"a".repeat(63)), None);
        assert_eq!(Version::parse(&format!("{}.", "a".repeat(64))), None);
    }
}
