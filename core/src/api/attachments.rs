//! Photos and files on journal entries: adding one (its bytes stored encrypted in the
//! vault, its description as an `attachment` record in the entry's month), listing an
//! entry's files with whether their bytes are here yet, reading them back, and removing
//! one. Deleting an entry removes its files with it.

use std::io::Read;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{self, Attachment, Entry, MAX_ATTACHMENT_BYTES, Record};
use crate::vault::Vault;

/// One file on an entry, as a front shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AttachmentInfo {
    #[serde(flatten)]
    pub attachment: Attachment,
    /// Whether this device has the bytes yet (a synced photo shows a placeholder until
    /// they arrive from the device it was added on).
    pub present: bool,
}

/// Adds a file to an entry from a reader: at most [`MAX_ATTACHMENT_BYTES`] (more is
/// refused, nothing stored). The media type is taken from the name when not given. The
/// bytes and the record are stored together or not at all.
pub fn attach(
    vault: &mut Vault,
    entry_id: &str,
    name: &str,
    media_type: Option<&str>,
    reader: &mut dyn Read,
) -> Result<Attachment> {
    let entry: Entry = vault.require(entry_id)?;
    let name = file_name(name);
    let media_type = media_type
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| model::media_type_of(&name))
        .to_string();
    vault.batch(|vault| {
        let (sha256, size) = vault.put_blob(reader, MAX_ATTACHMENT_BYTES, &name)?;
        let attachment = Attachment {
            id: model::new_id(),
            entry: entry.id.clone(),
            date: entry.date,
            name: name.clone(),
            media_type: media_type.clone(),
            size,
            sha256,
            added_ms: crate::vault::now_millis(),
        };
        vault.put(&attachment)?;
        Ok(attachment)
    })
}

/// Whether a file of `size` bytes named `name` may go on an entry: a front asks before
/// it reads a file to send, so one over the limit is refused in these words without its
/// bytes being read or sent (`attach` refuses it too).
pub fn attachment_fits(name: &str, size: u64) -> Result<()> {
    Ok(model::check_attachment_size(&file_name(name), size)?)
}

/// The last component of a path a front may hand over ("C:\\photos\\x.jpg", "/tmp/x.jpg").
pub(crate) fn file_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .find(|p| !p.is_empty())
        .unwrap_or(name)
        .to_string()
}

/// An entry's files, oldest first, each with whether its bytes are here.
pub fn attachments_of(vault: &Vault, entry_id: &str) -> Result<Vec<AttachmentInfo>> {
    let mut out: Vec<AttachmentInfo> = Vec::new();
    for a in all_attachments(vault)? {
        if a.entry == entry_id {
            let present = vault.blob_size(&a.sha256)?.is_some();
            out.push(AttachmentInfo {
                attachment: a,
                present,
            });
        }
    }
    out.sort_by(|a, b| {
        (a.attachment.added_ms, &a.attachment.id).cmp(&(b.attachment.added_ms, &b.attachment.id))
    });
    Ok(out)
}

/// Every attachment record this device knows.
pub(crate) fn all_attachments(vault: &Vault) -> Result<Vec<Attachment>> {
    vault.list::<Attachment>(usize::MAX, 0)
}

/// The bytes of one file, for showing or saving it. `precondition` while they have not
/// arrived from the device it was added on.
pub fn attachment_bytes(vault: &Vault, id: &str) -> Result<Vec<u8>> {
    let a: Attachment = vault.require(id)?;
    let Some(mut reader) = vault.open_blob(&a.sha256)? else {
        return Err(missing(&a));
    };
    let mut bytes = Vec::with_capacity(a.size as usize);
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Io(format!("could not read {}: {e}", a.name)))?;
    Ok(bytes)
}

/// Copies one file's bytes to `out` part by part (an export, `entry save-file`).
pub fn copy_attachment(vault: &Vault, a: &Attachment, out: &mut dyn std::io::Write) -> Result<u64> {
    let Some(mut reader) = vault.open_blob(&a.sha256)? else {
        return Err(missing(a));
    };
    std::io::copy(&mut reader, out)
        .map_err(|e| Error::Io(format!("could not copy {}: {e}", a.name)))
}

fn missing(a: &Attachment) -> Error {
    Error::Precondition(format!(
        "{} has not arrived on this device yet; sync with the device it was added on",
        a.name
    ))
}

/// Removes a file from its entry (its bytes too, unless another entry holds the same).
pub fn detach(vault: &mut Vault, id: &str) -> Result<()> {
    let a: Attachment = vault.require(id)?;
    vault.batch(|vault| {
        vault.delete(Attachment::KIND, &a.id)?;
        vault.release_blob(&a.sha256)
    })
}

/// Deletes an entry and every file on it, as one action.
pub fn delete_entry(vault: &mut Vault, id: &str) -> Result<()> {
    vault.require::<Entry>(id)?;
    let files: Vec<Attachment> = all_attachments(vault)?
        .into_iter()
        .filter(|a| a.entry == id)
        .collect();
    vault.batch(|vault| {
        for a in &files {
            vault.delete(Attachment::KIND, &a.id)?;
        }
        vault.delete(Entry::KIND, id)?;
        for a in &files {
            vault.release_blob(&a.sha256)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault;
    use crate::api::{NewEntry, add_entry, delete_json};

    fn entry(v: &mut Vault) -> Entry {
        add_entry(
            v,
            NewEntry {
                text: "The beach".into(),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn a_photo_is_stored_listed_read_back_and_removed() {
        let mut t = test_vault::new();
        let e = entry(&mut t.vault);
        let bytes: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        let a = attach(
            &mut t.vault,
            &e.id,
            "/home/me/IMG_1.JPG",
            None,
            &mut &bytes[..],
        )
        .unwrap();
        assert_eq!(a.name, "IMG_1.JPG");
        assert_eq!(a.media_type, "image/jpeg");
        assert_eq!(a.size, 700_000);
        assert_eq!(a.date, e.date);
        let listed = attachments_of(&t.vault, &e.id).unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].present);
        assert_eq!(attachment_bytes(&t.vault, &a.id).unwrap(), bytes);
        detach(&mut t.vault, &a.id).unwrap();
        assert!(attachments_of(&t.vault, &e.id).unwrap().is_empty());
        assert_eq!(t.vault.blob_totals().unwrap(), (0, 0));
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_nothing_is_stored() {
        let mut t = test_vault::new();
        let e = entry(&mut t.vault);
        let mut huge = std::io::repeat(7).take(MAX_ATTACHMENT_BYTES + 1);
        let err = attach(&mut t.vault, &e.id, "film.mov", None, &mut huge).unwrap_err();
        assert!(err.to_string().contains("smaller copy"), "{err}");
        assert!(attachments_of(&t.vault, &e.id).unwrap().is_empty());
        assert_eq!(t.vault.blob_totals().unwrap(), (0, 0));
        assert_eq!(t.vault.store().count_parts().unwrap(), 0);
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_its_bytes_are_read() {
        attachment_fits("IMG_1.JPG", MAX_ATTACHMENT_BYTES).unwrap();
        let err = attachment_fits("/home/me/film.mov", 60_000_000).unwrap_err();
        assert_eq!(err.code(), "invalid");
        let message = err.to_string();
        assert!(
            message.starts_with("size: film.mov is 60.0 MB"),
            "{message}"
        );
        assert!(message.contains("attach a smaller copy"), "{message}");
    }

    #[test]
    fn the_same_photo_on_two_entries_is_stored_once_and_kept_while_one_holds_it() {
        let mut t = test_vault::new();
        let (e1, e2) = (entry(&mut t.vault), entry(&mut t.vault));
        let bytes = b"same picture".to_vec();
        let a1 = attach(&mut t.vault, &e1.id, "a.png", None, &mut &bytes[..]).unwrap();
        attach(&mut t.vault, &e2.id, "b.png", None, &mut &bytes[..]).unwrap();
        assert_eq!(t.vault.blob_totals().unwrap(), (1, 12));
        detach(&mut t.vault, &a1.id).unwrap();
        assert_eq!(t.vault.blob_totals().unwrap(), (1, 12));
    }

    #[test]
    fn deleting_an_entry_deletes_its_files() {
        let mut t = test_vault::new();
        let e = entry(&mut t.vault);
        attach(&mut t.vault, &e.id, "a.png", None, &mut &b"x"[..]).unwrap();
        delete_entry(&mut t.vault, &e.id).unwrap();
        assert!(t.vault.list::<Attachment>(10, 0).unwrap().is_empty());
        assert_eq!(t.vault.blob_totals().unwrap(), (0, 0));
        // The generic delete of an entry does the same.
        let e = entry(&mut t.vault);
        attach(&mut t.vault, &e.id, "a.png", None, &mut &b"x"[..]).unwrap();
        delete_json(&mut t.vault, "entry", &e.id).unwrap();
        assert!(t.vault.list::<Attachment>(10, 0).unwrap().is_empty());
    }

    #[test]
    fn a_file_cannot_go_on_an_entry_that_does_not_exist() {
        let mut t = test_vault::new();
        let err = attach(&mut t.vault, "nope", "a.png", None, &mut &b"x"[..]).unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert_eq!(t.vault.blob_totals().unwrap(), (0, 0));
    }

    #[test]
    fn only_bytes_an_attachment_names_are_named_and_not_after_it_is_removed() {
        let mut t = test_vault::new();
        let e = entry(&mut t.vault);
        let a = attach(&mut t.vault, &e.id, "a.png", None, &mut &b"pixels"[..]).unwrap();
        let (stray, _) = t.vault.put_blob(&mut &b"stray"[..], 100, "stray").unwrap();
        assert!(t.vault.blob_named(&a.sha256).unwrap());
        assert!(!t.vault.blob_named(&stray).unwrap());
        assert!(!t.vault.blob_named("").unwrap());
        detach(&mut t.vault, &a.id).unwrap();
        assert!(!t.vault.blob_named(&a.sha256).unwrap());
    }

    #[test]
    fn a_received_blob_is_filed_only_when_its_hash_and_size_check() {
        let mut t = test_vault::new();
        let bytes = b"photo bytes".to_vec();
        let sha = crate::vault::sha256_hex(&bytes);
        let key = t.vault.begin_blob();
        t.vault.blob_part_received(&key, 0, b"photo bytez").unwrap();
        let err = t.vault.finish_blob(&key, &sha, 11).unwrap_err();
        assert_eq!(err.code(), "refused");
        assert_eq!(t.vault.blob_size(&sha).unwrap(), None);
        assert_eq!(t.vault.store().count_parts().unwrap(), 0);
        let key = t.vault.begin_blob();
        t.vault.blob_part_received(&key, 0, &bytes).unwrap();
        t.vault.finish_blob(&key, &sha, 11).unwrap();
        assert_eq!(t.vault.blob_size(&sha).unwrap(), Some(11));
    }
}
