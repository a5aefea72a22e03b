//! Files kept with a journal entry: photos first, any file up to a stated size. The
//! record describes the file (its name, type, size and SHA-256) and lives in the month
//! document of its entry, so it syncs and merges like any record; the bytes are kept
//! apart, encrypted in the vault's database by their hash (`store::blob`), and travel
//! between devices on a protocol of their own. A device that has the record but not yet
//! the bytes shows a placeholder.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Date, Entry, Home, Invalid, Record, check_date, check_id, check_ref, ymd};

/// The largest file an entry can hold: a long phone video is not a journal's business,
/// and every paired device keeps a copy.
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

/// A file name, not a path: what a person would see in a file manager.
pub const MAX_FILE_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Attachment {
    pub id: String,
    /// The entry it belongs to.
    pub entry: String,
    /// The entry's date when the file was added: which month document it lives in.
    pub date: Date,
    /// The original file name ("IMG_2041.jpg").
    pub name: String,
    /// Its media type ("image/jpeg").
    pub media_type: String,
    #[ts(type = "number")]
    pub size: u64,
    /// SHA-256 of the bytes, 64 lowercase hex digits: the key of the bytes in the vault.
    pub sha256: String,
    /// When it was added (unix millis); orders an entry's files.
    #[ts(type = "number")]
    pub added_ms: i64,
}

impl Attachment {
    /// Whether this is a picture the screens can show.
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }
}

/// The media type of a file by its name's extension; files of other kinds are kept as
/// `application/octet-stream`.
pub fn media_type_of(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "avif" => "image/avif",
        "tif" | "tiff" => "image/tiff",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "md" | "markdown" => "text/markdown",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "m4a" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "caf" => "audio/x-caf",
        _ => "application/octet-stream",
    }
}

/// Whether `name` can be a file's name on every platform a vault syncs to.
fn check_file_name(name: &str) -> Result<(), Invalid> {
    let field = "name";
    if name.trim().is_empty() {
        return Err(Invalid::new(field, "the file has no name; give it one"));
    }
    if name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(Invalid::new(
            field,
            format!("the file name is longer than {MAX_FILE_NAME_CHARS} characters; shorten it"),
        ));
    }
    if name == "." || name == ".." || name.chars().any(|c| matches!(c, '/' | '\\' | '\0')) {
        return Err(Invalid::new(
            field,
            format!("\"{name}\" is a path, not a file name; give the name alone"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid::new(
            field,
            "the file name holds a control character; rename the file",
        ));
    }
    Ok(())
}

/// Refuses a file of `size` bytes over [`MAX_ATTACHMENT_BYTES`], naming it.
pub fn check_attachment_size(name: &str, size: u64) -> Result<(), Invalid> {
    if size > MAX_ATTACHMENT_BYTES {
        return Err(Invalid::new(
            "size",
            format!(
                "{name} is {:.1} MB, over the {} MB a file on an entry may be; attach a smaller copy",
                size as f64 / 1e6,
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Record for Attachment {
    const KIND: &'static str = "attachment";
    const PROSE: &'static [&'static str] = &[];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_ref("entry", &self.entry, "entry")?;
        check_date("date", self.date)?;
        check_file_name(&self.name)?;
        let mt = &self.media_type;
        let well_formed = mt.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && mt.len() <= 100
                && mt.chars().all(|c| c.is_ascii_graphic())
        });
        if !well_formed {
            return Err(Invalid::new(
                "media_type",
                format!("\"{mt}\" is not a media type; write it like image/jpeg"),
            ));
        }
        check_attachment_size(&self.name, self.size)?;
        if !is_sha256_hex(&self.sha256) {
            return Err(Invalid::new(
                "sha256",
                "the file's hash is not 64 lowercase hex digits (SHA-256); attach the file again",
            ));
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::of(self.date)
    }

    /// The entry's date, then when it was added.
    fn sort_key(&self) -> String {
        format!("{}T{:016}", ymd(self.date), self.added_ms.max(0))
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn search_text(&self) -> String {
        self.name.clone()
    }

    fn references(&self) -> Vec<super::Reference<'_>> {
        vec![super::Reference {
            field: "entry",
            kind: Entry::KIND,
            id: &self.entry,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> Attachment {
        Attachment {
            id: "a1".into(),
            entry: "e1".into(),
            date: Date::from_ymd_opt(2026, 3, 4).unwrap(),
            name: "IMG_2041.jpg".into(),
            media_type: "image/jpeg".into(),
            size: 2_000_000,
            sha256: "ab".repeat(32),
            added_ms: 1,
        }
    }

    #[test]
    fn a_photo_is_valid_and_lives_in_its_entrys_month() {
        let a = photo();
        a.validate().unwrap();
        assert_eq!(a.home().doc_id(), "journal-2026-03");
        assert!(a.is_image());
        assert_eq!(a.references()[0].kind, "entry");
    }

    #[test]
    fn paths_oversized_files_and_bad_hashes_are_refused_with_what_to_do() {
        for name in ["../etc/passwd", "a/b.jpg", "c:\\x.jpg", "", ".."] {
            let a = Attachment {
                name: name.into(),
                ..photo()
            };
            let e = a.validate().unwrap_err();
            assert_eq!(e.field, "name", "{name}");
        }
        let big = Attachment {
            size: MAX_ATTACHMENT_BYTES + 1,
            ..photo()
        };
        assert!(big.validate().unwrap_err().message.contains("smaller copy"));
        let hash = Attachment {
            sha256: "AB".repeat(32),
            ..photo()
        };
        assert_eq!(hash.validate().unwrap_err().field, "sha256");
        let mt = Attachment {
            media_type: "jpeg".into(),
            ..photo()
        };
        assert_eq!(mt.validate().unwrap_err().field, "media_type");
    }

    #[test]
    fn media_types_come_from_the_extension() {
        assert_eq!(media_type_of("x.JPG"), "image/jpeg");
        assert_eq!(media_type_of("scan.pdf"), "application/pdf");
        assert_eq!(media_type_of("noext"), "application/octet-stream");
    }
}
