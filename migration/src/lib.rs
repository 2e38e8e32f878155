//! Database migrations, in order. The same migrations run on SQLite and
//! PostgreSQL; nothing here may use a dialect-only feature, except triggers
//! (000010, 000012), a covering index (000013) and indexes in `DESC NULLS LAST`
//! order (000014), which are written out for each.

pub use sea_orm_migration::prelude::*;

mod m20261201_000001_create_reference_tables;
mod m20261201_000002_create_cooperative_tables;
mod m20261201_000003_create_procurement_tables;
mod m20261201_000004_create_account_tables;
mod m20261201_000005_create_directory_tables;
mod m20261201_000006_create_network_tables;
mod m20261201_000007_create_programme_tables;
mod m20261201_000008_add_post_change_seq;
mod m20261201_000009_index_cooperatives_by_unit_and_name;
mod m20261201_000010_count_cooperatives;
mod m20261201_000011_index_purchases_by_buyer_and_year;
mod m20261201_000012_count_cooperatives_by_unit;
mod m20261203_000013_cover_cooperatives_by_unit;
mod m20261203_000014_index_list_orders;
mod m20261203_000015_index_lists_the_plan_test_found;
mod m20261203_000016_rebuild_search_index;
mod m20261203_000017_cooperative_updated_at;
mod m20261204_000018_cooperative_request;
mod m20261204_000019_audit_source;
mod m20261204_000020_procurement_buyer_unit;
mod m20261204_000021_city_with_powiat_rights;
mod m20261204_000022_procurement_updated_at;
mod m20261204_000023_updated_at_everywhere;
mod m20261204_000024_excluded_member_share;
mod m20261205_000025_knowledge;
mod m20261205_000026_legal_desk;
mod m20261205_000027_city_places_and_affiliations;
mod m20261206_000028_reference_version;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261201_000001_create_reference_tables::Migration),
            Box::new(m20261201_000002_create_cooperative_tables::Migration),
            Box::new(m20261201_000003_create_procurement_tables::Migration),
            Box::new(m20261201_000004_create_account_tables::Migration),
            Box::new(m20261201_000005_create_directory_tables::Migration),
            Box::new(m20261201_000006_create_network_tables::Migration),
            Box::new(m20261201_000007_create_programme_tables::Migration),
            Box::new(m20261201_000008_add_post_change_seq::Migration),
            Box::new(m20261201_000009_index_cooperatives_by_unit_and_name::Migration),
            Box::new(m20261201_000010_count_cooperatives::Migration),
            Box::new(m20261201_000011_index_purchases_by_buyer_and_year::Migration),
            Box::new(m20261201_000012_count_cooperatives_by_unit::Migration),
            Box::new(m20261203_000013_cover_cooperatives_by_unit::Migration),
            Box::new(m20261203_000014_index_list_orders::Migration),
            Box::new(m20261203_000015_index_lists_the_plan_test_found::Migration),
            Box::new(m20261203_000016_rebuild_search_index::Migration),
            Box::new(m20261203_000017_cooperative_updated_at::Migration),
            Box::new(m20261204_000018_cooperative_request::Migration),
            Box::new(m20261204_000019_audit_source::Migration),
            Box::new(m20261204_000020_procurement_buyer_unit::Migration),
            Box::new(m20261204_000021_city_with_powiat_rights::Migration),
            Box::new(m20261204_000022_procurement_updated_at::Migration),
            Box::new(m20261204_000023_updated_at_everywhere::Migration),
            Box::new(m20261204_000024_excluded_member_share::Migration),
            Box::new(m20261205_000025_knowledge::Migration),
            Box::new(m20261205_000026_legal_desk::Migration),
            Box::new(m20261205_000027_city_places_and_affiliations::Migration),
            Box::new(m20261206_000028_reference_version::Migration),
        ]
    }
}

/// A foreign key from `from.col` to `to.id`; rows are never deleted in cascade
/// silently: a referenced row must be unlinked first.
pub(crate) fn fk(
    from: impl IntoIden,
    col: impl IntoIden,
    to: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(to, Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// Runs the statements written out for the migration's database (triggers are
/// written once for each).
pub(crate) async fn execute_for(
    m: &SchemaManager<'_>,
    postgres: &str,
    sqlite: &str,
) -> Result<(), DbErr> {
    let sql = match m.get_database_backend() {
        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => postgres,
        _ => sqlite,
    };
    m.get_connection().execute_unprepared(sql).await.map(drop)
}

/// A plain index named after its table and columns.
pub(crate) fn index(table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("idx_{table}_{}", cols.join("_")))
        .table(Alias::new(table));
    for c in cols {
        idx.col(Alias::new(*c));
    }
    idx.to_owned()
}

/// Text compared byte by byte on PostgreSQL too (`COLLATE "C"`), as SQLite does:
/// orderings and prefix matches are then identical on both databases, and
/// `LIKE 'prefix%'` can use a plain b-tree index.
pub(crate) fn bytewise(mut col: ColumnDef, postgres: bool) -> ColumnDef {
    if postgres {
        col.extra("COLLATE \"C\"");
    }
    col
}
