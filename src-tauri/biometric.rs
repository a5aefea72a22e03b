//! Unlocking with a fingerprint or a face, where the platform has it (Android, iOS,
//! macOS, through Tauri's biometric plugin; elsewhere it says "not available" and the
//! lock screen offers only the passcode).
//!
//! It stands in for typing the passcode, never for having one: the app is locked only
//! when a passcode is set, and the passcode stays the way in when the sensor fails, is
//! cancelled, or the person has enrolled no finger or face. Nothing is stored: the OS
//! answers "this is the phone's owner", and the shell opens the lock as a right passcode
//! would.

use comeback_core::ErrorCode;
use comeback_core::api::ErrorReply;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_biometric::{AuthOptions, BiometricExt};

use crate::{AppState, Reply};

/// Whether this device can unlock with a fingerprint or face now (a sensor and at
/// least one enrolled).
#[tauri::command(async)]
pub fn biometric_available<R: Runtime>(app: AppHandle<R>) -> bool {
    app.biometric()
        .status()
        .map(|status| status.is_available)
        .unwrap_or(false)
}

/// Asks the OS for the owner's fingerprint or face and opens the lock when it answers
/// yes. Refused with `wrong_passcode` (and a message saying to type the passcode) when it
/// fails or is cancelled.
#[tauri::command(async)]
pub fn unlock_biometric<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Reply<()> {
    if !state.lock.is_locked() {
        return Ok(());
    }
    let options = AuthOptions {
        // The passcode is Comeback's own fallback, not the phone's.
        allow_device_credential: false,
        cancel_title: Some("Use passcode".into()),
        title: Some("Open Comeback".into()),
        ..AuthOptions::default()
    };
    app.biometric()
        .authenticate("Open your journal".into(), options)
        .map_err(|_| ErrorReply {
            code: ErrorCode::WrongPasscode,
            message: "Your fingerprint or face was not recognised. Type your passcode instead."
                .into(),
        })?;
    state.lock.unlocked();
    crate::mark("unlocked by biometrics");
    Ok(())
}
