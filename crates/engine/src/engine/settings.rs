//! Reading and changing settings, applied live.

use serde_json::Value;

use super::Engine;
use crate::dispatch::Dispatcher;
use crate::error::{Error, FieldError, Result};
use crate::settings::{new_signing_secret, Settings};
use crate::store::{settings as rows, Tx};

impl Engine {
    pub fn settings(&self) -> Settings {
        self.core.settings()
    }

    /// `PATCH /api/settings`: checks every member, stores them in one
    /// transaction, then applies them (a new CA file rebuilds the HTTP client).
    pub async fn update_settings(&self, patch: Value) -> Result<Settings> {
        let patch = match patch {
            Value::Object(m) => m,
            _ => return Err(FieldError::new("body", "must be a JSON object of settings").into()),
        };
        let next = self.settings().patched(&patch)?;
        let dispatcher = if patch.contains_key("ca_cert_path") {
            Some(
                self.dispatcher_for(&next)
                    .map_err(|e| FieldError::new("ca_cert_path", e))?,
            )
        } else {
            None
        };
        self.save_settings(next, dispatcher).await
    }

    pub async fn regenerate_signing_secret(&self) -> Result<Settings> {
        let next = Settings {
            signing_secret: new_signing_secret(),
            ..self.settings()
        };
        self.save_settings(next, None).await
    }

    async fn save_settings(
        &self,
        next: Settings,
        dispatcher: Option<Dispatcher>,
    ) -> Result<Settings> {
        let stored = next.clone();
        self.write(move |tx| store_all(tx, &stored)).await?;
        self.core.settings.send_replace(next.clone());
        if let Some(d) = dispatcher {
            *self
                .core
                .dispatcher
                .write()
                .unwrap_or_else(|e| e.into_inner()) = d;
        }
        Ok(next)
    }

    /// The HTTP client for these settings, trusting the CA files given on the
    /// command line and the one in the settings.
    pub(crate) fn dispatcher_for(
        &self,
        settings: &Settings,
    ) -> std::result::Result<Dispatcher, String> {
        let mut files = self.core.ca_certs.clone();
        files.extend(settings.ca_cert_path.iter().map(Into::into));
        Dispatcher::new(&files).map_err(|e| e.to_string())
    }
}

pub(crate) fn store_all(tx: &mut Tx, settings: &Settings) -> Result<()> {
    for (key, value) in settings.to_rows() {
        rows::set(&tx.sql, &key, &value)?;
    }
    Ok(())
}

/// The stored settings; on first start, the defaults (with a new signing
/// secret) are stored so they stay the same from then on.
pub(crate) fn load_or_init(tx: &mut Tx) -> Result<Settings> {
    let stored = rows::all(&tx.sql)?;
    let first_start = !stored.contains_key("signing_secret");
    let settings = Settings::from_rows(stored);
    if first_start {
        store_all(tx, &settings)?;
    }
    Ok(settings)
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::Internal(message)
    }
}
