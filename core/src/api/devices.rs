//! What the device screens read from the core: what pairing with another device will
//! share, and the one sentence both fronts show the joining person. (Pairing itself and the device list's writes live in `net/` and
//! `vault::devices`.)

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::model;
use crate::vault::Vault;

/// What joining another device's vault shares with it, for the joining person to
/// confirm with the check code: the first sync merges the two vaults, so every record
/// of this device goes to the other one, and the devices this one already syncs with
/// will sync with it too.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct PairingShares {
    /// Journal entries.
    pub entries: usize,
    /// Every other record a person wrote (check-ins, debriefs, contacts, projects…).
    pub other_records: usize,
    /// The other devices this vault already syncs with (removed ones left out).
    pub devices: usize,
}

/// Counts what pairing this vault with another device will share (see [`PairingShares`]).
pub fn pairing_shares(vault: &Vault) -> Result<PairingShares> {
    let counts = vault.count_by_kind()?;
    let mut shares = PairingShares {
        devices: vault.sync_peers()?.len(),
        ..PairingShares::default()
    };
    for kind in model::Kind::user_kinds() {
        let n = counts.get(kind.as_str()).copied().unwrap_or(0);
        if kind == model::Kind::Entry {
            shares.entries += n;
        } else {
            shares.other_records += n;
        }
    }
    Ok(shares)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The sentence the joining person reads before confirming a pairing: what leaves this
/// device, and to whom (the inviter by its name and the short form of its id; "the
/// other device" when it gave no name). Both fronts show it as it is.
pub fn shares_sentence(shares: &PairingShares, inviter_name: &str, inviter_id: &str) -> String {
    let name = inviter_name.trim();
    let who = match (name.is_empty(), inviter_id.is_empty()) {
        (true, _) => "the other device".to_string(),
        (false, true) => name.to_string(),
        (false, false) => format!("{name} ({})", crate::vault::short(inviter_id)),
    };
    let mut text = format!(
        "Joining shares this device's journal ({}, {}) with {who}, and brings its journal here.",
        plural(shares.entries, "entry", "entries"),
        plural(shares.other_records, "other record", "other records"),
    );
    if shares.devices > 0 {
        text.push_str(&format!(
            " The {} this device syncs with will sync with it too.",
            plural(shares.devices, "other device", "other devices")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{NewEntry, add_entry, save_json, test_vault};
    use serde_json::json;

    #[test]
    fn pairing_shares_counts_entries_other_records_and_devices_but_not_the_device_list() {
        let mut vault = test_vault::new();
        assert_eq!(pairing_shares(&vault).unwrap(), PairingShares::default());
        for text in ["one", "two"] {
            add_entry(
                &mut vault,
                NewEntry {
                    text: text.into(),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        save_json(&mut vault, "contact", json!({"name": "Ada"})).unwrap();
        vault.ensure_this_device(Some("Laptop")).unwrap();
        let me = vault.device_id().to_string();
        vault.add_device(&"ab".repeat(32), "Phone", &me).unwrap();
        vault
            .add_device(&"cd".repeat(32), "Old tablet", &me)
            .unwrap();
        vault.revoke_device(&"cd".repeat(32)).unwrap();
        assert_eq!(
            pairing_shares(&vault).unwrap(),
            PairingShares {
                entries: 2,
                other_records: 1,
                devices: 1,
            }
        );
    }

    #[test]
    fn the_shares_sentence_says_what_leaves_this_device_and_to_whom() {
        let one = PairingShares {
            entries: 1,
            other_records: 0,
            devices: 0,
        };
        assert_eq!(
            shares_sentence(&one, "Laptop", &"ab12".repeat(16)),
            "Joining shares this device's journal (1 entry, 0 other records) with Laptop (ab12ab12), and brings its journal here."
        );
        let many = PairingShares {
            entries: 12,
            other_records: 3,
            devices: 2,
        };
        assert_eq!(
            shares_sentence(&many, " ", ""),
            "Joining shares this device's journal (12 entries, 3 other records) with the other device, and brings its journal here. The 2 other devices this device syncs with will sync with it too."
        );
        assert!(
            shares_sentence(
                &PairingShares {
                    devices: 1,
                    ..many
                },
                "Phone",
                ""
            )
            .ends_with("with Phone, and brings its journal here. The 1 other device this device syncs with will sync with it too.")
        );
    }
}
