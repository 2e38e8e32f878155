//! Registration, sign-in and -out, password reset, account deletion, role grants.

use crate::auth::{self, CurrentSession, SESSION_PREFIX};
use crate::bus::Revocation;
use crate::db::account;
use crate::error::{AppError, AppResult};
use crate::graphql::{
    bus, db,
    node::expect_id,
    types::{Me, Role, User},
    viewer, SessionHours,
};
use crate::limiter::{Limiter, Rule};
use crate::validate;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Duration, Utc};
use entity::user_role;
use std::sync::Arc;

/// Failed sign-ins allowed per account and per address: 5 a minute.
const LOGIN_RULE: Rule = Rule {
    capacity: 5.0,
    rate: 5.0 / 60.0,
};

/// Password-reset mails per e-mail address (whether or not it has an account, so the
/// limit tells nothing): 3 an hour.
const RESET_MAIL_RULE: Rule = Rule {
    capacity: 3.0,
    rate: 3.0 / 3600.0,
};

/// Reset requests and registrations per client address: 10 an hour each.
const PER_ADDRESS_RULE: Rule = Rule {
    capacity: 10.0,
    rate: 10.0 / 3600.0,
};

/// The client address as the limiter's keys name it.
fn client_addr(ctx: &Context<'_>) -> String {
    ctx.data_opt::<auth::ClientAddr>()
        .map_or_else(|| "unknown".into(), |a| a.0.to_string())
}

/// Takes a point from each bucket; RATE_LIMITED (with the wait) at the first that is empty.
async fn take_each(ctx: &Context<'_>, keys: &[String], rule: Rule) -> AppResult<()> {
    let limiter = limiter(ctx)?;
    for k in keys {
        let level = limiter.take(k, 1.0, rule).await?;
        if !level.allowed {
            return Err(AppError::RateLimited {
                retry_after_secs: level.retry_after(1.0, rule),
            });
        }
    }
    Ok(())
}

pub async fn me_of(ctx: &Context<'_>, user_id: i32) -> AppResult<Me> {
    let db = db(ctx)?;
    let user = account::find_user(db, user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Me {
        roles: account::role_rows(db, user_id).await?,
        user,
    })
}

/// Input of `register`.
#[derive(InputObject)]
pub struct RegisterInput {
    /// E-mail address; it signs you in and is never shown to others.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// The name others see.
    pub display_name: String,
}

/// Result of `register`.
#[derive(SimpleObject)]
pub struct RegisterPayload {
    /// The new account (sign in with `login` to act).
    pub me: Me,
}

/// Input of `login`.
#[derive(InputObject)]
pub struct LoginInput {
    /// The account's e-mail.
    pub email: String,
    /// The password.
    pub password: String,
}

/// Result of `login`.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send it as `Authorization: Bearer <token>`; shown once.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// The signed-in account.
    pub me: Me,
}

/// Result of `logout`.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// True when the token used for this request was revoked.
    pub revoked: bool,
}

/// Input of `requestPasswordReset`.
#[derive(InputObject)]
pub struct RequestPasswordResetInput {
    /// The account's e-mail.
    pub email: String,
}

/// Result of `requestPasswordReset`: the same whether or not the e-mail has an account.
#[derive(SimpleObject)]
pub struct RequestPasswordResetPayload {
    /// Always true: if the address has an account, a reset token is on its way.
    pub accepted: bool,
}

/// Input of `resetPassword`.
#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The token from the reset message.
    pub token: String,
    /// The new password, at least 10 characters.
    pub new_password: String,
}

/// Result of `resetPassword`.
#[derive(SimpleObject)]
pub struct ResetPasswordPayload {
    /// True when the password was changed; every session was signed out.
    pub changed: bool,
}

/// Input of `deleteAccount`.
#[derive(InputObject)]
pub struct DeleteAccountInput {
    /// The current password, to confirm.
    pub password: String,
}

/// Result of `deleteAccount`.
#[derive(SimpleObject)]
pub struct DeleteAccountPayload {
    /// True when the account is gone; what it wrote stays, attributed to "former member".
    pub deleted: bool,
}

/// Input of `grantRole`.
#[derive(InputObject)]
pub struct GrantRoleInput {
    /// The user (id from `me.user.id`, claims or history).
    pub user: ID,
    /// ADMIN, MODERATOR, LEGAL_ADVISOR, CONTENT_EDITOR, EDITOR (with `cooperative`) or OFFICER (with `localGovernment`).
    pub role: Role,
    /// For EDITOR: the cooperative.
    pub cooperative: Option<ID>,
    /// For OFFICER: the local government.
    pub local_government: Option<ID>,
}

/// Input of `revokeRole`: the role exactly as it was granted.
#[derive(InputObject)]
pub struct RevokeRoleInput {
    /// The user.
    pub user: ID,
    /// The role to take away.
    pub role: Role,
    /// For EDITOR: the cooperative.
    pub cooperative: Option<ID>,
    /// For OFFICER: the local government.
    pub local_government: Option<ID>,
}

/// Result of `revokeRole`.
#[derive(SimpleObject)]
pub struct RevokeRolePayload {
    /// False when the user did not hold the role (nothing changed).
    pub revoked: bool,
    /// The user, with the roles left.
    pub user: User,
}

/// Result of `grantRole`.
#[derive(SimpleObject)]
pub struct GrantRolePayload {
    /// The user who now holds the role.
    pub user: User,
}

fn limiter<'a>(ctx: &Context<'a>) -> AppResult<&'a Arc<Limiter>> {
    ctx.data::<Arc<Limiter>>()
        .map_err(|_| AppError::Internal("no limiter".into()))
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an account (role MEMBER). At most 10 attempts an hour per client address.
    #[graphql(complexity = 1000)]
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: RegisterInput,
    ) -> Result<RegisterPayload> {
        let email = auth::normalise_email(&input.email)?;
        let name = validate::display_name("displayName", &input.display_name, 80)?;
        auth::check_password(&input.password)?;
        // Each attempt costs the address a point, so addresses cannot be tried in bulk.
        take_each(
            ctx,
            &[format!("register:ip:{}", client_addr(ctx))],
            PER_ADDRESS_RULE,
        )
        .await?;
        let hash = auth::hash_password_blocking(input.password).await?;
        let user = account::create_user(db(ctx)?, &email, &hash, &name).await?;
        Ok(RegisterPayload {
            me: Me {
                user,
                roles: Vec::new(),
            },
        })
    }

    /// Signs in. After 5 failures in a minute for an account or an address: RATE_LIMITED with a retry time.
    /// A wrong e-mail and a wrong password get the same answer.
    #[graphql(complexity = 1000)]
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Credentials.")] input: LoginInput,
    ) -> Result<LoginPayload> {
        let email = input.email.trim().to_lowercase();
        let keys = [
            format!("login:email:{}", auth::sha256_hex(&email)),
            format!("login:ip:{}", client_addr(ctx)),
        ];
        let limiter = limiter(ctx)?;
        // Every attempt takes its point before the password is checked, so parallel guesses
        // cannot all slip past the limit; a successful sign-in gives the points back.
        take_each(ctx, &keys, LOGIN_RULE).await?;
        let user = account::find_user_by_email(db(ctx)?, &email).await?;
        let hash = user.as_ref().and_then(|u| u.password_hash.clone());
        let checked = hash
            .clone()
            .unwrap_or_else(|| auth::dummy_hash().to_owned());
        let ok = auth::verify_password_blocking(checked, input.password).await && hash.is_some();
        let Some(user) = user.filter(|_| ok) else {
            return Err(AppError::invalid("password", "wrong e-mail or password").into());
        };
        for k in &keys {
            limiter.take(k, -1.0, LOGIN_RULE).await?;
        }
        let (token, token_hash) = auth::new_secret(SESSION_PREFIX);
        let hours = ctx.data_opt::<SessionHours>().map_or(24 * 14, |h| h.0);
        let expires_at = Utc::now() + Duration::hours(hours);
        account::create_session(db(ctx)?, user.id, &token_hash, expires_at).await?;
        Ok(LoginPayload {
            token,
            expires_at,
            me: me_of(ctx, user.id).await?,
        })
    }

    /// Signs out: revokes the token this request was sent with.
    async fn logout(&self, ctx: &Context<'_>) -> Result<LogoutPayload> {
        viewer(ctx).user_id()?;
        let Some(CurrentSession(hash)) = ctx.data_opt::<CurrentSession>() else {
            return Ok(LogoutPayload { revoked: false });
        };
        account::revoke_session(db(ctx)?, hash).await?;
        bus(ctx)?.revoke(Revocation::Session(hash.clone()));
        Ok(LogoutPayload { revoked: true })
    }

    /// Sends a one-time reset token (valid 1 hour) to the address, if it has an account.
    /// At most 3 requests an hour per e-mail address and 10 per client address
    /// (RATE_LIMITED past that, whether or not the address has an account).
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's e-mail.")] input: RequestPasswordResetInput,
    ) -> Result<RequestPasswordResetPayload> {
        let email = input.email.trim().to_lowercase();
        // The e-mail's bucket first: requests it refuses cost the address nothing.
        take_each(
            ctx,
            &[format!("reset:email:{}", auth::sha256_hex(&email))],
            RESET_MAIL_RULE,
        )
        .await?;
        take_each(
            ctx,
            &[format!("reset:ip:{}", client_addr(ctx))],
            PER_ADDRESS_RULE,
        )
        .await?;
        if let Some(user) = account::find_user_by_email(db(ctx)?, &email).await? {
            let (token, hash) = auth::new_secret("chr_");
            account::create_password_reset(
                db(ctx)?,
                &user,
                &token,
                &hash,
                Utc::now() + Duration::hours(1),
            )
            .await?;
        }
        Ok(RequestPasswordResetPayload { accepted: true })
    }

    /// Sets a new password with a reset token; the token works once, and every session is signed out.
    #[graphql(complexity = 1000)]
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Token and new password.")] input: ResetPasswordInput,
    ) -> Result<ResetPasswordPayload> {
        let new_hash = auth::hash_password_blocking(input.new_password).await?;
        let user =
            account::use_password_reset(db(ctx)?, &auth::sha256_hex(input.token.trim()), &new_hash)
                .await?;
        bus(ctx)?.revoke(Revocation::User(user));
        Ok(ResetPasswordPayload { changed: true })
    }

    /// Deletes the signed-in account: e-mail, password, roles and sessions are erased;
    /// what the person wrote stays, attributed to "former member".
    #[graphql(complexity = 1000)]
    async fn delete_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Password confirmation.")] input: DeleteAccountInput,
    ) -> Result<DeleteAccountPayload> {
        let id = viewer(ctx).user_id()?;
        let user = account::find_user(db(ctx)?, id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // A wrong password here counts like a failed sign-in: a stolen session cannot guess freely.
        let key = format!("login:user:{id}");
        let level = limiter(ctx)?.take(&key, 1.0, LOGIN_RULE).await?;
        if !level.allowed {
            return Err(AppError::RateLimited {
                retry_after_secs: level.retry_after(1.0, LOGIN_RULE),
            }
            .into());
        }
        let hash = user
            .password_hash
            .clone()
            .unwrap_or_else(|| auth::dummy_hash().to_owned());
        if !auth::verify_password_blocking(hash, input.password).await {
            return Err(AppError::invalid("password", "the password is wrong").into());
        }
        let files = account::delete_account(db(ctx)?, id).await?;
        let storage = ctx.data::<std::sync::Arc<dyn crate::attachments::Storage>>()?;
        for key in files {
            storage.delete(&key).await?;
        }
        bus(ctx)?.revoke(Revocation::User(id));
        Ok(DeleteAccountPayload { deleted: true })
    }

    /// Gives a user a role. Admins only.
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who gets which role.")] input: GrantRoleInput,
    ) -> Result<GrantRolePayload> {
        viewer(ctx).require_admin()?;
        let user_id = expect_id("user", &input.user, "User")?;
        let user = account::find_user(db(ctx)?, user_id)
            .await?
            .filter(|u| u.deleted_at.is_none());
        let user = user.ok_or_else(|| AppError::NotFound("user".into()))?;
        let (role, coop, lg) = role_scope(input.role, &input.cooperative, &input.local_government)?;
        // A city with powiat rights has one set of officers, whichever unit is named.
        let lg = match lg {
            Some(l) => Some(crate::db::local_government::stored_unit(db(ctx)?, l).await?),
            None => None,
        };
        if let Some(c) = coop {
            crate::graphql::loaders(ctx)?
                .cooperative
                .load_one(c)
                .await?
                .ok_or_else(|| AppError::invalid("cooperative", "no such cooperative"))?;
        }
        if let Some(l) = lg {
            crate::graphql::loaders(ctx)?
                .unit(l)
                .ok_or_else(|| AppError::invalid("localGovernment", "no such local government"))?;
        }
        account::add_role(db(ctx)?, user.id, role, coop, lg).await?;
        Ok(GrantRolePayload { user: User(user) })
    }

    /// Takes a role away. Admins only. The user's open WebSockets close (4403), on every
    /// instance: what they run was authorised under the role.
    async fn revoke_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who loses which role.")] input: RevokeRoleInput,
    ) -> Result<RevokeRolePayload> {
        viewer(ctx).require_admin()?;
        let user_id = expect_id("user", &input.user, "User")?;
        let user = account::find_user(db(ctx)?, user_id)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or_else(|| AppError::NotFound("user".into()))?;
        let (role, coop, lg) = role_scope(input.role, &input.cooperative, &input.local_government)?;
        // A city with powiat rights has one set of officers, whichever unit is named.
        let lg = match lg {
            Some(l) => Some(crate::db::local_government::stored_unit(db(ctx)?, l).await?),
            None => None,
        };
        let revoked = account::remove_role(db(ctx)?, user.id, role, coop, lg).await?;
        if revoked {
            bus(ctx)?.revoke(Revocation::User(user.id));
        }
        Ok(RevokeRolePayload {
            revoked,
            user: User(user),
        })
    }
}

/// The role as stored and the cooperative or local government it is scoped to,
/// checked against the role.
fn role_scope(
    role: Role,
    cooperative: &Option<ID>,
    local_government: &Option<ID>,
) -> AppResult<(user_role::Role, Option<i32>, Option<i32>)> {
    let coop = cooperative
        .as_ref()
        .map(|c| expect_id("cooperative", c, "Cooperative"))
        .transpose()?;
    let lg = local_government
        .as_ref()
        .map(|l| expect_id("localGovernment", l, "LocalGovernment"))
        .transpose()?;
    let scope = match (role, coop, lg) {
        (Role::Editor, Some(c), None) => (Some(c), None),
        (Role::Officer, None, Some(l)) => (None, Some(l)),
        (Role::Editor, _, _) => {
            return Err(AppError::invalid(
                "cooperative",
                "EDITOR needs a cooperative (and no local government)",
            ))
        }
        (Role::Officer, _, _) => {
            return Err(AppError::invalid(
                "localGovernment",
                "OFFICER needs a local government (and no cooperative)",
            ))
        }
        (Role::Member, _, _) => {
            return Err(AppError::invalid("role", "everyone is a MEMBER already"))
        }
        (_, None, None) => (None, None),
        _ => {
            return Err(AppError::invalid(
                "role",
                "this role is not scoped: give no cooperative or local government",
            ))
        }
    };
    let stored = role
        .granted()
        .ok_or_else(|| AppError::invalid("role", "everyone is a MEMBER already"))?;
    Ok((stored, scope.0, scope.1))
}
