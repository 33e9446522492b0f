//! The lab: what `simulate lab` serves to a browser. The library side only: a setting read from a
//! URL ([`setting`]), the page's description of a scenario (its sliders, scripted events and
//! lenses: [`Meta`]), the results of one setting as JSON ([`results`]), and the page itself
//! ([`page`], compiled in). The HTTP server is the binary's (`src/bin/simulate/lab.rs`); it runs
//! the same `runs::ensemble` and `output::summary` code as `simulate FILE`.

pub mod page;
pub mod results;
pub mod setting;

use serde::Serialize;

use crate::engine::record::What;
use crate::output::log::describe;
use crate::params::Params;
use crate::runs::ensemble;
use crate::scenario::{Lens, Scenario};

/// The parameters the page shows as sliders first, with the range each slider spans. Chosen by
/// a one-at-a-time screen on `ufa2015` and `samarkand2022` (each parameter halved and doubled,
/// 40 runs, the largest change of a state's mean final share; docs/lab.md): these move the
/// region most. Every other parameter is under "all parameters".
pub const KEY_PARAMS: [(&str, f64, f64); 10] = [
    ("decision.money_weight", 0.0, 40.0),
    ("decision.temperature", 0.1, 2.0),
    ("decision.trade_value", 0.0, 0.5),
    ("decision.domination_weight", 0.0, 50.0),
    ("decision.domination_threshold", 0.0, 1.0),
    ("decision.security_weight", 0.0, 4.0),
    ("energy.rent_share", 0.0, 1.0),
    ("decision.remittance_value", 0.0, 1.0),
    ("decision.leaning_weight", 0.0, 4.0),
    ("decision.sco_weight", 0.0, 2.0),
];

/// One parameter as the page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Slider {
    /// Key path (`decision.money_weight`), as `--set` takes it.
    pub key: String,
    /// The scenario's value.
    pub value: f64,
    /// The model's default.
    pub default: f64,
    /// The slider's range (inside the valid range).
    pub lo: f64,
    /// Upper end of the slider.
    pub hi: f64,
    /// The valid range.
    pub min: f64,
    /// Upper end of the valid range.
    pub max: f64,
    /// Unit in words.
    pub unit: String,
    /// The first sentence of the parameter's documentation.
    pub meaning: String,
    /// The whole documentation (meaning and source).
    pub doc: String,
    /// Whether it is one of [`KEY_PARAMS`].
    pub key_param: bool,
}

/// A scripted event the page can switch off.
#[derive(Clone, Debug, Serialize)]
pub struct EventToggle {
    /// Its id (what `--without` takes).
    pub id: String,
    /// Date, `YYYY-MM`.
    pub date: String,
    /// Kind (`loan_offer`, ...).
    pub kind: String,
    /// What it does, in words.
    pub text: String,
}

/// What the page needs to know about a scenario before running it.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The file `simulate` would be given.
    pub file: String,
    /// First date.
    pub start: String,
    /// Last date.
    pub end: String,
    /// The scenario's seed.
    pub seed: u64,
    /// The scenario's lens.
    pub lens: String,
    /// Every lens.
    pub lenses: Vec<String>,
    /// Every parameter, key parameters first (in [`KEY_PARAMS`] order), then the rest in
    /// [`Params::specs`] order.
    pub params: Vec<Slider>,
    /// Scripted events that have an id, in date order.
    pub events: Vec<EventToggle>,
}

/// The first sentence of `doc`: up to the first ". " that ends a sentence (not "e.g. " or
/// "i.e. ", and followed by a capital letter), or the whole text.
fn first_sentence(doc: &str) -> String {
    let b = doc.as_bytes();
    for (i, _) in doc.match_indices(". ") {
        let before = &doc[..i];
        let abbreviation = ["e.g", "i.e", "cf", "etc", "vs"]
            .iter()
            .any(|a| before.ends_with(a));
        let capital = b.get(i + 2).is_some_and(|c| c.is_ascii_uppercase());
        if !abbreviation && capital {
            return doc[..=i].to_string();
        }
    }
    doc.to_string()
}

impl Meta {
    /// The page's description of `sc`, given to `simulate` as `file`.
    pub fn new(sc: &Scenario, file: &str) -> Meta {
        let values = sc.params.values();
        let specs = Params::specs();
        let slider = |i: usize, range: Option<(f64, f64)>| {
            let s = &specs[i];
            let v = values[i];
            let (lo, hi) = range.unwrap_or_else(|| {
                let hi = if s.max.is_finite() {
                    s.max.min((v.abs() * 3.0).max(s.min + 1.0))
                } else {
                    v.abs() * 3.0 + 1.0
                };
                (s.min, hi)
            });
            Slider {
                key: s.key.to_string(),
                value: v,
                default: s.default,
                lo: lo.max(s.min).min(v),
                hi: hi.min(s.max).max(v),
                min: s.min,
                max: s.max,
                unit: s.unit.to_string(),
                meaning: first_sentence(s.doc),
                doc: s.doc.to_string(),
                key_param: range.is_some(),
            }
        };
        let mut params = Vec::new();
        for (key, lo, hi) in KEY_PARAMS {
            if let Some(i) = specs.iter().position(|s| s.key == key) {
                params.push(slider(i, Some((lo, hi))));
            }
        }
        for (i, spec) in specs.iter().enumerate() {
            if !KEY_PARAMS.iter().any(|(k, _, _)| *k == spec.key) {
                params.push(slider(i, None));
            }
        }

        // Scripted events in words, as one run logs them (amounts filled in); an event that
        // never fires in that run is told with its scenario values.
        let rec = ensemble::run_many(sc, &sc.params, sc.seed, 1, 1)
            .ok()
            .and_then(|mut v| v.pop());
        let mut events: Vec<EventToggle> = Vec::new();
        for (i, ev) in sc.events.iter().enumerate() {
            let Some(id) = &ev.id else { continue };
            if events.iter().any(|e| &e.id == id) {
                continue;
            }
            let logged = rec
                .as_ref()
                .and_then(|r| r.log.iter().find(|e| e.what == What::Scripted(i)));
            let text = match logged {
                Some(e) => describe(sc, e).1,
                None => ev
                    .note
                    .clone()
                    .unwrap_or_else(|| ev.kind.name().to_string()),
            };
            events.push(EventToggle {
                id: id.clone(),
                date: ev.date.to_string(),
                kind: ev.kind.name().to_string(),
                text,
            });
        }
        events.sort_by(|a, b| a.date.cmp(&b.date));
        Meta {
            name: sc.name.clone(),
            description: sc.description.clone(),
            file: file.to_string(),
            start: sc.start.to_string(),
            end: sc.end.to_string(),
            seed: sc.seed,
            lens: sc.lens.name().to_string(),
            lenses: Lens::names().iter().map(|s| s.to_string()).collect(),
            params,
            events,
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::shipped::SHIPPED;

    #[test]
    fn every_key_parameter_exists_and_its_slider_holds_its_value() {
        for s in SHIPPED {
            let sc = s.load().unwrap();
            let m = Meta::new(&sc, s.file);
            assert_eq!(m.params.len(), Params::specs().len());
            for (k, p) in KEY_PARAMS.iter().zip(&m.params) {
                assert_eq!(k.0, p.key);
                assert!(p.key_param);
            }
            for p in &m.params {
                assert!(p.lo <= p.value && p.value <= p.hi, "{}: {p:?}", s.name);
                assert!(p.min <= p.lo && p.hi <= p.max, "{}: {p:?}", s.name);
                assert!(!p.unit.is_empty() && !p.meaning.is_empty());
            }
        }
    }

    #[test]
    fn the_first_sentence_skips_abbreviations() {
        assert_eq!(
            first_sentence(
                "Fear of domination (e.g. Sinophobia; Laruelle 2012): a penalty. Assumption."
            ),
            "Fear of domination (e.g. Sinophobia; Laruelle 2012): a penalty."
        );
        assert_eq!(first_sentence("No full stop"), "No full stop");
    }

    #[test]
    fn events_with_ids_can_be_switched_off() {
        let sc = SHIPPED[0].load().unwrap();
        let m = Meta::new(&sc, "scenarios/ufa2015.toml");
        assert!(!m.events.is_empty());
        assert!(m.events.iter().all(|e| !e.text.is_empty()));
    }
}
