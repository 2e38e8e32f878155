//! Who is asking: passwords (argon2id), opaque bearer tokens stored only as
//! hashes, and the `Viewer` every resolver authorises against. Authorisation
//! questions are methods of `Viewer`, so each resolver asks in one place; which
//! records and fields a viewer may see is `crate::policy`'s.

use crate::error::{AppError, AppResult};
use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Prefix of session tokens.
pub const SESSION_PREFIX: &str = "chs_";
/// Prefix of partner API key secrets.
pub const API_KEY_PREFIX: &str = "chk_";
pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 256;

/// argon2id with the crate's defaults (m=19 MiB, t=2, p=1: OWASP's minimum).
pub fn hash_password(password: &str) -> AppResult<String> {
    check_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

pub fn check_password(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(AppError::invalid(
            "password",
            format!("use at least {MIN_PASSWORD} characters"),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(AppError::invalid(
            "password",
            format!("use at most {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

/// `hash_password` on a blocking thread: argon2 takes tens of milliseconds of CPU and 19 MiB.
pub async fn hash_password_blocking(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

/// `verify_password` on a blocking thread.
pub async fn verify_password_blocking(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false)
}

/// The hash of a password nobody has: checking a login against it costs what a real
/// check costs, so the time of an answer does not tell whether an e-mail has an account.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A fresh random secret with a prefix, and the hash to store instead of it.
pub fn new_secret(prefix: &str) -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let secret = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = sha256_hex(&secret);
    (secret, hash)
}

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Trimmed, lower-cased, and plausibly an address.
pub fn normalise_email(raw: &str) -> AppResult<String> {
    let e = raw.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e.chars().any(char::is_whitespace);
    if !ok {
        return Err(AppError::invalid("email", "this is not an e-mail address"));
    }
    Ok(e)
}

/// A role a user holds; scoped roles name their cooperative or local government.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    Admin,
    Moderator,
    LegalAdvisor,
    ContentEditor,
    Editor(i32),
    Officer(i32),
}

/// The one who sends a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    Anonymous,
    User { id: i32, grants: Vec<Grant> },
    Partner { key_id: i32 },
}

impl Viewer {
    /// The signed-in person; partner keys only read, so they are refused here.
    pub fn user_id(&self) -> AppResult<i32> {
        match self {
            Viewer::User { id, .. } => Ok(*id),
            Viewer::Partner { .. } => Err(AppError::Forbidden),
            Viewer::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    fn has(&self, g: &Grant) -> bool {
        matches!(self, Viewer::User { grants, .. } if grants.contains(g))
    }

    pub fn is_admin(&self) -> bool {
        self.has(&Grant::Admin)
    }

    /// Moderators and admins.
    pub fn is_moderator(&self) -> bool {
        self.is_admin() || self.has(&Grant::Moderator)
    }

    /// Content editors, moderators and admins: who may read and write the
    /// knowledge base's drafts.
    pub fn is_content_staff(&self) -> bool {
        self.is_moderator() || self.has(&Grant::ContentEditor)
    }

    /// Legal advisors: the legal desk's staff. Not moderators or admins as such: a
    /// moderator is not an advisor.
    pub fn is_legal_advisor(&self) -> bool {
        self.has(&Grant::LegalAdvisor)
    }

    pub fn require_legal_advisor(&self) -> AppResult<()> {
        self.user_id()?;
        if self.is_legal_advisor() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_content_staff(&self) -> AppResult<()> {
        self.user_id()?;
        if self.is_content_staff() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_admin(&self) -> AppResult<()> {
        self.user_id()?;
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_moderator(&self) -> AppResult<()> {
        self.user_id()?;
        if self.is_moderator() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Editors of this cooperative, moderators and admins.
    pub fn require_editor_of(&self, cooperative_id: i32) -> AppResult<()> {
        self.user_id()?;
        if self.is_moderator() || self.has(&Grant::Editor(cooperative_id)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn is_officer_of(&self, local_government_id: i32) -> bool {
        self.has(&Grant::Officer(local_government_id))
    }

    pub fn is_editor_of(&self, cooperative_id: i32) -> bool {
        self.has(&Grant::Editor(cooperative_id))
    }
}

/// A bearer token as the server keeps it while a connection lasts: its kind and
/// hash, never the token itself. A WebSocket checks it again on every `subscribe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A session token's hash.
    Session(String),
    /// A partner API key secret's hash.
    ApiKey(String),
}

impl Credential {
    /// The credential a token claims to be (None: not one of ours).
    pub fn of_token(token: &str) -> Option<Credential> {
        let token = token.trim();
        if token.starts_with(API_KEY_PREFIX) {
            Some(Credential::ApiKey(sha256_hex(token)))
        } else if token.starts_with(SESSION_PREFIX) {
            Some(Credential::Session(sha256_hex(token)))
        } else {
            None
        }
    }

    /// Whether `r` ends this credential, held by `viewer`, or changes its rights.
    pub fn revoked_by(&self, viewer: &Viewer, r: &crate::bus::Revocation) -> bool {
        use crate::bus::Revocation;
        match (self, viewer, r) {
            (Credential::Session(h), _, Revocation::Session(r)) => h == r,
            (Credential::Session(_), Viewer::User { id, .. }, Revocation::User(u)) => id == u,
            (Credential::ApiKey(_), Viewer::Partner { key_id }, Revocation::ApiKey(k)) => {
                key_id == k
            }
            _ => false,
        }
    }
}

/// The hash of the session token a request came with (so `logout` can revoke it).
#[derive(Debug, Clone)]
pub struct CurrentSession(pub String);

/// Where a request comes from, for per-address limits.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse battery!"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn secrets_are_random_and_stored_as_hashes() {
        let (a, ha) = new_secret(SESSION_PREFIX);
        let (b, _) = new_secret(SESSION_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with(SESSION_PREFIX));
        assert_eq!(ha, sha256_hex(&a));
        assert_eq!(ha.len(), 64);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalise_email("  Anna@Example.ORG ").ok().as_deref(),
            Some("anna@example.org")
        );
        assert!(normalise_email("anna").is_err());
        assert!(normalise_email("anna@localhost").is_err());
        assert!(normalise_email("an na@example.org").is_err());
    }
}
