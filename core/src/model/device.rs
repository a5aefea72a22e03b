//! The devices of a vault: who may sync with whom. The list lives in its own small
//! document (`Home::Devices`) and syncs like everything else, so a device paired with one
//! device is trusted by all of them. A removal is a tombstone: once `revoked_at` is set no
//! write clears it (`Vault::add_device` refuses a revoked id), so a lost phone stays shut
//! out; pairing that hardware again makes a new identity.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Home, Invalid, Record, require};

pub const MAX_DEVICE_NAME_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Device {
    /// The device's public key (its iroh endpoint id), 64 lowercase hex characters.
    pub id: String,
    /// What the person calls it: "Phone", "Laptop".
    pub name: String,
    /// When it was paired, in milliseconds since the epoch.
    #[ts(type = "number")]
    pub added_at: i64,
    /// The device that let it in (itself, for the first device).
    pub added_by: String,
    /// When it was removed; set once, never cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number")]
    pub revoked_at: Option<i64>,
}

impl Device {
    pub fn revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

/// Whether `id` looks like a device id: 64 lowercase hex characters.
pub fn is_device_id(id: &str) -> bool {
    id.len() == 64
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Record for Device {
    const KIND: &'static str = "device";
    const PROSE: &'static [&'static str] = &[];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        if !is_device_id(&self.id) {
            return Err(Invalid::new(
                "id",
                "a device id is 64 hex characters (its public key); copy it from `comeback devices list`",
            ));
        }
        require("name", &self.name, "give the device a name, like \"Phone\"")?;
        if self.name.chars().count() > MAX_DEVICE_NAME_CHARS {
            return Err(Invalid::new(
                "name",
                format!("keep a device name under {MAX_DEVICE_NAME_CHARS} characters"),
            ));
        }
        if !self.added_by.is_empty() && !is_device_id(&self.added_by) {
            return Err(Invalid::new("added_by", "not a device id"));
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::Devices
    }

    fn sort_key(&self) -> String {
        format!("{:020}", self.added_at.max(0))
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn search_text(&self) -> String {
        // Devices are not journal text: nothing of them shows in search.
        String::new()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::*;

    fn device() -> Device {
        Device {
            id: "ab".repeat(32),
            name: "Phone".into(),
            added_at: 1,
            added_by: "cd".repeat(32),
            revoked_at: None,
        }
    }

    #[test]
    fn a_device_needs_a_key_shaped_id_and_a_name() {
        assert!(device().validate().is_ok());
        let bad_id = Device {
            id: "phone".into(),
            ..device()
        };
        assert_eq!(bad_id.validate().unwrap_err().field, "id");
        let upper = Device {
            id: "AB".repeat(32),
            ..device()
        };
        assert!(upper.validate().is_err());
        let unnamed = Device {
            name: "  ".into(),
            ..device()
        };
        assert_eq!(unnamed.validate().unwrap_err().field, "name");
        let long = Device {
            name: "x".repeat(61),
            ..device()
        };
        assert_eq!(long.validate().unwrap_err().field, "name");
    }

    #[test]
    fn devices_live_in_their_own_document_and_stay_out_of_search() {
        assert_eq!(device().home(), Home::Devices);
        assert_eq!(Home::Devices.doc_id(), "devices");
        assert_eq!(Home::from_doc_id("devices"), Some(Home::Devices));
        assert_eq!(device().search_text(), "");
    }
}
