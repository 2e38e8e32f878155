//! Accounts, sessions, roles, password resets with their outbox, claims and
//! partner API keys. Secrets arrive here already hashed.

use super::write::Write;
use crate::auth::Grant;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::audit_entry::Action;
use entity::user_role::Role;
use entity::{api_key, claim, outbox, password_reset, session, user_account, user_role};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, SqlErr,
};

fn unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

pub async fn create_user(
    db: &DatabaseConnection,
    email: &str,
    hash: &str,
    name: &str,
) -> AppResult<user_account::Model> {
    let row = user_account::ActiveModel {
        email: Set(Some(email.to_owned())),
        password_hash: Set(Some(hash.to_owned())),
        display_name: Set(name.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let w = Write::begin(db).await?;
    let user = row.insert(&w).await.map_err(|e| {
        if unique_violation(&e) {
            AppError::Conflict(
                "an account with this e-mail already exists: sign in or reset the password".into(),
            )
        } else {
            AppError::from(e)
        }
    })?;
    w.commit().await?;
    Ok(user)
}

pub async fn find_user_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> AppResult<Option<user_account::Model>> {
    Ok(user_account::Entity::find()
        .filter(user_account::Column::Email.eq(email))
        .one(db)
        .await?)
}

pub async fn find_user(db: &DatabaseConnection, id: i32) -> AppResult<Option<user_account::Model>> {
    Ok(user_account::Entity::find_by_id(id).one(db).await?)
}

pub async fn create_session(
    db: &DatabaseConnection,
    user_id: i32,
    hash: &str,
    expires: DateTime<Utc>,
) -> AppResult<()> {
    let w = Write::begin(db).await?;
    session::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(hash.to_owned()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires),
        ..Default::default()
    }
    .insert(&w)
    .await?;
    w.commit().await?;
    Ok(())
}

/// The user of a live session (not revoked, not expired; deleting an account deletes
/// its sessions), and when the session expires.
pub async fn user_of_session(
    db: &DatabaseConnection,
    hash: &str,
) -> AppResult<Option<(i32, DateTime<Utc>)>> {
    let s = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?;
    Ok(s.map(|s| (s.user_id, s.expires_at)))
}

pub async fn revoke_session(db: &DatabaseConnection, hash: &str) -> AppResult<()> {
    let w = Write::begin(db).await?;
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(session::Column::TokenHash.eq(hash))
        .exec(&w)
        .await?;
    w.commit().await?;
    Ok(())
}

pub async fn grants(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<Grant>> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |r| match (r.role, r.cooperative_id, r.local_government_id) {
                (Role::Admin, _, _) => Some(Grant::Admin),
                (Role::Moderator, _, _) => Some(Grant::Moderator),
                (Role::LegalAdvisor, _, _) => Some(Grant::LegalAdvisor),
                (Role::ContentEditor, _, _) => Some(Grant::ContentEditor),
                (Role::Editor, Some(c), _) => Some(Grant::Editor(c)),
                (Role::Officer, _, Some(l)) => Some(Grant::Officer(l)),
                // A scoped role without its scope grants nothing.
                (Role::Editor | Role::Officer, _, _) => None,
            },
        )
        .collect())
}

/// The rows of one role as granted: to this user, with exactly this scope.
fn role_grant(
    user_id: i32,
    role: Role,
    cooperative_id: Option<i32>,
    local_government_id: Option<i32>,
) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(user_role::Column::UserId.eq(user_id))
        .add(user_role::Column::Role.eq(role))
        .add(match cooperative_id {
            Some(c) => user_role::Column::CooperativeId.eq(c),
            None => user_role::Column::CooperativeId.is_null(),
        })
        .add(match local_government_id {
            Some(l) => user_role::Column::LocalGovernmentId.eq(l),
            None => user_role::Column::LocalGovernmentId.is_null(),
        })
}

/// Takes a role away; false when the user did not hold it.
pub async fn remove_role(
    db: &DatabaseConnection,
    user_id: i32,
    role: Role,
    cooperative_id: Option<i32>,
    local_government_id: Option<i32>,
) -> AppResult<bool> {
    let w = Write::begin(db).await?;
    let done = user_role::Entity::delete_many()
        .filter(role_grant(
            user_id,
            role,
            cooperative_id,
            local_government_id,
        ))
        .exec(&w)
        .await?;
    w.commit().await?;
    Ok(done.rows_affected > 0)
}

pub async fn role_rows(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<user_role::Model>> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Id)
        .all(db)
        .await?)
}

/// Gives a role (nothing when the user holds it already).
pub async fn add_role(
    db: &DatabaseConnection,
    user_id: i32,
    role: Role,
    cooperative_id: Option<i32>,
    local_government_id: Option<i32>,
) -> AppResult<()> {
    let w = Write::begin(db).await?;
    add_role_in(&w, user_id, role, cooperative_id, local_government_id).await?;
    w.commit().await?;
    Ok(())
}

pub(crate) async fn add_role_in(
    db: &Write,
    user_id: i32,
    role: Role,
    cooperative_id: Option<i32>,
    local_government_id: Option<i32>,
) -> AppResult<()> {
    let exists = user_role::Entity::find()
        .filter(role_grant(
            user_id,
            role,
            cooperative_id,
            local_government_id,
        ))
        .one(db)
        .await?;
    if exists.is_none() {
        user_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(role),
            cooperative_id: Set(cooperative_id),
            local_government_id: Set(local_government_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Stores a reset token's hash and writes the mail that carries the token to the outbox.
pub async fn create_password_reset(
    db: &DatabaseConnection,
    user: &user_account::Model,
    token: &str,
    hash: &str,
    expires: DateTime<Utc>,
) -> AppResult<()> {
    let Some(email) = &user.email else {
        return Ok(());
    };
    let txn = Write::begin(db).await?;
    password_reset::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(hash.to_owned()),
        expires_at: Set(expires),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    outbox::ActiveModel {
        recipient: Set(email.clone()),
        subject: Set("coophub: password reset".into()),
        body: Set(format!(
            "Someone asked to reset the password of this coophub account.\n\
             To set a new password, call resetPassword with this token before {expires}:\n\n{token}\n\n\
             If it was not you, ignore this message."
        )),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Uses a reset token once: sets the new password hash and revokes every session.
/// Returns the user whose password it was.
pub async fn use_password_reset(
    db: &DatabaseConnection,
    hash: &str,
    new_hash: &str,
) -> AppResult<i32> {
    let txn = Write::begin(db).await?;
    let reset = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(Utc::now()))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "token",
                "this reset token is unknown, used or expired: ask for a new one",
            )
        })?;
    let user_id = reset.user_id;
    // Conditional on `used_at IS NULL`: of two requests with one token, only one gets through.
    let used = password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::UsedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(AppError::invalid(
            "token",
            "this reset token is unknown, used or expired: ask for a new one",
        ));
    }
    user_account::Entity::update_many()
        .col_expr(
            user_account::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(new_hash),
        )
        .filter(user_account::Column::Id.eq(user_id))
        .filter(user_account::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(user_id)
}

pub async fn list_outbox(db: &DatabaseConnection) -> AppResult<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await?)
}

/// Forgets who the person was: e-mail, password, name, roles, sessions, their
/// legal questions. What they wrote elsewhere stays, attributed to "former
/// member". Returns the storage keys of their cases' attachments, to delete
/// from the attachment storage.
pub async fn delete_account(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<String>> {
    let txn = Write::begin(db).await?;
    if let Some(email) = user_account::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .and_then(|u| u.email)
    {
        outbox::Entity::delete_many()
            .filter(outbox::Column::Recipient.eq(email))
            .exec(&txn)
            .await?;
    }
    user_account::Entity::update_many()
        .col_expr(
            user_account::Column::Email,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            user_account::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            user_account::Column::DisplayName,
            sea_orm::sea_query::Expr::value("former member"),
        )
        .col_expr(
            user_account::Column::DeletedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(user_account::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    // The forum profile goes too: posts stay, by an anonymous participant.
    {
        use entity::person;
        use sea_orm::sea_query::Expr;
        person::Entity::update_many()
            .col_expr(person::Column::DisplayName, Expr::value("former member"))
            .col_expr(
                person::Column::RoleTitle,
                Expr::value(Option::<String>::None),
            )
            .col_expr(person::Column::Bio, Expr::value(Option::<String>::None))
            .col_expr(person::Column::PublicProfile, Expr::value(false))
            .filter(person::Column::UserId.eq(user_id))
            .exec(&txn)
            .await?;
    }
    crate::db::network::forget_reads(&txn, user_id).await?;
    let files = crate::db::desk::erase_asker(&txn, user_id).await?;
    txn.commit().await?;
    Ok(files)
}

pub async fn create_claim(
    db: &DatabaseConnection,
    user_id: i32,
    cooperative_id: i32,
    note: Option<String>,
) -> AppResult<claim::Model> {
    let pending = claim::Entity::find()
        .filter(claim::Column::UserId.eq(user_id))
        .filter(claim::Column::CooperativeId.eq(cooperative_id))
        .filter(claim::Column::Status.eq(claim::Status::Pending))
        .one(db)
        .await?;
    if pending.is_some() {
        return Err(AppError::Conflict(
            "you already asked to edit this cooperative: wait for a moderator".into(),
        ));
    }
    let w = Write::begin(db).await?;
    let c = claim::ActiveModel {
        user_id: Set(user_id),
        cooperative_id: Set(cooperative_id),
        note: Set(note),
        status: Set(claim::Status::Pending),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&w)
    .await?;
    w.commit().await?;
    Ok(c)
}

pub async fn find_claim(db: &DatabaseConnection, id: i32) -> AppResult<Option<claim::Model>> {
    Ok(claim::Entity::find_by_id(id).one(db).await?)
}

/// Claims by status (oldest first), optionally only one user's.
pub async fn list_claims(
    db: &DatabaseConnection,
    status: Option<claim::Status>,
    user_id: Option<i32>,
) -> AppResult<Vec<claim::Model>> {
    let mut c = Condition::all();
    if let Some(s) = status {
        c = c.add(claim::Column::Status.eq(s));
    }
    if let Some(u) = user_id {
        c = c.add(claim::Column::UserId.eq(u));
    }
    Ok(claim::Entity::find()
        .filter(c)
        .order_by_asc(claim::Column::Id)
        .all(db)
        .await?)
}

/// Approves or rejects a pending claim; approval makes the claimant an editor. Both are audited.
pub async fn decide_claim(
    db: &DatabaseConnection,
    moderator: i32,
    claim_id: i32,
    approve: bool,
    reason: &str,
) -> AppResult<claim::Model> {
    let txn = Write::begin(db).await?;
    let c = claim::Entity::find_by_id(claim_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("claim".into()))?;
    if c.status != claim::Status::Pending {
        return Err(AppError::Conflict(format!(
            "this claim was already decided ({})",
            c.status.to_value()
        )));
    }
    let status = if approve {
        claim::Status::Approved
    } else {
        claim::Status::Rejected
    };
    // Conditional on PENDING: two moderators deciding at once cannot both win.
    let done = claim::Entity::update_many()
        .col_expr(
            claim::Column::Status,
            sea_orm::sea_query::Expr::value(status),
        )
        .col_expr(
            claim::Column::Reason,
            sea_orm::sea_query::Expr::value(reason),
        )
        .col_expr(
            claim::Column::DecidedBy,
            sea_orm::sea_query::Expr::value(moderator),
        )
        .col_expr(
            claim::Column::DecidedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(claim::Column::Id.eq(claim_id))
        .filter(claim::Column::Status.eq(claim::Status::Pending))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(
            "another moderator decided this claim a moment ago".into(),
        ));
    }
    let updated = claim::Entity::find_by_id(claim_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("claim".into()))?;
    if approve {
        add_role_in(&txn, c.user_id, Role::Editor, Some(c.cooperative_id), None).await?;
    }
    super::audit::record(
        &txn,
        Some(moderator),
        "Cooperative",
        c.cooperative_id,
        if approve {
            Action::ClaimApproved
        } else {
            Action::ClaimRejected
        },
        vec![
            (
                "editor".into(),
                serde_json::Value::Null,
                serde_json::json!(c.user_id),
            ),
            (
                "reason".into(),
                serde_json::Value::Null,
                serde_json::json!(reason),
            ),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn create_api_key(
    db: &DatabaseConnection,
    partner: &str,
    prefix: &str,
    hash: &str,
) -> AppResult<api_key::Model> {
    let w = Write::begin(db).await?;
    let key = api_key::ActiveModel {
        partner_name: Set(partner.to_owned()),
        key_prefix: Set(prefix.to_owned()),
        secret_hash: Set(hash.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&w)
    .await?;
    w.commit().await?;
    Ok(key)
}

pub async fn list_api_keys(db: &DatabaseConnection) -> AppResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?)
}

pub async fn find_api_key(db: &DatabaseConnection, id: i32) -> AppResult<Option<api_key::Model>> {
    Ok(api_key::Entity::find_by_id(id).one(db).await?)
}

/// A live (not revoked) key by its secret's hash.
pub async fn api_key_by_hash(
    db: &DatabaseConnection,
    hash: &str,
) -> AppResult<Option<api_key::Model>> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::SecretHash.eq(hash))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

pub async fn update_api_key(
    db: &DatabaseConnection,
    key: api_key::Model,
    change: impl FnOnce(&mut api_key::ActiveModel),
) -> AppResult<api_key::Model> {
    let mut a: api_key::ActiveModel = key.into();
    change(&mut a);
    let w = Write::begin(db).await?;
    let key = a.update(&w).await?;
    w.commit().await?;
    Ok(key)
}
