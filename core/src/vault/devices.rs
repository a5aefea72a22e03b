//! The device list and this device's memory of its peers.
//!
//! Trust is the device list (a synced document); what a device remembers of the others
//! (addresses, last contact, sync states) is local and never synced.

use super::{Vault, now_ms};
use crate::error::{Error, Result};
use crate::model::{Device, is_device_id};
use crate::store::Peer;

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

    /// The device list as shown: this device marked, last contact filled in.
    pub fn device_infos(&self) -> Result<Vec<DeviceInfo>> {
        let mut out = Vec::new();
        let mut listed_self = false;
        for d in self.devices()? {
            let this_device = d.id == self.device_id;
            listed_self |= this_device;
            out.push(DeviceInfo {
                last_seen: if this_device {
                    None
                } else {
                    self.store.peer(&d.id)?.and_then(|p| p.last_seen)
                },
                revoked: d.revoked(),
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
                    added_at: 0,
                },
            );
        }
        Ok(out)
    }

    /// The devices this one syncs with: listed, not removed, not this one.
    pub fn sync_peers(&self) -> Result<Vec<Device>> {
        Ok(self
            .devices()?
            .into_iter()
            .filter(|d| d.id != self.device_id && !d.revoked())
            .collect())
    }

    /// Whether `id` may sync with this vault: listed and not removed. This device's own
    /// removal (done from another device) also ends its trust in everyone.
    pub fn trusts(&self, id: &str) -> Result<bool> {
        if let Some(me) = self.get::<Device>(&self.device_id)?
            && me.revoked()
        {
            return Ok(false);
        }
        Ok(id != self.device_id
            && self
                .get::<Device>(id)?
                .is_some_and(|d: Device| !d.revoked()))
    }

    /// Whether this device has been removed from the vault by another device.
    pub fn this_device_revoked(&self) -> Result<bool> {
        Ok(self
            .get::<Device>(&self.device_id)?
            .is_some_and(|d| d.revoked()))
    }

    /// Adds a device to the list (or keeps it, if listed). A removed device is refused:
    /// its tombstone is final.
    pub fn add_device(&mut self, id: &str, name: &str, added_by: &str) -> Result<Device> {
        if let Some(existing) = self.get::<Device>(id)? {
            if existing.revoked() {
                return Err(Error::Refused(format!(
                    "device {} was removed from this vault and cannot be added again; reset the app on that device so it makes a new identity, then pair it",
                    short(id)
                )));
            }
            return Ok(existing);
        }
        let device = Device {
            id: id.to_string(),
            name: name.trim().to_string(),
            added_at: now_ms(),
            added_by: added_by.to_string(),
            revoked_at: None,
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
