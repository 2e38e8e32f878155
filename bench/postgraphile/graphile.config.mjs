// PostGraphile 5 baseline for coophub's benchmark: a generic GraphQL-over-PostgreSQL
// server reading the very tables coophub serves. Defaults everywhere except:
//  - @graphile/simplify-inflection, so field names are short (`seat`, `cooperatives`);
//  - naming-only smart tags (`children`, `cooperatives`, `procurementExamples`) so the
//    back-relations read like coophub's;
//  - one extra condition, `localGovernments(condition: {level: "POWIAT"})`, since coophub's
//    level is not a column but the TERYT code's length (2/4/7), as coophub's own SQL does;
//  - no GraphiQL, no websockets/subscriptions, no watch mode.
// No table is excluded: every coophub table introspects cleanly (see README.md).
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { addPgTableCondition, jsonPgSmartTags } from "postgraphile/utils";

// coophub's LocalGovernmentLevel -> TERYT code length (src/graphql/types/enums.rs).
const TERYT_LENGTH = { VOIVODESHIP: 2, POWIAT: 4, GMINA: 7 };

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  throw new Error("DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1/pg5_dev)");
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  plugins: [
    // Naming only (no behaviour change): the back-relations get coophub's field names
    // instead of the generated ones (e.g. `cooperativesBySeatId`, `procurementExamplesByBuyerId`).
    jsonPgSmartTags({
      version: 1,
      config: {
        constraint: {
          "local_government.local_government_parent_id_fkey": {
            tags: { foreignFieldName: "children" },
          },
          "cooperative.cooperative_seat_id_fkey": {
            tags: { foreignFieldName: "cooperatives" },
          },
          "procurement_example.procurement_example_buyer_id_fkey": {
            tags: { foreignFieldName: "procurementExamples" },
          },
        },
      },
    }),
    // `condition: {level: "POWIAT"}` = coophub's `filter: {level: POWIAT}`: TERYT codes of
    // that length, the same `teryt LIKE '____'` predicate coophub's SQL uses.
    addPgTableCondition(
      { schemaName: "public", tableName: "local_government" },
      "level",
      (build) => ({
        description: "Only units of this tier: VOIVODESHIP, POWIAT or GMINA (TERYT code length 2, 4 or 7).",
        type: build.graphql.GraphQLString,
      }),
      (value, { sql, sqlTableAlias }) => {
        if (value == null) return null;
        const n = TERYT_LENGTH[value];
        if (!n) throw new Error(`level must be one of ${Object.keys(TERYT_LENGTH).join(", ")}`);
        return sql`${sqlTableAlias}.teryt LIKE ${sql.value("_".repeat(n))}`;
      },
    ),
  ],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ["public"],
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT || 5678),
    graphqlPath: "/graphql",
    graphiql: false,
    websockets: false,
    watch: false,
  },
};

export default preset;
