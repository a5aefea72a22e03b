//! Text the person saves out of the app (a debrief's Markdown, its calendar file, the
//! time-off summary) to a place they chose in the system's save dialog. The window asks
//! the dialog for the place and hands the text here: phone webviews ignore `data:`
//! downloads, and the window is granted no file access of its own.
//!
//! Promises: the file appears whole or not at all (written beside its place under a
//! temporary name, flushed, then renamed over it), an older file at that place is only
//! replaced once the new one is complete, and a refusal says in plain words what to do.

use std::io::Write;
use std::path::{Path, PathBuf};

use comeback_core::ErrorCode;

use crate::{IpcError, Reply};

/// Writes `text` to `path`, the place the person chose in the save dialog (a path, or a
/// `file:` URL as some platforms' dialogs hand back).
#[tauri::command(async)]
pub fn save_text_file(path: String, text: String) -> Reply<()> {
    let path = chosen_path(&path)?;
    write_whole(&path, text.as_bytes())
}

/// The place as a file path, or a refusal for one that is not a file on this device.
fn chosen_path(chosen: &str) -> Reply<PathBuf> {
    if chosen.starts_with("file:") {
        return tauri::Url::parse(chosen)
            .ok()
            .and_then(|url| url.to_file_path().ok())
            .ok_or_else(not_a_file_place);
    }
    let path = PathBuf::from(chosen);
    if chosen.is_empty() || !path.is_absolute() {
        return Err(not_a_file_place());
    }
    Ok(path)
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

    #[test]
    fn a_saved_file_replaces_the_old_one_and_leaves_no_temporary_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("debrief.md");
        std::fs::write(&path, "old").unwrap();
        save_text_file(path.display().to_string(), "# New".into()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# New");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_file_url_from_the_dialog_is_saved_as_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a b.ics");
        let url = tauri::Url::from_file_path(&path).unwrap();
        save_text_file(url.to_string(), "BEGIN:VCALENDAR".into()).unwrap();
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
        let refused = save_text_file(path.display().to_string(), "x".into()).unwrap_err();
        assert!(refused.message.contains("Choose another name"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);
    }

    #[test]
    fn a_place_that_is_not_a_file_on_this_device_is_refused() {
        let refused = save_text_file("content://media/1".into(), "x".into()).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Invalid);
        let refused = save_text_file("notes.md".into(), "x".into()).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Invalid);
    }
}
