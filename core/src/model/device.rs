//! The devices of a vault: who may sync with whom. The list lives in its own small
//! document (`Home::Devices`) and syncs like everything else, so a device paired with one
//! device is trusted by all of them. A removal is a tombstone: once `revoked_at` is set no
//! write clears it (`Vault::add_device` refuses a revoked id), so a lost phone stays shut
//! out; pairing that hardware again makes a new identity.
//!
//! Being listed is not being trusted: a device is trusted when a device this one trusts
//! vouched for it (`vouched_by`: an ed25519 signature by that device's key over the new
//! device's id, written when the two paired and compared their check code), and no
//! removal of it was ever seen. See `Vault::trusted_devices`.

use std::collections::BTreeMap;

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
    /// Who vouched for this device: voucher's device id → hex signature of
    /// [`vouch_message`] by the voucher's key. A map, so vouches written on two devices
    /// at once merge.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vouched_by: BTreeMap<String, String>,
}

/// What a device signs to vouch for another: a fixed label and the new device's id.
pub fn vouch_message(id: &str) -> Vec<u8> {
    let mut m = b"comeback vouch v1\0".to_vec();
    m.extend_from_slice(id.as_bytes());
    m
}

/// Whether `signature` (hex) is `voucher`'s signature of [`vouch_message`] for `id`.
pub fn vouch_holds(voucher: &str, id: &str, signature: &str) -> bool {
    let Ok(key) = data_encoding::HEXLOWER.decode(voucher.as_bytes()) else {
        return false;
    };
    let Ok(sig) = data_encoding::HEXLOWER.decode(signature.as_bytes()) else {
        return false;
    };
    let (Ok(key), Ok(sig)) = (<[u8; 32]>::try_from(key), <[u8; 64]>::try_from(sig)) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key) else {
        return false;
    };
    key.verify_strict(
        &vouch_message(id),
        &ed25519_dalek::Signature::from_bytes(&sig),
    )
    .is_ok()
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
        if self.vouched_by.len() > 64 {
            return Err(Invalid::new(
                "vouched_by",
                "more vouches than any vault has devices",
            ));
        }
        for (voucher, signature) in &self.vouched_by {
            if !is_device_id(voucher) || signature.len() != 128 {
                return Err(Invalid::new(
                    "vouched_by",
                    "a vouch is a device id and a signature",
                ));
            }
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
            vouched_by: BTreeMap::new(),
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
