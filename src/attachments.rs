//! Where the legal desk keeps the files attached to cases: behind a trait, so
//! that a deployment may put them elsewhere; the folder on disk is the one
//! implementation (`COOPHUB_ATTACHMENTS_DIR`). The database holds only their
//! metadata (`case_attachment`); a file's key is random, never its name.

use crate::error::{AppError, AppResult};
use std::path::PathBuf;

/// A store of files by key.
#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    /// Stores `bytes` under `key`.
    async fn put(&self, key: &str, bytes: &[u8]) -> AppResult<()>;
    /// The bytes under `key`, if any.
    async fn get(&self, key: &str) -> AppResult<Option<Vec<u8>>>;
    /// Forgets `key` (nothing happens when it is not there).
    async fn delete(&self, key: &str) -> AppResult<()>;
}

/// Files in one folder, one per key.
pub struct LocalFolder {
    root: PathBuf,
}

impl LocalFolder {
    pub fn new(root: PathBuf) -> LocalFolder {
        LocalFolder { root }
    }

    fn path(&self, key: &str) -> AppResult<PathBuf> {
        // Keys are made here (`new_key`): hex only, so no path can escape the folder.
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(AppError::Internal(format!("bad attachment key {key:?}")));
        }
        Ok(self.root.join(key))
    }
}

fn io(e: std::io::Error) -> AppError {
    AppError::Internal(format!("attachment storage: {e}"))
}

#[async_trait::async_trait]
impl Storage for LocalFolder {
    async fn put(&self, key: &str, bytes: &[u8]) -> AppResult<()> {
        let path = self.path(key)?;
        tokio::fs::create_dir_all(&self.root).await.map_err(io)?;
        tokio::fs::write(path, bytes).await.map_err(io)
    }

    async fn get(&self, key: &str) -> AppResult<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    async fn delete(&self, key: &str) -> AppResult<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        }
    }
}

/// A fresh random key (128 bits, hex).
pub fn new_key() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_folder_keeps_and_forgets_files_by_key_and_refuses_paths() {
        let dir = std::env::temp_dir().join(format!("coophub-storage-{}", new_key()));
        let s = LocalFolder::new(dir.clone());
        let key = new_key();
        assert_eq!(key.len(), 32);
        s.put(&key, b"abc")
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            s.get(&key).await.ok().flatten().as_deref(),
            Some(&b"abc"[..])
        );
        s.delete(&key).await.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(s.get(&key).await.ok().flatten(), None);
        assert!(s.put("../x", b"x").await.is_err());
        assert!(s.get("a/b").await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
