//! The device-facing settings both fronts share, parsed once here: a device named by a
//! prefix of its id (`resolve_device`, with a clear error for none or several), and the
//! optional relay (`Relay`: off, n0's public relays, or a URL), kept in the vault's
//! local settings as text.

use std::fmt;
use std::str::FromStr;

use comeback_core::model::Invalid;
use comeback_core::vault::DeviceInfo;
use comeback_core::{Error as CoreError, Vault};
use iroh::RelayUrl;

/// The shortest prefix of a device id that may name it.
pub const MIN_PREFIX: usize = 8;

/// Why a prefix names no single device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceIdError {
    #[error(
        "'{0}' is too short to name a device; give at least 8 characters of its id (see `comeback devices list`)"
    )]
    TooShort(String),
    #[error("no device of this vault has an id starting with '{0}'; see `comeback devices list`")]
    NoMatch(String),
    #[error("'{prefix}' matches {count} devices; give more of the id")]
    Ambiguous { prefix: String, count: usize },
}

impl From<DeviceIdError> for CoreError {
    fn from(e: DeviceIdError) -> Self {
        CoreError::Invalid(Invalid::new("device", e.to_string()))
    }
}

/// The full id of the one device in `list` whose id is `id` or starts with it (at least
/// `MIN_PREFIX` characters, any case).
pub fn resolve_device(list: &[DeviceInfo], id: &str) -> Result<String, DeviceIdError> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() == 64 {
        return Ok(id);
    }
    if id.len() < MIN_PREFIX {
        return Err(DeviceIdError::TooShort(id));
    }
    let found: Vec<&DeviceInfo> = list.iter().filter(|d| d.id.starts_with(&id)).collect();
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(DeviceIdError::NoMatch(id)),
        _ => Err(DeviceIdError::Ambiguous {
            prefix: id,
            count: found.len(),
        }),
    }
}

/// Where devices that cannot reach each other directly meet. Off by default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Relay {
    #[default]
    Off,
    /// n0's public relays.
    N0,
    /// The person's own `iroh-relay`.
    Url(RelayUrl),
}

const SETTING: &str = "relay";

impl Relay {
    /// The relay this vault is set to use.
    pub fn of(vault: &Vault) -> comeback_core::Result<Relay> {
        Relay::from_setting(vault.setting(SETTING)?.as_deref())
    }

    /// Keeps this relay in the vault's local settings.
    pub fn save(&self, vault: &Vault) -> comeback_core::Result<()> {
        vault.set_setting(SETTING, self.setting().as_deref())
    }

    /// The relay a stored setting names.
    pub fn from_setting(stored: Option<&str>) -> comeback_core::Result<Relay> {
        match stored {
            None | Some("") => Ok(Relay::Off),
            Some("n0") => Ok(Relay::N0),
            Some(url) => url.parse::<RelayUrl>().map(Relay::Url).map_err(|e| {
                CoreError::Invalid(Invalid::new(
                    SETTING,
                    format!(
                        "the relay setting '{url}' is not a URL ({e}); set it again with `comeback devices relay`"
                    ),
                ))
            }),
        }
    }

    fn setting(&self) -> Option<String> {
        match self {
            Relay::Off => None,
            Relay::N0 => Some("n0".into()),
            Relay::Url(url) => Some(url.to_string()),
        }
    }
}

/// What a person types: `off`, `n0` or an `http(s)://` URL.
impl FromStr for Relay {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Relay, CoreError> {
        match s.trim() {
            "off" | "" => Ok(Relay::Off),
            "n0" => Ok(Relay::N0),
            url if url.starts_with("https://") || url.starts_with("http://") => {
                url.parse::<RelayUrl>().map(Relay::Url).map_err(|e| {
                    CoreError::Invalid(Invalid::new(
                        SETTING,
                        format!(
                            "'{url}' is not a relay URL ({e}); give off, n0 or https://your-relay.example"
                        ),
                    ))
                })
            }
            other => Err(CoreError::Invalid(Invalid::new(
                SETTING,
                format!("'{other}' is not off, n0 or an https:// URL"),
            ))),
        }
    }
}

impl fmt::Display for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Relay::Off => write!(f, "off"),
            Relay::N0 => write!(f, "n0"),
            Relay::Url(url) => write!(f, "{url}"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn device(id: &str) -> DeviceInfo {
        DeviceInfo {
            id: id.into(),
            name: "Phone".into(),
            this_device: false,
            last_seen: None,
            revoked: false,
            trusted: true,
            added_at: 0,
        }
    }

    #[test]
    fn a_device_is_named_by_a_unique_prefix_of_at_least_eight_characters() {
        let a = format!("abcdef01{}", "0".repeat(56));
        let b = format!("abcdef02{}", "0".repeat(56));
        let list = vec![device(&a), device(&b)];
        assert_eq!(resolve_device(&list, "ABCDEF01").unwrap(), a);
        assert_eq!(resolve_device(&list, &b).unwrap(), b);
        assert_eq!(
            resolve_device(&list, "abcdef0"),
            Err(DeviceIdError::TooShort("abcdef0".into()))
        );
        assert_eq!(
            resolve_device(&list, "abcdef03"),
            Err(DeviceIdError::NoMatch("abcdef03".into()))
        );
        let twins = vec![
            device(&format!("abcdef01{}", "1".repeat(56))),
            device(&format!("abcdef01{}", "2".repeat(56))),
        ];
        assert!(matches!(
            resolve_device(&twins, "abcdef01"),
            Err(DeviceIdError::Ambiguous { count: 2, .. })
        ));
    }

    #[test]
    fn the_relay_is_read_from_what_a_person_types_and_kept_as_text() {
        assert_eq!("off".parse::<Relay>().unwrap(), Relay::Off);
        assert_eq!(" n0 ".parse::<Relay>().unwrap(), Relay::N0);
        let url: Relay = "https://relay.example".parse().unwrap();
        assert!(matches!(url, Relay::Url(_)));
        assert_eq!(Relay::from_setting(url.setting().as_deref()).unwrap(), url);
        assert_eq!(Relay::from_setting(None).unwrap(), Relay::Off);
        assert_eq!(Relay::from_setting(Some("n0")).unwrap(), Relay::N0);
        let err = "relay.example".parse::<Relay>().unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(err.to_string().contains("not off, n0 or an https:// URL"));
    }
}
