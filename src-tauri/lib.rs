//! The desktop and phone shell of Comeback. It holds no product rules: each command is
//! a few lines over `comeback_core::api`, the same functions the `comeback` CLI calls.
//! In this first cut the window is a placeholder; the screens arrive with the UI issue.

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    if let Err(err) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("comeback-app: could not start the window: {err}");
        std::process::exit(1);
    }
}
