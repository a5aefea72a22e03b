fn main() {
    // The app package's manifest is the root Cargo.toml, so tauri-build would look for
    // `capabilities/` at the root; ours live beside the app's sources.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*");
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("the Tauri build step failed: {e:#}");
    }
}
