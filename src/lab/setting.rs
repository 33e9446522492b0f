//! One setting of the lab: a scenario, its runs and seed, a lens, parameter changes and the
//! scripted events left out; read from and written to a URL's query string, and told as the
//! `simulate` command line that gives the same numbers.

use std::fmt::Write as _;

use crate::error::did_you_mean;
use crate::output::text::truncate;
use crate::scenario::validate::MAX_SEED;

/// The largest ensemble the lab runs for one setting (the page stays responsive).
pub const MAX_RUNS: usize = 2000;

/// What the lab runs: the page's controls, or a URL's query string.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Setting {
    /// Scenario name (a shipped scenario, or the one the lab was started with).
    pub scenario: String,
    /// Monte Carlo runs.
    pub runs: usize,
    /// Seed (`None`: the scenario's).
    pub seed: Option<u64>,
    /// Lens (`None`: the scenario's).
    pub lens: Option<String>,
    /// `KEY=VALUE` changes, in the order given (as `--set` takes them).
    pub set: Vec<String>,
    /// Ids of scripted events left out (as `--without` takes them).
    pub without: Vec<String>,
}

/// A query string the lab cannot read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

impl Setting {
    /// Reads `scenario=ufa2015&runs=200&seed=7&lens=hedging&set=decision.money_weight=12&without=ID`
    /// (every key optional but `scenario`; `set` and `without` may repeat, the others may not;
    /// no value may be empty). An unknown key is refused, so that a link with a typo (`withou=`)
    /// says so instead of showing another setting. (The page keeps its own state, the second
    /// setting of "A vs B", in its own URL, which it reads itself.)
    pub fn from_query(query: &str) -> Result<Setting, QueryError> {
        const KEYS: [&str; 6] = ["scenario", "runs", "seed", "lens", "set", "without"];
        let mut s = Setting {
            runs: 200,
            ..Setting::default()
        };
        let pairs = pairs(query);
        for (i, (k, v)) in pairs.iter().enumerate() {
            if !KEYS.contains(&k.as_str()) {
                return Err(QueryError(format!(
                    "unknown parameter `{}`; {}the lab reads {}",
                    truncate(k, 60),
                    did_you_mean(k, KEYS),
                    KEYS.join(", ")
                )));
            }
            if v.is_empty() {
                return Err(QueryError(format!("{k}= has no value")));
            }
            let repeatable = k == "set" || k == "without";
            if !repeatable && pairs[..i].iter().any(|(first, _)| first == k) {
                return Err(QueryError(format!("{k} is given twice")));
            }
            let v = v.clone();
            match k.as_str() {
                "scenario" => s.scenario = v,
                "runs" => {
                    s.runs = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_RUNS).contains(n))
                        .ok_or_else(|| {
                            QueryError(format!(
                                "runs={v}: expected a whole number from 1 to {MAX_RUNS}"
                            ))
                        })?
                }
                "seed" => {
                    // The command line's limit: the command the page shows must run.
                    let seed = v.parse::<u64>().ok().filter(|&x| x <= MAX_SEED);
                    s.seed = Some(seed.ok_or_else(|| {
                        QueryError(format!(
                            "seed={v}: expected a whole number from 0 to {MAX_SEED} (2^53 - 1)"
                        ))
                    })?)
                }
                "lens" => s.lens = Some(v),
                "set" => s.set.push(v),
                _ => s.without.push(v),
            }
        }
        if s.scenario.is_empty() {
            return Err(QueryError("no scenario given (scenario=NAME)".to_string()));
        }
        Ok(s)
    }

    /// The query string [`Setting::from_query`] reads back to the same setting.
    pub fn to_query(&self) -> String {
        let mut q = format!("scenario={}&runs={}", encode(&self.scenario), self.runs);
        if let Some(seed) = self.seed {
            let _ = write!(q, "&seed={seed}");
        }
        if let Some(lens) = &self.lens {
            let _ = write!(q, "&lens={}", encode(lens));
        }
        for s in &self.set {
            let _ = write!(q, "&set={}", encode(s));
        }
        for w in &self.without {
            let _ = write!(q, "&without={}", encode(w));
        }
        q
    }

    /// The arguments after `simulate` that give the same numbers on the command line, with the
    /// scenario given as `file`.
    pub fn args(&self, file: &str) -> Vec<String> {
        let mut a = vec![file.to_string()];
        if self.runs != 1 {
            a.extend(["--runs".to_string(), self.runs.to_string()]);
        }
        if let Some(seed) = self.seed {
            a.extend(["--seed".to_string(), seed.to_string()]);
        }
        if let Some(lens) = &self.lens {
            a.extend(["--lens".to_string(), lens.clone()]);
        }
        for s in &self.set {
            a.extend(["--set".to_string(), s.clone()]);
        }
        for w in &self.without {
            a.extend(["--without".to_string(), w.clone()]);
        }
        a
    }
}

/// The `key=value` pairs of a query string, decoded (`+` is a space, `%XX` a byte).
pub fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// Decodes one query component; a malformed escape is kept as written.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes one query component: letters, digits and `-._~` as they are, the rest `%XX`
/// (`=` too, so that `set=KEY%3DVALUE` reads back as one pair).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~".contains(&c) {
            out.push(c as char);
        } else {
            let _ = write!(out, "%{c:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_reads_back_to_the_same_setting() {
        let s = Setting {
            scenario: "ufa2015".into(),
            runs: 50,
            seed: Some(7),
            lens: Some("hedging".into()),
            set: vec!["decision.money_weight=12.5".into()],
            without: vec!["peace_mission_2016".into()],
        };
        let q = s.to_query();
        assert_eq!(
            q,
            "scenario=ufa2015&runs=50&seed=7&lens=hedging&set=decision.money_weight%3D12.5&without=peace_mission_2016"
        );
        assert_eq!(Setting::from_query(&q).unwrap(), s);
        // A browser may leave `=` unescaped inside a value: the first `=` splits.
        let loose = Setting::from_query("scenario=ufa2015&set=decision.money_weight=12.5").unwrap();
        assert_eq!(loose.set, vec!["decision.money_weight=12.5"]);
        assert_eq!(loose.runs, 200);
    }

    #[test]
    fn bad_queries_say_what_is_wrong() {
        assert!(Setting::from_query("runs=5").is_err());
        let e = Setting::from_query("scenario=x&runs=0").unwrap_err();
        assert!(e.0.contains("runs=0"), "{e}");
        assert!(Setting::from_query("scenario=x&seed=-1").is_err());
        assert!(Setting::from_query("scenario=x&seed=9007199254740991").is_ok());
        assert!(Setting::from_query("scenario=x&seed=9007199254740992").is_err());
        // A typo, a value given twice, an empty value: each named, none ignored.
        let e = Setting::from_query("scenario=x&withou=y").unwrap_err();
        assert!(
            e.0.contains("unknown parameter `withou`; did you mean `without`?"),
            "{e}"
        );
        let e = Setting::from_query("scenario=x&runs=5&runs=6").unwrap_err();
        assert!(e.0.contains("runs is given twice"), "{e}");
        let e = Setting::from_query("scenario=x&set=").unwrap_err();
        assert!(e.0.contains("set= has no value"), "{e}");
        let long = format!("scenario=x&{}=1", "z".repeat(5000));
        let e = Setting::from_query(&long).unwrap_err();
        assert!(
            e.0.len() < 200,
            "the error repeats the whole input: {} bytes",
            e.0.len()
        );
    }

    #[test]
    fn decoding_is_forgiving() {
        assert_eq!(decode("a+b%2Cc"), "a b,c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(encode("a b=c"), "a%20b%3Dc");
    }

    #[test]
    fn the_command_line_gives_the_same_setting() {
        let s =
            Setting::from_query("scenario=ufa2015&runs=1&set=decision.money_weight=3&without=x")
                .unwrap();
        assert_eq!(
            s.args("scenarios/ufa2015.toml").join(" "),
            "scenarios/ufa2015.toml --set decision.money_weight=3 --without x"
        );
    }
}
