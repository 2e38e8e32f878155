//! Accounts, sessions, roles, claims, partner API keys, the audit trail, the
//! mail outbox; versions on editable records; verification of procurement examples.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum UserRole {
    Table,
    Id,
    UserId,
    Role,
    CooperativeId,
    LocalGovernmentId,
}

#[derive(DeriveIden)]
enum PasswordReset {
    Table,
    Id,
    UserId,
    TokenHash,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Recipient,
    Subject,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Claim {
    Table,
    Id,
    UserId,
    CooperativeId,
    Note,
    Status,
    Reason,
    DecidedBy,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    PartnerName,
    KeyPrefix,
    SecretHash,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Id,
    ActorUserId,
    At,
    Entity,
    RecordId,
    Action,
    Changes,
}

#[derive(DeriveIden)]
enum Cooperative {
    Table,
    Version,
}

#[derive(DeriveIden)]
enum Offering {
    Table,
    Version,
}

#[derive(DeriveIden)]
enum ProcurementExample {
    Table,
    Version,
    Verified,
    VerifiedBy,
    VerifiedAt,
    ProposedBy,
}

#[derive(DeriveIden)]
enum LocalGovernment {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(UserAccount::Table)
                .col(pk_auto(UserAccount::Id))
                // Null once the account is deleted; unique while it exists.
                .col(string_null(UserAccount::Email).unique_key())
                .col(string_null(UserAccount::PasswordHash))
                .col(string(UserAccount::DisplayName))
                .col(timestamp_with_time_zone(UserAccount::CreatedAt))
                .col(timestamp_with_time_zone_null(UserAccount::DeletedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(pk_auto(Session::Id))
                .col(integer(Session::UserId))
                .col(string_len_uniq(Session::TokenHash, 64))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .col(timestamp_with_time_zone_null(Session::RevokedAt))
                .foreign_key(&mut fk(Session::Table, Session::UserId, UserAccount::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(index("session", &["user_id"])).await?;
        m.create_table(
            Table::create()
                .table(UserRole::Table)
                .col(pk_auto(UserRole::Id))
                .col(integer(UserRole::UserId))
                .col(string_len(UserRole::Role, 16))
                .col(integer_null(UserRole::CooperativeId))
                .col(integer_null(UserRole::LocalGovernmentId))
                .foreign_key(&mut fk(
                    UserRole::Table,
                    UserRole::UserId,
                    UserAccount::Table,
                ))
                .foreign_key(&mut fk(
                    UserRole::Table,
                    UserRole::CooperativeId,
                    Alias::new("cooperative"),
                ))
                .foreign_key(&mut fk(
                    UserRole::Table,
                    UserRole::LocalGovernmentId,
                    LocalGovernment::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("user_role", &["user_id"])).await?;
        m.create_table(
            Table::create()
                .table(PasswordReset::Table)
                .col(pk_auto(PasswordReset::Id))
                .col(integer(PasswordReset::UserId))
                .col(string_len_uniq(PasswordReset::TokenHash, 64))
                .col(timestamp_with_time_zone(PasswordReset::ExpiresAt))
                .col(timestamp_with_time_zone_null(PasswordReset::UsedAt))
                .foreign_key(&mut fk(
                    PasswordReset::Table,
                    PasswordReset::UserId,
                    UserAccount::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(pk_auto(Outbox::Id))
                .col(string(Outbox::Recipient))
                .col(string(Outbox::Subject))
                .col(text(Outbox::Body))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Claim::Table)
                .col(pk_auto(Claim::Id))
                .col(integer(Claim::UserId))
                .col(integer(Claim::CooperativeId))
                .col(text_null(Claim::Note))
                .col(string_len(Claim::Status, 16))
                .col(text_null(Claim::Reason))
                .col(integer_null(Claim::DecidedBy))
                .col(timestamp_with_time_zone(Claim::CreatedAt))
                .col(timestamp_with_time_zone_null(Claim::DecidedAt))
                .foreign_key(&mut fk(Claim::Table, Claim::UserId, UserAccount::Table))
                .foreign_key(&mut fk(
                    Claim::Table,
                    Claim::CooperativeId,
                    Alias::new("cooperative"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("claim", &["status", "id"])).await?;
        m.create_table(
            Table::create()
                .table(ApiKey::Table)
                .col(pk_auto(ApiKey::Id))
                .col(string(ApiKey::PartnerName))
                .col(string_len(ApiKey::KeyPrefix, 16))
                .col(string_len_uniq(ApiKey::SecretHash, 64))
                .col(timestamp_with_time_zone(ApiKey::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKey::RevokedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditEntry::Table)
                .col(pk_auto(AuditEntry::Id))
                .col(integer_null(AuditEntry::ActorUserId))
                .col(timestamp_with_time_zone(AuditEntry::At))
                .col(string_len(AuditEntry::Entity, 32))
                .col(integer(AuditEntry::RecordId))
                .col(string_len(AuditEntry::Action, 16))
                .col(text(AuditEntry::Changes))
                .foreign_key(&mut fk(
                    AuditEntry::Table,
                    AuditEntry::ActorUserId,
                    UserAccount::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_entry", &["entity", "record_id", "id"]))
            .await?;
        m.alter_table(
            Table::alter()
                .table(Cooperative::Table)
                .add_column(integer(Cooperative::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Offering::Table)
                .add_column(integer(Offering::Version).default(1))
                .to_owned(),
        )
        .await?;
        // Unverified unless said otherwise: a row that forgets the column stays private.
        for col in [
            integer(ProcurementExample::Version).default(1).to_owned(),
            boolean(ProcurementExample::Verified)
                .default(false)
                .to_owned(),
            integer_null(ProcurementExample::VerifiedBy),
            timestamp_with_time_zone_null(ProcurementExample::VerifiedAt),
            integer_null(ProcurementExample::ProposedBy),
        ] {
            // SQLite alters one column per statement.
            m.alter_table(
                Table::alter()
                    .table(ProcurementExample::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index("procurement_example", &["verified", "year", "id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_entry",
            "api_key",
            "claim",
            "outbox",
            "password_reset",
            "user_role",
            "session",
            "user_account",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
