//! The licences and sources that files and open-data documents carry: one text
//! for each, used by every surface (exports, datasets, maps, Murmurations).

/// The licence of the exported records.
pub const LICENCE: &str =
    "Cooperative records: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), \
published by coophub; attribute \"coophub\". Sample rows are generated, not real cooperatives, \
and are flagged isSample.";

/// The reference data the records point into, with their terms.
pub const SOURCES: [&str; 3] = [
    "TERYT: GUS, TERC register as of 2026-01-01; an official register, not subject to copyright under art. 4 of the Polish copyright act",
    "PKD 2007: the Polish Classification of Activities, Dz.U. 2007 nr 251 poz. 1885; an official classification",
    "Gmina centroids (geometry of cooperatives without their own location): github.com/strebuh/compareR, GPL-3.0-or-later, as listed in data/README.md",
];

/// `Link` header value naming the licence.
pub const LICENCE_LINK: &str = "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"";

/// The licence of every other dataset's file; their sources are `SOURCES` plus population.
pub const DATASETS_LICENCE: &str =
    "Records: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), \
published by coophub; attribute \"coophub\". Rows flagged isSample are generated sample data, \
not real records. Local governments are the official TERYT register (not subject to copyright).";

pub const DATASET_SOURCES: [&str; 4] = [
    SOURCES[0],
    SOURCES[1],
    SOURCES[2],
    "Population of powiaty and voivodeships as of 31.12.2018: GUS Bank Danych Lokalnych (official statistics), as listed in data/README.md",
];
