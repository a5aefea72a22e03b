//! The device list and this device's memory of its peers.
//!
//! Trust is the device list (a synced document); what a device remembers of the others
//! (addresses, last contact, sync states) is local and never synced.

use std::collections::BTreeSet;

use super::{Vault, now_ms};
use crate::error::{Error, Result};
use crate::model::{Device, is_device_id, vouch_holds, vouch_message};
use crate::store::{self, Peer};

/// The `meta` prefix of this device's own memory of removals: every device any branch of
/// the device list ever marked removed. Local, never synced, never shrinking.
const TOMBSTONE: &str = "tombstone:";
/// The `meta` key listing the devices this one trusted when it first ran a release that
/// checks vouches (devices paired before vouches existed have none).
const LEGACY_TRUST: &str = "trust:legacy";

/// The `meta` prefix of the vouches each device has, from every branch of the list.
const VOUCHES: &str = "vouches:";

/// Notes every removal the device list's history holds, and every vouch any branch of it
/// holds, in the transaction that stores it.
pub(super) fn note_device_list(
    tx: &rusqlite::Connection,
    doc: &mut automerge::AutoCommit,
) -> Result<()> {
    for id in crate::doc::removed_in_history(doc) {
        store::meta_set(tx, &format!("{TOMBSTONE}{id}"), "removed")?;
    }
    for (id, vouches) in crate::doc::vouches_in_any_branch(doc) {
        let json = serde_json::to_string(&vouches)
            .map_err(|e| Error::Internal(format!("the device list does not serialise: {e}")))?;
        store::meta_set(tx, &format!("{VOUCHES}{id}"), &json)?;
    }
    Ok(())
}

/// One row of `comeback devices list`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub this_device: bool,
    /// When this device last synced with it (ms since the epoch); null if never.
    #[ts(type = "number | null")]
    pub last_seen: Option<i64>,
    pub revoked: bool,
    /// Whether this device syncs with it: a trusted device vouched for it and it was
    /// never removed. A device listed but not trusted was added by a device that has
    /// since been removed; pair it again if it is yours.
    pub trusted: bool,
    #[ts(type = "number")]
    pub added_at: i64,
}

impl Vault {
    /// Every device of the vault, removed ones included, oldest first.
    pub fn devices(&self) -> Result<Vec<Device>> {
        let mut all: Vec<Device> = self.list(usize::MAX, 0)?;
        all.reverse();
        Ok(all)
    }

    /// Every device this one has ever seen removed (see [`TOMBSTONE`]).
    pub fn removed_devices(&self) -> Result<BTreeSet<String>> {
        Ok(store::meta_keys(&self.store.conn, TOMBSTONE)?
            .into_iter()
            .collect())
    }

    /// Whether `id` was ever removed from the vault, as far as this device has seen.
    pub fn was_removed(&self, id: &str) -> Result<bool> {
        Ok(self.store.meta(&format!("{TOMBSTONE}{id}"))?.is_some()
            || self.get::<Device>(id)?.is_some_and(|d| d.revoked()))
    }

    /// The devices this one trusts, itself included: a device is trusted when a trusted
    /// device vouched for it (a signature by that device's key over its id, made when the
    /// two paired), starting from this device and the devices it trusted before vouches
    /// existed, and when no removal of it was ever seen. A device listed by a paired
    /// device that signs for it is trusted only while that device is: removing the
    /// device that added it ends its trust too, unless another trusted device paired
    /// with it. Nobody is trusted once this device itself was removed.
    pub fn trusted_devices(&self) -> Result<BTreeSet<String>> {
        let removed = self.removed_devices()?;
        let listed = self.devices()?;
        let mut trusted = BTreeSet::new();
        if removed.contains(&self.device_id) || self.this_device_revoked()? {
            return Ok(trusted);
        }
        trusted.insert(self.device_id.clone());
        let legacy: Vec<String> = self
            .store
            .meta(LEGACY_TRUST)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let eligible = |d: &Device| !d.revoked() && !removed.contains(&d.id);
        for d in &listed {
            if eligible(d) && legacy.contains(&d.id) {
                trusted.insert(d.id.clone());
            }
        }
        loop {
            let before = trusted.len();
            for d in &listed {
                if trusted.contains(&d.id) || !eligible(d) {
                    continue;
                }
                let mut vouches = d.vouched_by.clone();
                if let Some(json) = self.store.meta(&format!("{VOUCHES}{}", d.id))? {
                    vouches.extend(
                        serde_json::from_str::<std::collections::BTreeMap<String, String>>(&json)
                            .unwrap_or_default(),
                    );
                }
                let vouched = vouches.iter().any(|(voucher, signature)| {
                    *voucher != d.id
                        && trusted.contains(voucher)
                        && vouch_holds(voucher, &d.id, signature)
                });
                if vouched {
                    trusted.insert(d.id.clone());
                }
            }
            if trusted.len() == before {
                return Ok(trusted);
            }
        }
    }

    /// On the first open by a release that checks vouches: the devices listed and not
    /// removed are the ones this device already trusted, so it keeps trusting them and
    /// vouches for them, so that devices paired from now on trust them through it.
    pub(super) fn adopt_vouches(&mut self) -> Result<()> {
        if self.store.meta(LEGACY_TRUST)?.is_some() {
            return Ok(());
        }
        let removed = self.removed_devices()?;
        let keep: Vec<Device> = self
            .devices()?
            .into_iter()
            .filter(|d| d.id != self.device_id && !d.revoked() && !removed.contains(&d.id))
            .collect();
        let ids: Vec<&str> = keep.iter().map(|d| d.id.as_str()).collect();
        store::meta_set(
            &self.store.conn,
            LEGACY_TRUST,
            &serde_json::to_string(&ids)
                .map_err(|e| Error::Internal(format!("the device list does not serialise: {e}")))?,
        )?;
        for mut d in keep {
            if !d.vouched_by.contains_key(&self.device_id) {
                d.vouched_by
                    .insert(self.device_id.clone(), self.vouch_for(&d.id));
                self.put(&d)?;
            }
        }
        Ok(())
    }

    /// This device's signature vouching for `id`.
    fn vouch_for(&self, id: &str) -> String {
        use ed25519_dalek::Signer;
        let key = ed25519_dalek::SigningKey::from_bytes(self.device_key.as_bytes());
        data_encoding::HEXLOWER.encode(&key.sign(&vouch_message(id)).to_bytes())
    }

    /// The device list as shown: this device marked, last contact filled in.
    pub fn device_infos(&self) -> Result<Vec<DeviceInfo>> {
        let mut out = Vec::new();
        let mut listed_self = false;
        let trusted = self.trusted_devices()?;
        let removed = self.removed_devices()?;
        for d in self.devices()? {
            let this_device = d.id == self.device_id;
            listed_self |= this_device;
            out.push(DeviceInfo {
                trusted: trusted.contains(&d.id),
                last_seen: if this_device {
                    None
                } else {
                    self.store.peer(&d.id)?.and_then(|p| p.last_seen)
                },
                revoked: d.revoked() || removed.contains(&d.id),
                this_device,
                added_at: d.added_at,
                id: d.id,
                name: d.name,
            });
        }
        if !listed_self {
            // A vault that never paired has an empty list; it still has this device.
            out.insert(
                0,
                DeviceInfo {
                    id: self.device_id.clone(),
                    name: default_device_name(),
                    this_device: true,
                    last_seen: None,
                    revoked: false,
                    trusted: true,
                    added_at: 0,
                },
            );
        }
        Ok(out)
    }

    /// The devices this one syncs with: trusted, not this one.
    pub fn sync_peers(&self) -> Result<Vec<Device>> {
        let trusted = self.trusted_devices()?;
        Ok(self
            .devices()?
            .into_iter()
            .filter(|d| d.id != self.device_id && trusted.contains(&d.id))
            .collect())
    }

    /// Whether `id` may sync with this vault (see [`Vault::trusted_devices`]).
    pub fn trusts(&self, id: &str) -> Result<bool> {
        Ok(id != self.device_id && self.trusted_devices()?.contains(id))
    }

    /// Whether this device has been removed from the vault by another device.
    pub fn this_device_revoked(&self) -> Result<bool> {
        Ok(self
            .get::<Device>(&self.device_id)?
            .is_some_and(|d| d.revoked()))
    }

    /// Adds a device to the list, vouched for by this device (a device already listed
    /// gets this device's vouch if it lacks it). Called when the two devices paired and
    /// the person compared their check code. A removed device is refused: its removal is
    /// final.
    pub fn add_device(&mut self, id: &str, name: &str, added_by: &str) -> Result<Device> {
        if self.was_removed(id)? {
            return Err(Error::Refused(format!(
                "device {} was removed from this vault and cannot be added again; reset the app on that device so it makes a new identity, then pair it",
                short(id)
            )));
        }
        let vouch = (id != self.device_id).then(|| self.vouch_for(id));
        if let Some(mut existing) = self.get::<Device>(id)? {
            if let Some(vouch) = vouch
                && !existing.vouched_by.contains_key(&self.device_id)
            {
                existing.vouched_by.insert(self.device_id.clone(), vouch);
                self.put(&existing)?;
            }
            return Ok(existing);
        }
        let device = Device {
            id: id.to_string(),
            name: name.trim().to_string(),
            added_at: now_ms(),
            added_by: added_by.to_string(),
            revoked_at: None,
            vouched_by: vouch
                .map(|v| [(self.device_id.clone(), v)].into_iter().collect())
                .unwrap_or_default(),
        };
        self.put(&device)?;
        Ok(device)
    }

    /// Lists this device itself, once, so that the devices it pairs with know its name.
    pub fn ensure_this_device(&mut self, name: Option<&str>) -> Result<Device> {
        let id = self.device_id.clone();
        let name = name.map(str::to_string).unwrap_or_else(default_device_name);
        self.add_device(&id, &name, &id)
    }

    /// Removes a device for good. It keeps what it already has, but no device of the
    /// vault will sync with it again.
    pub fn revoke_device(&mut self, id: &str) -> Result<Device> {
        if !is_device_id(id) {
            return Err(Error::Invalid(crate::model::Invalid::new(
                "id",
                "a device id is 64 hex characters; copy it from `comeback devices list`",
            )));
        }
        if id == self.device_id {
            return Err(Error::Refused(
                "this is the device you are using; remove it from another of your devices".into(),
            ));
        }
        let Some(mut device) = self.get::<Device>(id)? else {
            return Err(Error::NotFound {
                kind: "device".into(),
                id: id.into(),
            });
        };
        if device.revoked() {
            return Ok(device);
        }
        device.revoked_at = Some(now_ms());
        self.put(&device)?;
        store::meta_set(&self.store.conn, &format!("{TOMBSTONE}{id}"), "removed")?;
        self.store.forget_peer(id)?;
        Ok(device)
    }

    /// What this device remembers of a peer.
    pub fn peer(&self, id: &str) -> Result<Option<Peer>> {
        Ok(self.store.peer(id)?)
    }

    /// Notes that a peer was reached at `addrs` just now.
    pub fn remember_peer(&self, id: &str, addrs: &[String]) -> Result<()> {
        Ok(self.store.remember_peer(id, addrs, now_ms())?)
    }

    pub fn sync_states(&self, peer: &str) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self.store.sync_states(peer)?)
    }

    pub fn save_sync_states(&mut self, peer: &str, states: &[(String, Vec<u8>)]) -> Result<()> {
        Ok(self.store.save_sync_states(peer, states)?)
    }

    /// A local setting of this device (never synced).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.store.setting(key)?)
    }

    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        Ok(self.store.set_setting(key, value)?)
    }
}

/// The first characters of a device id, for messages.
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// A name for this device until the person gives one: the host name, else "This device".
pub fn default_device_name() -> String {
    std::env::var("COMEBACK_DEVICE_NAME")
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.chars()
                .take(crate::model::MAX_DEVICE_NAME_CHARS)
                .collect()
        })
        .unwrap_or_else(|| "This device".to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::vault::KeySource;

    fn vault(dir: &std::path::Path) -> Vault {
        let key = dir.join("key");
        Vault::create(&dir.join("v"), &KeySource::KeyFile(key))
            .unwrap()
            .0
    }

    #[test]
    fn a_device_id_is_the_public_half_of_a_key_kept_beside_the_database_key() {
        let tmp = tempfile::tempdir().unwrap();
        let v = vault(tmp.path());
        let id = v.device_id().to_string();
        assert!(is_device_id(&id));
        assert!(tmp.path().join("key.device").exists());
        drop(v);
        let again = Vault::open(
            &tmp.path().join("v"),
            &KeySource::KeyFile(tmp.path().join("key")),
        )
        .unwrap();
        assert_eq!(again.device_id(), id);
        assert_eq!(again.actor().to_bytes(), &hex(&id)[..16]);
    }

    fn hex(s: &str) -> Vec<u8> {
        data_encoding::HEXLOWER.decode(s.as_bytes()).unwrap()
    }

    #[test]
    fn a_revoked_device_stays_revoked() {
        let tmp = tempfile::tempdir().unwrap();
        let mut v = vault(tmp.path());
        let me = v.device_id().to_string();
        v.ensure_this_device(Some("Laptop")).unwrap();
        let phone = "ab".repeat(32);
        v.add_device(&phone, "Phone", &me).unwrap();
        assert!(v.trusts(&phone).unwrap());
        let peers: Vec<String> = v.sync_peers().unwrap().into_iter().map(|d| d.id).collect();
        assert_eq!(peers, vec![phone.clone()], "not this device itself");
        assert!(!v.trusts(&"cd".repeat(32)).unwrap(), "a stranger");
        assert!(
            !v.trusts(&me).unwrap(),
            "a device does not sync with itself"
        );
        v.remember_peer(&phone, &["127.0.0.1:1".into()]).unwrap();
        v.revoke_device(&phone).unwrap();
        assert!(!v.trusts(&phone).unwrap());
        assert!(
            v.sync_peers().unwrap().is_empty(),
            "a removed device is nobody's peer"
        );
        assert_eq!(
            v.peer(&phone).unwrap(),
            None,
            "what we knew of it is forgotten"
        );
        let again = v.add_device(&phone, "Phone", &me).unwrap_err();
        assert_eq!(again.code(), "refused");
        assert!(v.revoke_device(&me).is_err());
        let infos = v.device_infos().unwrap();
        assert_eq!(infos.len(), 2);
        assert!(infos.iter().any(|d| d.this_device && d.name == "Laptop"));
        assert!(infos.iter().any(|d| d.id == phone && d.revoked));
    }

    #[test]
    fn an_unpaired_vault_lists_only_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let v = vault(tmp.path());
        let infos = v.device_infos().unwrap();
        assert_eq!(infos.len(), 1);
        assert!(infos[0].this_device);
    }
}
