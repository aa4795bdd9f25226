//! The live model catalogue as a price source: what `GET /v1/models` said each model costs, kept
//! on disk (`model-catalogue.json` in the data folder) so estimates work offline and at the next
//! start. It sits between the built-in table and the person's own rows.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ModelPrice, PriceTable};
use crate::api::models::CatalogueModel;
use crate::api::Provider;

pub const FILE_NAME: &str = "model-catalogue.json";
/// How a catalogue row names its source (the date is the row's `asOf`).
pub const SOURCE: &str = "Perplexity /v1/models";

/// The last good answer of `/v1/models`: when, from where, and the priced models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalogue {
    /// Unix ms.
    pub fetched_at: i64,
    pub base_url: String,
    pub models: Vec<CatalogueModel>,
}

/// What the window shows of the catalogue in use: "Perplexity /v1/models, fetched <date>".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CatalogueInfo {
    pub source: String,
    pub fetched_at: i64,
    pub base_url: String,
    /// Models it priced.
    pub priced: usize,
}

impl Catalogue {
    /// A catalogue of what `models` priced; `None` when none of them has a price (an
    /// OpenAI-compatible endpoint, an old server).
    pub fn new(fetched_at: i64, base_url: &str, models: &[CatalogueModel]) -> Option<Catalogue> {
        let models: Vec<CatalogueModel> = models.iter().filter(|m| m.pricing.is_some()).cloned().collect();
        (!models.is_empty()).then(|| Catalogue { fetched_at, base_url: base_url.to_owned(), models })
    }

    /// The rows it gives the price table.
    pub fn rows(&self) -> Vec<ModelPrice> {
        let as_of = crate::history::exported::date(self.fetched_at);
        self.models
            .iter()
            .filter_map(|m| {
                let p = m.pricing?;
                Some(ModelPrice {
                    model: m.id.clone(),
                    provider: Provider::Agent,
                    input_per_million: p.input,
                    output_per_million: p.output,
                    request_fee_per_thousand: None,
                    citation_per_million: None,
                    reasoning_per_million: None,
                    search_per_thousand: None,
                    cache_read_per_million: p.cache_read,
                    cache_write_per_million: p.cache_write,
                    source: SOURCE.to_owned(),
                    as_of: as_of.clone(),
                })
            })
            .collect()
    }

    pub fn info(&self) -> CatalogueInfo {
        CatalogueInfo {
            source: SOURCE.to_owned(),
            fetched_at: self.fetched_at,
            base_url: self.base_url.clone(),
            priced: self.models.len(),
        }
    }

    /// The saved catalogue, if there is a readable one (a damaged file is ignored: the next
    /// fetch replaces it).
    pub fn load(folder: &Path) -> Option<Catalogue> {
        let bytes = std::fs::read(folder.join(FILE_NAME)).ok()?;
        match serde_json::from_slice::<Catalogue>(&bytes) {
            Ok(c) if !c.models.is_empty() => Some(c),
            Ok(_) => None,
            Err(e) => {
                log::warn!("ignoring an unreadable {FILE_NAME}: {e}");
                None
            }
        }
    }

    /// Writes the catalogue beside the other data, atomically ([`crate::files::write_atomic`]).
    pub fn save(&self, folder: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::files::write_atomic(&folder.join(FILE_NAME), &json)
    }
}

impl PriceTable {
    /// The catalogue's rows replace the built-in ones of the same models and add the others.
    pub fn with_catalogue(mut self, catalogue: Option<&Catalogue>) -> PriceTable {
        let Some(catalogue) = catalogue else { return self };
        for row in catalogue.rows() {
            match self.models.iter_mut().find(|m| m.model == row.model) {
                Some(existing) => *existing = row,
                None => self.models.push(row),
            }
        }
        self.catalogue = Some(catalogue.info());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::{parse_catalogue, Pricing};

    fn recorded() -> Vec<CatalogueModel> {
        let body = include_str!("../../tests/fixtures/real/models_2026-10-09.json");
        parse_catalogue(body).unwrap()
    }

    #[test]
    fn every_catalogue_model_gets_a_price_between_built_in_rows_and_the_persons() {
        let models = recorded();
        // 2026-10-09 12:00 UTC
        let catalogue = Catalogue::new(1_791_547_200_000, "https://api.perplexity.ai", &models).unwrap();
        let table = PriceTable::builtin().with_catalogue(Some(&catalogue));
        for m in &models {
            let row = table.get(&m.id).unwrap_or_else(|| panic!("{} unpriced", m.id));
            assert_eq!((row.source.as_str(), row.as_of.as_str()), (SOURCE, "2026-10-09"));
        }
        let haiku = table.get("anthropic/claude-haiku-4-5").unwrap();
        assert_eq!(
            (
                haiku.input_per_million,
                haiku.output_per_million,
                haiku.cache_read_per_million,
                haiku.cache_write_per_million
            ),
            (1.0, 5.0, Some(0.1), Some(1.25))
        );
        assert_eq!(table.catalogue.as_ref().unwrap().priced, 52);
        // Sonar's rows are not the catalogue's to change.
        assert!(table.get("sonar").unwrap().source.starts_with("https://"));
        let mine = ModelPrice { input_per_million: 9.0, source: super::super::YOUR_PRICE.into(), ..haiku.clone() };
        let table = table.with_overrides(&[mine]);
        assert_eq!(table.get("anthropic/claude-haiku-4-5").unwrap().input_per_million, 9.0, "the person's row wins");
    }

    #[test]
    fn a_catalogue_without_prices_is_no_catalogue_and_saved_ones_come_back() {
        let unpriced = CatalogueModel { id: "gpt-4o".into(), vendor: "openai".into(), pricing: None };
        assert_eq!(Catalogue::new(1, "http://localhost:11434/v1", &[unpriced]), None);
        let dir = std::env::temp_dir().join(format!("citewise-catalogue-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(Catalogue::load(&dir), None);
        let priced = CatalogueModel {
            id: "perplexity/sonar".into(),
            vendor: "perplexity".into(),
            pricing: Some(Pricing { input: 0.25, output: 2.5, cache_read: Some(0.0625), cache_write: None }),
        };
        let c = Catalogue::new(5, "https://api.perplexity.ai", &[priced]).unwrap();
        c.save(&dir).unwrap();
        assert_eq!(Catalogue::load(&dir), Some(c));
        std::fs::write(dir.join(FILE_NAME), "{ half a file").unwrap();
        assert_eq!(Catalogue::load(&dir), None, "a damaged file is ignored");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
