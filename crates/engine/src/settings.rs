//! Settings: stored in the database, applied live, served by
//! `GET`/`PATCH /api/settings` (SPEC section 6.3). The API key is not here:
//! it lives in the data folder's key file, which the API layer manages.

use base64::Engine as _;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::FieldError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Settings {
    /// The port `chime serve` and the app listen on (applies at the next start).
    pub port: u16,
    /// The Standard Webhooks secret deliveries are signed with (`whsec_...`).
    pub signing_secret: String,
    /// Events and attempts older than this many days are pruned.
    pub retention_days: u32,
    /// The zone the UI proposes for new cron rules and shows times in.
    pub default_timezone: String,
    pub notify_on_failure: bool,
    pub notify_on_success: bool,
    pub launch_at_login: bool,
    pub allow_http: bool,
    /// A PEM file of extra CA certificates to trust.
    pub ca_cert_path: Option<String>,
    /// How long a catch-up run (one that came due while the machine slept or
    /// Chime was closed) waits for its target's host to be reachable before
    /// it spends an attempt, in seconds. A schedule's `network_wait` overrides it.
    pub network_wait_seconds: u32,
}

pub const DEFAULT_PORT: u16 = 7391;
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
pub const DEFAULT_NETWORK_WAIT_SECONDS: u32 = 30;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            port: DEFAULT_PORT,
            signing_secret: new_signing_secret(),
            retention_days: DEFAULT_RETENTION_DAYS,
            default_timezone: machine_zone(),
            notify_on_failure: true,
            notify_on_success: false,
            launch_at_login: false,
            allow_http: false,
            ca_cert_path: None,
            network_wait_seconds: DEFAULT_NETWORK_WAIT_SECONDS,
        }
    }
}

/// The zone this machine's clock shows, for the first start's settings: a
/// laptop in Berlin shows Berlin's times and proposes them for new rules
/// (SPEC 1, `timezone`). `TZ` when it names a zone, else the system's; UTC
/// when neither can be read.
fn machine_zone() -> String {
    let zone = |name: String| {
        let name = name.trim_start_matches(':');
        name.parse::<chrono_tz::Tz>()
            .is_ok()
            .then(|| name.to_string())
    };
    (std::env::var("TZ").ok().and_then(zone))
        .or_else(|| iana_time_zone::get_timezone().ok().and_then(zone))
        .filter(|name| !UTC_NAMES.contains(&name.as_str()))
        .unwrap_or_else(|| "UTC".to_string())
}

/// Other names of UTC, as systems link /etc/localtime. Stored as "UTC", the
/// zone rules are given by default, so a rule and the times shown agree.
const UTC_NAMES: &[&str] = &[
    "Etc/UTC",
    "Etc/UCT",
    "Etc/Universal",
    "Etc/Zulu",
    "UCT",
    "Universal",
    "Zulu",
    "Etc/GMT",
    "Etc/GMT0",
    "Etc/GMT+0",
    "Etc/GMT-0",
    "Etc/Greenwich",
    "GMT",
    "GMT0",
    "GMT+0",
    "GMT-0",
    "Greenwich",
];

/// `whsec_` and the base64 of 32 random bytes, as Standard Webhooks writes secrets.
pub fn new_signing_secret() -> String {
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// The raw key bytes of a `whsec_` secret.
pub fn signing_key(secret: &str) -> Vec<u8> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| secret.as_bytes().to_vec())
}

impl Settings {
    /// The settings as stored: one JSON value per key.
    pub fn to_rows(&self) -> Vec<(String, Value)> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m.into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Settings from stored rows; missing or unreadable keys take their defaults.
    pub fn from_rows(rows: Map<String, Value>) -> Settings {
        let mut merged = serde_json::to_value(Settings::default()).unwrap_or_default();
        if let Value::Object(m) = &mut merged {
            for (k, v) in rows {
                if m.contains_key(&k) {
                    m.insert(k, v);
                }
            }
        }
        serde_json::from_value(merged).unwrap_or_default()
    }

    /// Applies a PATCH: each member is checked; on any error nothing changes.
    pub fn patched(&self, patch: &Map<String, Value>) -> Result<Settings, FieldError> {
        let mut next = self.clone();
        for (key, value) in patch {
            match key.as_str() {
                "port" => {
                    next.port = value
                        .as_u64()
                        .filter(|p| (1..=65_535).contains(p))
                        .ok_or_else(|| {
                            FieldError::new("port", "must be a port number from 1 to 65535")
                        })? as u16
                }
                "retention_days" => {
                    next.retention_days = value
                        .as_u64()
                        .filter(|d| (1..=3_650).contains(d))
                        .ok_or_else(|| {
                            FieldError::new(
                                "retention_days",
                                "must be a whole number of days from 1 to 3650",
                            )
                        })? as u32
                }
                "default_timezone" => {
                    let name = value.as_str().ok_or_else(|| {
                        FieldError::new(
                            "default_timezone",
                            "must be a string such as \"Europe/Berlin\"",
                        )
                    })?;
                    crate::rule::parse_zone("default_timezone", name)?;
                    next.default_timezone = name.trim().to_string();
                }
                "network_wait_seconds" => {
                    next.network_wait_seconds =
                        value.as_u64().filter(|s| *s <= 600).ok_or_else(|| {
                            FieldError::new(
                                "network_wait_seconds",
                                "must be a whole number of seconds from 0 to 600",
                            )
                        })? as u32
                }
                "notify_on_failure" => next.notify_on_failure = flag(key, value)?,
                "notify_on_success" => next.notify_on_success = flag(key, value)?,
                "launch_at_login" => next.launch_at_login = flag(key, value)?,
                "allow_http" => next.allow_http = flag(key, value)?,
                "ca_cert_path" => {
                    next.ca_cert_path = match value {
                        Value::Null => None,
                        Value::String(s) if s.trim().is_empty() => None,
                        Value::String(s) => {
                            let path = std::path::Path::new(s.trim());
                            if !path.is_file() {
                                return Err(FieldError::new(
                                    "ca_cert_path",
                                    format!("{s} is not a readable file"),
                                ));
                            }
                            Some(s.trim().to_string())
                        }
                        _ => {
                            return Err(FieldError::new(
                                "ca_cert_path",
                                "must be a file path or null",
                            ))
                        }
                    }
                }
                "signing_secret" => return Err(FieldError::new(
                    "signing_secret",
                    "cannot be set; POST /api/settings/signing_secret/regenerate makes a new one",
                )),
                "api_key" => {
                    return Err(FieldError::new(
                        "api_key",
                        "cannot be set; POST /api/settings/api_key/regenerate makes a new one",
                    ))
                }
                other => return Err(FieldError::new(other, "is not a setting")),
            }
        }
        Ok(next)
    }
}

fn flag(key: &str, value: &Value) -> Result<bool, FieldError> {
    value
        .as_bool()
        .ok_or_else(|| FieldError::new(key, "must be true or false"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_is_checked_whole() {
        let s = Settings::default();
        let patch = json!({"retention_days": 7, "allow_http": true});
        let next = s.patched(patch.as_object().unwrap()).unwrap();
        assert_eq!((next.retention_days, next.allow_http), (7, true));
        let bad = json!({"retention_days": 7, "port": 0});
        assert_eq!(
            s.patched(bad.as_object().unwrap()).unwrap_err().field,
            "port"
        );
        let bad = json!({"default_timezone": "Nowhere/Else"});
        assert_eq!(
            s.patched(bad.as_object().unwrap()).unwrap_err().field,
            "default_timezone"
        );
        let bad = json!({"colour": "blue"});
        assert_eq!(
            s.patched(bad.as_object().unwrap()).unwrap_err().field,
            "colour"
        );
    }

    #[test]
    fn rows_round_trip_and_fill_defaults() {
        let s = Settings {
            retention_days: 9,
            ..Settings::default()
        };
        let rows: Map<String, Value> = s.to_rows().into_iter().collect();
        assert_eq!(Settings::from_rows(rows), s);
        let partial: Map<String, Value> = [("retention_days".to_string(), json!(3))]
            .into_iter()
            .collect();
        assert_eq!(Settings::from_rows(partial).retention_days, 3);
    }

    #[test]
    fn secrets_are_standard_webhooks_secrets() {
        let secret = new_signing_secret();
        assert!(secret.starts_with("whsec_"));
        assert_eq!(signing_key(&secret).len(), 32);
    }
}
