// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before anything holds a key: a crash must not write them to a core file.
    if let Err(e) = comeback_core::harden::no_core_dumps() {
        eprintln!("comeback-app: core dumps could not be turned off ({e})");
    }
    comeback_app_lib::run()
}
