//! Text the person saves out of the app (a debrief's Markdown, its calendar file, the
//! time-off summary) to a place they chose in the system's save dialog. The window asks
//! the dialog for the place and hands the text here: phone webviews ignore `data:`
//! downloads, and the window is granted no file access of its own.
//!
//! Promises: a file on this device's disk appears whole or not at all (written beside
//! its place under a temporary name, flushed, then renamed over it), so an older file
//! there is only replaced once the new one is complete; a place only the system can open
//! (an Android `content:` URI) is written through the fs plugin, as the system allows;
//! a refusal says in plain words what to do.

use std::io::Write;
use std::path::{Path, PathBuf};

use comeback_core::ErrorCode;
use tauri::{AppHandle, Manager, Runtime, Url};

use crate::{IpcError, Reply};

/// Writes `text` to `path`, the place the person chose in the save dialog (a path, a
/// `file:` URL, or on a phone a URI only the system can open).
#[tauri::command(async)]
pub fn save_text_file<R: Runtime>(app: AppHandle<R>, path: String, text: String) -> Reply<()> {
    save(&path, text.as_bytes(), |url| {
        let Some(fs) = app.try_state::<tauri_plugin_fs::Fs<R>>() else {
            return Err(std::io::ErrorKind::Unsupported.into());
        };
        let mut options = tauri_plugin_fs::OpenOptions::new();
        options.read(false).write(true).create(true).truncate(true);
        fs.open(tauri_plugin_fs::FilePath::Url(url), options)
    })
}

/// Where the dialog said the file goes.
enum Place {
    /// A file on this device's disk.
    Path(PathBuf),
    /// A place only the system can open (an Android `content:` URI).
    System(Url),
}

/// Saves `bytes` to `chosen`; `open_through_system` opens a place only the system can.
fn save(
    chosen: &str,
    bytes: &[u8],
    open_through_system: impl FnOnce(Url) -> std::io::Result<std::fs::File>,
) -> Reply<()> {
    match chosen_place(chosen)? {
        Place::Path(path) => write_whole(&path, bytes),
        Place::System(url) => open_through_system(url)
            .and_then(|mut file| {
                file.write_all(bytes)?;
                file.flush()
            })
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::Unsupported => not_a_file_place(),
                _ => io_refusal(&err),
            }),
    }
}

/// The place as a file path or a system URI, or a refusal for anything else.
fn chosen_place(chosen: &str) -> Reply<Place> {
    let path = PathBuf::from(chosen);
    if !chosen.is_empty() && path.is_absolute() {
        return Ok(Place::Path(path));
    }
    match Url::parse(chosen) {
        Ok(url) if url.scheme() == "file" => url
            .to_file_path()
            .map(Place::Path)
            .map_err(|()| not_a_file_place()),
        Ok(url) if url.scheme() == "content" => Ok(Place::System(url)),
        _ => Err(not_a_file_place()),
    }
}

fn not_a_file_place() -> IpcError {
    refusal(
        ErrorCode::Invalid,
        "The file was not saved: that place is not a folder on this device. Choose a folder on \
         this device, such as Documents.",
    )
}

fn write_whole(path: &Path, bytes: &[u8]) -> Reply<()> {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(not_a_file_place());
    };
    if !folder.is_dir() {
        return Err(refusal(
            ErrorCode::NotFound,
            "The file was not saved: the folder you chose is not there any more. Choose \
             another place to save it.",
        ));
    }
    if path.is_dir() {
        return Err(refusal(
            ErrorCode::Invalid,
            "The file was not saved: there is a folder with that name there. Choose another \
             name for the file.",
        ));
    }
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".saving-{}", std::process::id()));
    let temp = folder.join(temp_name);
    let written = std::fs::File::create(&temp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    written.map_err(|err| {
        let _ = std::fs::remove_file(&temp);
        io_refusal(&err)
    })
}

fn io_refusal(err: &std::io::Error) -> IpcError {
    use std::io::ErrorKind;
    let message = match err.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            "The file was not saved: Comeback may not write in that folder. Choose another place, \
             such as your Documents folder."
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            "The file was not saved: there is no room left on that disk. Free some space or \
             choose another place, then try again."
        }
        ErrorKind::NotFound => {
            "The file was not saved: the folder you chose is not there any more. Choose another \
             place to save it."
        }
        _ => {
            "The file was not saved: something on this device stopped it. Try again, or choose \
             another place."
        }
    };
    refusal(ErrorCode::Io, message)
}

fn refusal(code: ErrorCode, message: &str) -> IpcError {
    IpcError {
        code,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A device with no system-only places (a desktop).
    fn no_system(_: Url) -> std::io::Result<std::fs::File> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    #[test]
    fn a_phone_place_is_written_through_the_system() {
        let dir = tempfile::tempdir().unwrap();
        let behind = dir.path().join("behind-the-uri.md");
        let mut asked = None;
        save(
            "content://com.android.providers/document/7",
            b"# Launch",
            |url| {
                asked = Some(url.to_string());
                std::fs::File::create(&behind)
            },
        )
        .unwrap();
        assert_eq!(
            asked.as_deref(),
            Some("content://com.android.providers/document/7")
        );
        assert_eq!(std::fs::read_to_string(&behind).unwrap(), "# Launch");
    }

    #[test]
    fn a_saved_file_replaces_the_old_one_and_leaves_no_temporary_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("debrief.md");
        std::fs::write(&path, "old").unwrap();
        save(&path.display().to_string(), b"# New", no_system).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# New");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_file_url_from_the_dialog_is_saved_as_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a b.ics");
        let url = Url::from_file_path(&path).unwrap();
        save(url.as_str(), b"BEGIN:VCALENDAR", no_system).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "BEGIN:VCALENDAR");
    }

    #[test]
    fn a_folder_that_may_not_be_written_in_is_named_as_such_without_system_words() {
        // (A test cannot make a folder root may not write in, so the mapping is tested.)
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let refused = io_refusal(&denied);
        assert_eq!(refused.code, ErrorCode::Io);
        assert!(refused.message.contains("may not write in that folder"));
        assert!(!refused.message.contains("os error"));
        let full = io_refusal(&std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(full.message.contains("no room left"));
    }

    #[test]
    fn a_folder_in_the_way_of_the_file_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        let refused = save(&path.display().to_string(), b"x", no_system).unwrap_err();
        assert!(refused.message.contains("Choose another name"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);
    }

    #[test]
    fn a_place_that_is_not_a_file_on_this_device_is_refused() {
        for place in [
            "notes.md",
            "",
            "https://example.com/notes.md",
            "content://media/1",
        ] {
            let refused = save(place, b"x", no_system).unwrap_err();
            assert_eq!(refused.code, ErrorCode::Invalid, "{place}");
            assert!(refused.message.contains("Choose a folder on this device"));
        }
    }
}
