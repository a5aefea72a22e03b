//! The plain functions the `comeback` CLI and the app's commands both call, and the
//! serialisable transfer types they hand to a front end, one file per area of the
//! product: `journal` (entries, on this day, the profile), `debrief` (lesson actions),
//! `network` (outreach, introductions, due contacts, worry time), `mojo` (hours, events,
//! moods, the time-off summary), `next` (the pipeline), `home` (the Home screen's
//! summary), `prompt` (the daily prompt of the first weeks), `devices` (what pairing
//! shares), `vault` (create, open, doctor, search), `export` (everything written, into a folder that reads without Comeback), `reminders`
//! (what falls due when, and this device's reminder settings), `lock` (this device's app
//! lock) and `records` (the generic verbs over any kind by name). Each verb is one user action: it
//! validates, writes through the vault (one commit, one transaction) or reads the mirror,
//! and returns a value or an [`Error`] whose [`ErrorCode`] a front branches on. Every rule
//! the fronts used to re-code (a stage date, an introduction's dates, a reference check,
//! a follow-up's wording) lives here once.
//!
//! Everything is re-exported at this level, so `comeback_core::api::foo` names every verb.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};
use crate::model::Date;
use crate::version::Version;

pub mod attachments;
pub mod debrief;
pub mod devices;
pub mod export;
pub mod home;
pub mod import;
pub mod journal;
pub mod lock;
pub mod mojo;
pub mod network;
pub mod next;
pub mod prompt;
pub mod records;
pub mod reminders;
pub mod vault;

pub use self::attachments::*;
pub use self::debrief::*;
pub use self::devices::*;
pub use self::export::*;
pub use self::home::*;
pub use self::import::*;
pub use self::journal::*;
pub use self::lock::*;
pub use self::mojo::*;
pub use self::network::*;
pub use self::next::*;
pub use self::prompt::*;
pub use self::records::*;
pub use self::reminders::*;
pub use self::vault::*;

/// Today on this device's clock (the fronts pass it to the verbs that need a date, so
/// the verbs themselves stay testable).
pub fn today() -> Date {
    chrono::Local::now().date_naive()
}

/// This moment on this device's clock, with its time zone's offset (for the verbs that
/// write a moment down, like [`export()`]'s `exported_at`).
pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// Reads a version a front handed back; a string that is not one is refused with what to
/// do (no write happens).
pub fn parse_version(kind: &str, id: &str, text: &str) -> Result<Version> {
    Version::parse(text).ok_or_else(|| Error::UnknownVersion {
        kind: kind.into(),
        id: id.into(),
        version: text.chars().take(16).collect(),
    })
}

/// A version a verb was handed, parsed (`None` stays `None`).
pub(crate) fn base_version(kind: &str, id: &str, version: Option<&str>) -> Result<Option<Version>> {
    version.map(|v| parse_version(kind, id, v)).transpose()
}

/// The record an edit starts from: as it was at the `version` a front read it at (so
/// the edit merges with whatever changed since), or as it is now. Returns the parsed
/// version too, for the `put_at` that writes the edit.
pub(crate) fn read_for_edit<R: crate::model::Record>(
    vault: &mut crate::vault::Vault,
    id: &str,
    version: Option<&str>,
) -> Result<(R, Option<Version>)> {
    let base = base_version(R::KIND, id, version)?;
    let record = match &base {
        Some(base) => vault.get_at(id, base)?,
        None => vault.require(id)?,
    };
    Ok((record, base))
}

/// How an error crosses to a front end: branch on `code`, show `message`.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct ErrorReply {
    pub code: ErrorCode,
    pub message: String,
}

impl From<Error> for ErrorReply {
    fn from(e: Error) -> Self {
        Self {
            code: e.error_code(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
pub(crate) mod test_vault {
    //! A fresh vault in a temporary folder, for the verbs' tests.
    use crate::vault::{KeySource, Vault};

    pub struct TestVault {
        pub vault: Vault,
        _dir: tempfile::TempDir,
    }

    impl std::ops::Deref for TestVault {
        type Target = Vault;
        fn deref(&self) -> &Vault {
            &self.vault
        }
    }

    impl std::ops::DerefMut for TestVault {
        fn deref_mut(&mut self) -> &mut Vault {
            &mut self.vault
        }
    }

    pub fn new() -> TestVault {
        let dir = tempfile::tempdir().unwrap();
        let source = KeySource::KeyFile(dir.path().join("key"));
        let (vault, _) = Vault::create(&dir.path().join("v"), &source).unwrap();
        TestVault { vault, _dir: dir }
    }

    pub fn day(s: &str) -> crate::model::Date {
        s.parse().unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_error_crosses_to_a_front_as_a_code_and_a_message() {
        let not_found = Error::NotFound {
            kind: "contact".into(),
            id: "x1".into(),
        };
        assert_eq!(
            serde_json::to_value(ErrorReply::from(not_found)).unwrap(),
            json!({"code": "not_found", "message": "no contact with id x1; list them with `comeback contact list`"})
        );
        assert_eq!(
            serde_json::to_value(ErrorReply::from(Error::Internal(
                "a mirror row does not parse".into()
            )))
            .unwrap(),
            json!({"code": "internal", "message": "a mirror row does not parse"})
        );
        assert_eq!(
            serde_json::to_value(ErrorReply::from(Error::Diverged("two histories".into())))
                .unwrap(),
            json!({"code": "diverged", "message": "two histories"})
        );
        assert_eq!(
            serde_json::to_value(ErrorReply::from(Error::Precondition("no action".into())))
                .unwrap()["code"],
            "precondition"
        );
        assert_eq!(
            serde_json::to_value(ErrorReply::from(Error::Io("disk full".into()))).unwrap()["code"],
            "io"
        );
    }

    #[test]
    fn a_version_that_is_not_one_is_refused_as_unknown() {
        let err = parse_version("entry", "e1", "not a version").unwrap_err();
        assert_eq!(err.code(), "unknown_version");
        assert_eq!(ErrorReply::from(err).code, ErrorCode::UnknownVersion);
    }
}
