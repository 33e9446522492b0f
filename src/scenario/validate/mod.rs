//! The one validating conversion from [`RawScenario`] to [`Scenario`].
//!
//! Every check a user can fail lives in this folder and reports the file, line and column of the
//! value at fault, what was expected and how to fix it. The first error found is returned.
//!
//! This file holds the entry point, the shared checks (numbers, dates, ids) and `convert`, which
//! calls the topic files in file order: `actors` (the header, actors, ties, relations), `assets`
//! (bases, loans, energy deals), `events` (scripted events) and `experiment` (outcomes, checks
//! and the sweep).

mod actors;
mod assets;
mod events;
pub(crate) use events::EVENT_KEYS;
mod experiment;
mod shape;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::raw::{ById, RawScenario, S};
use super::*;

type R<T> = Result<T, ScenarioError>;

/// Parses and validates scenario text read from `path`.
pub fn parse(path: &Path, source: &str) -> Result<Scenario, ScenarioError> {
    let v = V { path, src: source };
    if let Some((span, message, help)) = shape::list_for_a_table(source) {
        return Err(v.err(span, message, help));
    }
    let raw: RawScenario = toml::from_str(source).map_err(|e| v.toml_error(&e))?;
    v.convert(raw)
}

/// Validation context: the file and its text, for locating errors.
struct V<'a> {
    path: &'a Path,
    src: &'a str,
}

const FORMAT_DOC: &str = "docs/scenario-format.md";

/// The longest id: actors, bases, loans, deals, events and outcomes.
pub const MAX_ID_CHARS: usize = 40;

/// The largest magnitude of any number in a scenario (in its own unit: billions of dollars,
/// millions of dollars, bcm, ...). The largest shipped value is a GDP of 18,000 bn; a bound
/// keeps every sum and product the engine forms finite (no `1e308` money).
pub const MAX_NUMBER: f64 = 1e7;

/// The largest seed, 2^53 − 1: the largest integer a double holds exactly, so every seed the
/// outputs record (`summary.json`, the seeds of `sweep.csv`) reads back unchanged in R, Excel,
/// JavaScript and any JSON reader.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The most steps a scenario may have (500 years of months).
pub const MAX_STEPS: usize = 6000;

/// The most actors a scenario may have.
pub const MAX_ACTORS: usize = 5000;

/// The largest record of one run: every state's share toward every patron at every date
/// (`(steps + 1) × actors × patrons × 8` bytes). An ensemble holds one per thread at a time.
pub const MAX_RUN_RECORD_BYTES: usize = 256 << 20;

/// `msg` with the Rust type names serde uses ("expected i64") in the scenario format's words.
fn plain_types(msg: &str) -> String {
    let mut out = msg.to_string();
    for (rust, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected text in quotes"),
        ("floating point", "number"),
    ] {
        out = out.replace(rust, plain);
    }
    // An integer too long for the type it is read as: say it is too large.
    for (start, end) in [
        ("invalid type: integer `", "` as i128, expected"),
        ("invalid type: integer `", "` as u128, expected"),
        ("invalid value: integer `", "`, expected a whole number"),
    ] {
        if let Some(rest) = out.strip_prefix(start)
            && let Some(at) = rest.find(end)
            && rest[..at].len() >= 19
            && !rest[..at].starts_with('-')
        {
            out = format!("the whole number `{}` is too large", &rest[..at]);
            break;
        }
    }
    if out.contains("number overflowed") {
        out = "the whole number is too large".to_string();
    }
    out
}

/// A number as an error message shows it: as written for ordinary sizes, in exponent form for
/// huge or tiny ones (not 300 digits).
pub(crate) fn shown(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Whether `c` may appear in an id: ASCII letters, digits, `_` and `-`. Ids become parts of
/// file names (`alignment_KGZ.svg`), CSV cells and HTML, where this set needs no quoting or
/// escaping, and no two of them look alike.
pub fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The `[scenario]` header's own values.
struct Header {
    name: String,
    description: String,
    start: YearMonth,
    end: YearMonth,
    period: Period,
    steps: usize,
    seed: u64,
    lens: Lens,
    region: String,
}

/// The actors in file order, their ids and the actor index of each patron slot.
struct Cast {
    actors: Vec<ActorInfo>,
    ids: BTreeMap<String, usize>,
    patrons: Vec<usize>,
}

/// Bases, loans and energy deals, each with its ids.
struct Assets {
    bases: Vec<BaseInfo>,
    base_ids: BTreeMap<String, usize>,
    loans: Vec<LoanInfo>,
    loan_ids: BTreeMap<String, usize>,
    deals: Vec<DealInfo>,
    deal_ids: BTreeMap<String, usize>,
}

impl V<'_> {
    fn err(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::at(self.path, self.src, span, message, help)
    }

    fn toml_error(&self, e: &toml::de::Error) -> ScenarioError {
        let span = e.span().unwrap_or(0..0);
        // Serde names Rust's types; a reader of the scenario format knows numbers and text.
        let msg = plain_types(e.message().trim());
        // A TOML date literal (`start = 2009-01-01`) reaches serde as a map.
        let at = self.src.get(span.start..).unwrap_or("");
        if msg.starts_with("invalid type: map")
            && at.len() >= 7
            && at.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && at.as_bytes()[4] == b'-'
        {
            let literal: String = at
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ',')
                .collect();
            return self.err(
                span,
                format!("`{literal}` is a TOML date literal, expected a date in quotes"),
                "write dates as quoted text, year and month: \"YYYY-MM\", e.g. \"2009-02\"",
            );
        }
        // The line the error is on, and the last table header before it.
        let line_start = self.src[..span.start.min(self.src.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = self.src[line_start..].lines().next().unwrap_or("");
        let header = self.src[..line_start]
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .unwrap_or("");
        let decimal_comma = line
            .as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b',' && w[2].is_ascii_digit())
            && !line.contains('[');
        if msg == "duplicate key" {
            return self.duplicate_key(span, line_start, &msg);
        }
        let help = if header == "[params]" && msg.contains("expected a map") {
            "parameters go in a table per section: write [params.decision] (or the key's own section) above the key; `simulate explain params` lists each key with its section".to_string()
        } else if msg.contains("invalid date") {
            "write dates as quoted text, year and month: \"YYYY-MM\", e.g. \"2009-02\"".to_string()
        } else if decimal_comma {
            "write decimals with a dot, 0.02 rather than 0,02 (a comma separates values)"
                .to_string()
        } else if msg.starts_with("missing comma between") {
            "add the comma, or close the list or table on the line before (`]` or `}`) if it ends there".to_string()
        } else if msg.starts_with("unknown field") {
            format!(
                "remove this key or correct its spelling; the keys each table takes are listed in {FORMAT_DOC}"
            )
        } else if msg.starts_with("missing field") {
            format!("add the missing key to this table; see {FORMAT_DOC} for what it means")
        } else if msg.starts_with("the whole number") && msg.ends_with("is too large") {
            format!(
                "write a smaller number; the limits of each key are in {FORMAT_DOC} (a seed, for one, is at most 2^53 - 1, 9007199254740991)"
            )
        } else if msg.starts_with("invalid type") {
            "write the value with the type shown (numbers without quotes, text and dates in quotes)"
                .to_string()
        } else {
            "fix the TOML syntax at this point (quotes, brackets, `key = value`)".to_string()
        };
        self.err(span, msg, help)
    }

    /// A key set twice in one table: names the key and, when it is on a line of its own above
    /// in the same table, that line.
    fn duplicate_key(&self, span: Range<usize>, line_start: usize, msg: &str) -> ScenarioError {
        let at = self.src.get(span.start..).unwrap_or("");
        // A table header given twice (`[scenario]` on two lines): name the table and the first.
        let line_text = self.src[line_start..].lines().next().unwrap_or("").trim();
        if line_text.starts_with('[') && !line_text.starts_with("[[") {
            let line_no = self.src[..line_start].matches('\n').count() + 1;
            let first = self.src[..line_start]
                .lines()
                .position(|l| l.trim() == line_text)
                .map(|i| i + 1);
            let help = match first {
                Some(first) => format!(
                    "a table may appear once: move the keys of line {line_no}'s `{line_text}` into the one on line {first}, and remove this header"
                ),
                None => format!("a table may appear once: merge the two `{line_text}` tables"),
            };
            return self.err(span, format!("table `{line_text}` appears twice"), help);
        }
        let key: String = at
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '=' | '.' | ',' | '}' | ']' | '['))
            .collect();
        if key.is_empty() {
            return self.err(
                span,
                msg,
                "a key may be set once per table: remove one of the two",
            );
        }
        // The earlier line of the same table that sets the key, looked for back to the header.
        let line_no = self.src[..line_start].matches('\n').count() + 1;
        let earlier = self.src[..line_start]
            .lines()
            .rev()
            .zip((1..line_no).rev())
            .take_while(|(l, _)| !l.trim_start().starts_with('['))
            .find(|(l, _)| {
                l.trim_start()
                    .strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|(_, i)| i);
        let help = match earlier {
            Some(first) => format!(
                "`{key}` is already set on line {first} of this table: keep one of lines {first} and {line_no}"
            ),
            None => format!("a key may be set once per table: remove one of the two `{key}`"),
        };
        self.err(span, format!("duplicate key `{key}`"), help)
    }

    fn date(&self, s: &S<String>) -> R<YearMonth> {
        YearMonth::parse(s.get_ref()).ok_or_else(|| {
            self.err(
                s.span(),
                format!("`{}` is not a date", s.get_ref()),
                "write dates as \"YYYY-MM\", e.g. \"2009-02\"",
            )
        })
    }

    /// `s` if it is finite and within `min..=max`, both clamped to ±[`MAX_NUMBER`]: the one
    /// check every number in a scenario goes through.
    fn in_range(&self, s: &S<f64>, what: &str, min: f64, max: f64) -> R<f64> {
        let x = *s.get_ref();
        let (min, max) = (min.max(-MAX_NUMBER), max.min(MAX_NUMBER));
        if !x.is_finite() || x < min || x > max {
            let expected = if max == MAX_NUMBER {
                format!(
                    "a number from {min} to {MAX_NUMBER:e} (the limit on any number in a scenario)"
                )
            } else {
                format!("a number from {min} to {max}")
            };
            return Err(self.err(
                s.span(),
                format!("{what} is {}, expected {expected}", shown(x)),
                if x < 0.0 && min == 0.0 {
                    format!("{what} cannot be negative; use 0 for none")
                } else if x < 0.0 && min > 0.0 {
                    format!("{what} must be above 0 (at least {min})")
                } else {
                    format!("give {what} a value within its range ({FORMAT_DOC} gives units)")
                },
            ));
        }
        Ok(x)
    }

    fn opt(&self, s: &Option<S<f64>>, what: &str, min: f64, max: f64, default: f64) -> R<f64> {
        match s {
            Some(s) => self.in_range(s, what, min, max),
            None => Ok(default),
        }
    }

    fn maybe(&self, s: &Option<S<f64>>, what: &str, min: f64, max: f64) -> R<Option<f64>> {
        s.as_ref()
            .map(|s| self.in_range(s, what, min, max))
            .transpose()
    }

    fn nonneg(&self, s: &S<f64>, what: &str) -> R<f64> {
        self.in_range(s, what, 0.0, f64::INFINITY)
    }

    /// Converts the whole file, topic by topic in the order the first error is looked for.
    fn convert(&self, raw: RawScenario) -> R<Scenario> {
        let header = self.header(&raw)?;
        let Cast {
            actors,
            ids,
            patrons,
        } = self.cast(&raw, &header)?;
        let record = (header.steps + 1) * actors.len() * patrons.len() * 8;
        if record > MAX_RUN_RECORD_BYTES {
            return Err(self.err(
                raw.scenario.get_ref().end.span(),
                format!(
                    "one run would record {} MiB ({} dates × {} actors × {} patrons), more than the limit of {} MiB",
                    record >> 20,
                    header.steps + 1,
                    actors.len(),
                    patrons.len(),
                    MAX_RUN_RECORD_BYTES >> 20
                ),
                "shorten the scenario, use a longer `period`, or model fewer actors",
            ));
        }
        let ctx = Ids {
            ids: &ids,
            actors: &actors,
        };
        let (leading, balancers) = self.powers(&raw, &ctx, &patrons)?;
        let (mut w, from_scores) = self.initial_world(&raw, &ctx, patrons.len())?;
        self.ties(&raw, &ctx, &mut w)?;
        let relations = self.relations(&raw, &ctx, &mut w)?;
        let mut assets = self.assets(&raw, &ctx, &patrons, header.start, &mut w)?;

        // Params (before events, which take defaults from them).
        let params = self.params(&raw)?;

        // Events: first the loans that offers create, so any event may name them.
        self.offered_loans(&raw, &ctx, &mut assets, &mut w)?;
        let credit_lines = self.credit_lines(&raw, &ctx, &mut assets, &mut w)?;
        let events = self.events(&raw, &header, &ctx, &assets)?;

        let outcomes = self.outcomes(
            &raw,
            &ctx,
            &assets.base_ids,
            &assets.deal_ids,
            &assets.loan_ids,
            header.end,
        )?;

        let mut actors = actors;
        for (p, lines) in credit_lines {
            if let Some(st) = &mut actors[p].strategy {
                st.credit_line = lines;
            }
        }

        let mut hasher = Sha256::new();
        hasher.update(self.src.as_bytes());
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();

        let mut sc = Scenario {
            name: header.name,
            description: header.description,
            start: header.start,
            end: header.end,
            period: header.period,
            seed: header.seed,
            lens: header.lens,
            leading,
            balancers,
            actors,
            patrons,
            relations,
            bases: assets.bases,
            loans: assets.loans,
            deals: assets.deals,
            events,
            params,
            initial: w,
            score_start: Vec::new(),
            start_lenses: Vec::new(),
            outcomes,
            checks: Vec::new(),
            sweep: None,
            sha256,
            path: self.path.display().to_string(),
        };
        // States given no alignment start where their own scores point: the engine computes
        // that at the start of each run, under the parameters and lens in force.
        sc.score_start = from_scores;
        sc.checks = self.checks(&raw, &sc)?;
        if let Some(sweep) = &raw.sweep {
            sc.sweep = Some(self.sweep(sweep, &sc)?);
        }
        sc.make_text_printable();
        Ok(sc)
    }

    /// The `[params.SECTION]` tables over the defaults.
    fn params(&self, raw: &RawScenario) -> R<Params> {
        let mut params = Params::default();
        if let Some(sections) = &raw.params {
            for (section, table) in sections.get_ref() {
                for (name, value) in table.get_ref() {
                    let key = format!("{section}.{name}");
                    let Some(spec) = Params::specs().iter().find(|s| s.key == key) else {
                        let known = Params::specs().iter().map(|s| s.key);
                        let section_known = Params::specs()
                            .iter()
                            .any(|s| s.key.split('.').next() == Some(section.as_str()));
                        let what = if section_known {
                            format!("unknown parameter `{key}`")
                        } else {
                            format!("unknown parameter `{key}`: there is no `[params.{section}]`")
                        };
                        return Err(self.err(
                            value.span(),
                            what,
                            format!(
                                "{}run `simulate explain params` to list every parameter and its key path",
                                crate::error::did_you_mean(&key, known)
                            ),
                        ));
                    };
                    let x = self.in_range(value, &key, spec.min, spec.max)?;
                    if let Some(slot) = params.get_mut(&key) {
                        *slot = x;
                    }
                }
            }
        }
        Ok(params)
    }

    fn lens(&self, s: &S<String>) -> R<Lens> {
        Lens::parse(s.get_ref()).ok_or_else(|| {
            self.err(
                s.span(),
                format!("unknown lens `{}`", s.get_ref()),
                format!("use one of: {}", Lens::names().join(", ")),
            )
        })
    }

    fn unique(
        &self,
        ids: &mut BTreeMap<String, usize>,
        id: &S<String>,
        index: usize,
        what: &str,
    ) -> R<()> {
        self.id_text(id, what)?;
        if ids.insert(id.get_ref().clone(), index).is_some() {
            return Err(self.err(
                id.span(),
                format!("duplicate {what} id `{}`", id.get_ref()),
                format!("each {what} needs its own id; rename or remove one of the two"),
            ));
        }
        Ok(())
    }

    /// An id's text: 1 to [`MAX_ID_CHARS`] characters, each an [`id_char`].
    fn id_text(&self, id: &S<String>, what: &str) -> R<()> {
        let text = id.get_ref();
        if text.is_empty() {
            return Err(self.err(
                id.span(),
                format!("empty {what} id"),
                format!("give the {what} a short id"),
            ));
        }
        if let Some(bad) = text.chars().find(|&c| !id_char(c)) {
            return Err(self.err(
                id.span(),
                format!(
                    "{what} id `{}` contains {}",
                    text.escape_debug(),
                    if bad.is_ascii_graphic() || bad == ' ' {
                        format!("`{bad}`")
                    } else {
                        format!("the character U+{:04X}", u32::from(bad))
                    }
                ),
                format!(
                    "ids use ASCII letters, digits, `_` and `-` only (they name files and CSV cells), e.g. \"KGZ\" or \"manas_2009\"; see {FORMAT_DOC}"
                ),
            ));
        }
        let n = text.chars().count();
        if n > MAX_ID_CHARS {
            return Err(self.err(
                id.span(),
                format!("{what} id is {n} characters long, more than the limit of {MAX_ID_CHARS}"),
                "use a short id; a longer description goes in `name`",
            ));
        }
        Ok(())
    }

    /// Actor `a`, named at `at`, added to the list `seen` unless it is already there: a list
    /// of actors (participants, transit states, neighbours) names each once.
    fn once(&self, seen: &mut Vec<usize>, a: usize, at: &S<String>, help: &str) -> R<()> {
        if seen.contains(&a) {
            return Err(self.err(
                at.span(),
                format!("`{}` is listed twice", at.get_ref()),
                help,
            ));
        }
        seen.push(a);
        Ok(())
    }

    fn distinct(&self, a: usize, b: usize, at: &S<String>) -> R<()> {
        if a == b {
            return Err(self.err(
                at.span(),
                "the two parties are the same actor",
                "name two different actors",
            ));
        }
        Ok(())
    }

    fn actor(&self, ctx: &Ids, s: &S<String>) -> R<usize> {
        ctx.ids.get(s.get_ref()).copied().ok_or_else(|| {
            self.err(
                s.span(),
                format!("unknown actor `{}`", s.get_ref()),
                format!("use an id from [[actors]]: {}", ctx.list(|_| true)),
            )
        })
    }

    /// An actor that must be a patron; returns its slot.
    fn patron(&self, ctx: &Ids, s: &S<String>) -> R<usize> {
        let i = self.actor(ctx, s)?;
        ctx.actors[i].slot.ok_or_else(|| {
            self.err(
                s.span(),
                format!("`{}` is not a patron", s.get_ref()),
                format!(
                    "name a patron here: {}",
                    ctx.list(|a| a.role == Role::Patron)
                ),
            )
        })
    }

    /// An actor that must be a state (not a patron).
    fn state(&self, ctx: &Ids, s: &S<String>) -> R<usize> {
        let i = self.actor(ctx, s)?;
        if ctx.actors[i].role != Role::State {
            return Err(self.err(
                s.span(),
                format!("`{}` is a patron, expected a state", s.get_ref()),
                format!("name a state here: {}", ctx.list(|a| a.role == Role::State)),
            ));
        }
        Ok(i)
    }

    fn by_patron(&self, ctx: &Ids, table: &ById, what: &str, min: f64, max: f64) -> R<Vec<f64>> {
        let np = ctx.actors.iter().filter(|a| a.role == Role::Patron).count();
        let mut out = vec![0.0; np];
        for (id, value) in table.get_ref() {
            let slot = ctx
                .ids
                .get(id)
                .and_then(|&i| ctx.actors[i].slot)
                .ok_or_else(|| {
                    self.err(
                        table.span(),
                        format!("`{id}` in this table is not a patron"),
                        format!(
                            "key the table by patron ids: {}",
                            ctx.list(|a| a.role == Role::Patron)
                        ),
                    )
                })?;
            out[slot] = self.in_range(value, &format!("{what} toward {id}"), min, max)?;
        }
        Ok(out)
    }
}

struct Ids<'a> {
    ids: &'a BTreeMap<String, usize>,
    actors: &'a [ActorInfo],
}

impl Ids<'_> {
    fn list(&self, keep: impl Fn(&ActorInfo) -> bool) -> String {
        let v: Vec<&str> = self
            .actors
            .iter()
            .filter(|a| keep(a))
            .map(|a| a.id.as_str())
            .collect();
        v.join(", ")
    }

    fn patron_actor(&self, slot: usize) -> usize {
        self.actors
            .iter()
            .position(|a| a.slot == Some(slot))
            .unwrap_or(0)
    }
}
