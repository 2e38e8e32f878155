//! Partner API keys: created, rotated and revoked by admins; the secret is shown once.

use crate::auth::{self, API_KEY_PREFIX};
use crate::db::account;
use crate::error::AppError;
use crate::graphql::{db, node::expect_id, types::ApiKey, viewer};
use crate::validate;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::Utc;
use sea_orm::ActiveValue::Set;

/// Input of `createApiKey`.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// The partner's name, e.g. "ROPS Kraków portal".
    pub partner_name: String,
}

/// Input of `rotateApiKey` and `revokeApiKey`.
#[derive(InputObject)]
pub struct ApiKeyInput {
    /// The key.
    pub api_key: ID,
}

/// A key with its secret, shown this once.
#[derive(SimpleObject)]
pub struct ApiKeySecretPayload {
    /// The key.
    pub api_key: ApiKey,
    /// Send it as `Authorization: Bearer <secret>`. Stored only as a hash: it cannot be shown again.
    pub secret: String,
}

/// Result of `revokeApiKey`.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The revoked key.
    pub api_key: ApiKey,
}

/// A new secret and its stored form.
pub fn new_key_secret() -> (String, String, String) {
    let (secret, hash) = auth::new_secret(API_KEY_PREFIX);
    let prefix: String = secret.chars().take(API_KEY_PREFIX.len() + 6).collect();
    (secret, hash, prefix)
}

#[derive(Default)]
pub struct ApiKeyMutation;

#[Object]
impl ApiKeyMutation {
    /// Creates a partner key. Admins only.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner.")] input: CreateApiKeyInput,
    ) -> Result<ApiKeySecretPayload> {
        viewer(ctx).require_admin()?;
        let name = validate::text("partnerName", &input.partner_name, 120)?;
        let (secret, hash, prefix) = new_key_secret();
        let key = account::create_api_key(db(ctx)?, &name, &prefix, &hash).await?;
        Ok(ApiKeySecretPayload {
            api_key: ApiKey(key),
            secret,
        })
    }

    /// Replaces a key's secret: the old one stops working at once. Admins only.
    async fn rotate_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] input: ApiKeyInput,
    ) -> Result<ApiKeySecretPayload> {
        viewer(ctx).require_admin()?;
        let key = find(ctx, &input.api_key).await?;
        if key.revoked_at.is_some() {
            return Err(AppError::Conflict("this key is revoked: create a new one".into()).into());
        }
        let (secret, hash, prefix) = new_key_secret();
        let key = account::update_api_key(db(ctx)?, key, |a| {
            a.secret_hash = Set(hash);
            a.key_prefix = Set(prefix);
            a.created_at = Set(Utc::now());
        })
        .await?;
        crate::graphql::bus(ctx)?.revoke(crate::bus::Revocation::ApiKey(key.id));
        Ok(ApiKeySecretPayload {
            api_key: ApiKey(key),
            secret,
        })
    }

    /// Revokes a key for good. Admins only.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] input: ApiKeyInput,
    ) -> Result<RevokeApiKeyPayload> {
        viewer(ctx).require_admin()?;
        let key = find(ctx, &input.api_key).await?;
        let key = account::update_api_key(db(ctx)?, key, |a| a.revoked_at = Set(Some(Utc::now())))
            .await?;
        crate::graphql::bus(ctx)?.revoke(crate::bus::Revocation::ApiKey(key.id));
        Ok(RevokeApiKeyPayload {
            api_key: ApiKey(key),
        })
    }
}

async fn find(ctx: &Context<'_>, id: &ID) -> Result<entity::api_key::Model> {
    let id = expect_id("apiKey", id, "ApiKey")?;
    Ok(account::find_api_key(db(ctx)?, id)
        .await?
        .ok_or_else(|| AppError::NotFound("API key".into()))?)
}
