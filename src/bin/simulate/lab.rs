//! `simulate lab [SCENARIO]`: the lab, a page on http://127.0.0.1:PORT/ where sliders, switches
//! and a lens choice re-run an ensemble and redraw its charts. The server answers only on
//! loopback and loads nothing from anywhere: the page is compiled in (`soft_balancing::lab::page`)
//! and so are the shipped scenarios. A setting runs through the same code as `simulate FILE`
//! (`Common::apply`, `ensemble::run_many`, `Summary::new`), so the page's numbers are the CLI's.
//!
//! Routes: `/` (the page), `/lab.js`, `/lab.css`; `/api/scenarios`; `/api/meta?scenario=NAME`;
//! `/api/run?QUERY` (the results as JSON); `/download/FILE?QUERY` (`trajectories.csv`,
//! `indices.csv`, `events.csv`, `partnership.csv`, `summary.json`, `report.html` of the setting,
//! the same bytes `simulate FILE` writes but for the command line recorded).

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Args;
use soft_balancing::engine::record::RunRecord;
use soft_balancing::lab::Meta;
use soft_balancing::lab::page;
use soft_balancing::lab::results::Results;
use soft_balancing::lab::setting::Setting;
use soft_balancing::output::csv;
use soft_balancing::output::summary::Summary;
use soft_balancing::output::text::truncate;
use soft_balancing::plot::{self, PlotOptions};
use soft_balancing::report;
use soft_balancing::runs::digest::check_finite;
use soft_balancing::runs::ensemble;
use soft_balancing::scenario::Scenario;
use soft_balancing::scenario::shipped::SHIPPED;
use tiny_http::{Header, Request, Response, Server};

use crate::Failure;
use crate::common::{Common, load, relative_to, whole};

/// The port tried first when none is given; the next twenty are tried if it is taken.
const DEFAULT_PORT: u16 = 8017;
/// Settings whose runs are kept, so that going back to A or B redraws at once.
const CACHE: usize = 8;

/// Arguments of `simulate lab`.
#[derive(Args)]
pub struct LabArgs {
    /// Scenario to open: a shipped one by name (`simulate scenarios` lists them, e.g.
    /// sco2001) or a scenario file [default: ufa2015].
    pub scenario: Option<String>,
    /// Port on 127.0.0.1 (0: any free port) [default: 8017, or the next free one].
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<u16>(0, 65_535))]
    pub port: Option<u16>,
    /// Threads for the runs, at most 256 (0: all cores) [default: all cores]. Results do not depend on it.
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<usize>(0, 256))]
    pub jobs: Option<usize>,
}

/// A scenario the lab offers: its validated form and the file `simulate` would be given.
struct Source {
    name: String,
    file: String,
    scenario: Scenario,
    meta: String,
}

/// One setting's runs and what was computed from them.
struct Computed {
    sc: Scenario,
    records: Vec<RunRecord>,
    summary: Summary,
    json: String,
}

struct Lab {
    sources: Vec<Source>,
    first: String,
    jobs: usize,
    /// The settings run last, the most recent last (shared by the threads that answer).
    cache: Mutex<Vec<(String, Arc<Computed>)>>,
}

/// Threads answering requests: a long download or ensemble on one leaves the others free to
/// serve the page, its files and the next setting.
const ANSWERING_THREADS: usize = 4;

/// Runs `simulate lab`.
pub fn lab(args: LabArgs) -> Result<(), Failure> {
    let mut sources = Vec::new();
    let mut first = "ufa2015".to_string();
    let mut own: Option<Source> = None;
    if let Some(s) = &args.scenario {
        if SHIPPED.iter().any(|x| x.name == s.as_str()) {
            first = s.clone();
        } else {
            let path = PathBuf::from(s);
            let sc = load(&path)?;
            // A link names a scenario: `?scenario=sco2001` must always mean the shipped one.
            if SHIPPED.iter().any(|x| x.name == sc.name) {
                return Err(Failure::Input(format!(
                    "{s}: its scenario is named `{}`, as a shipped scenario is: the lab's links name scenarios, and that name must keep meaning the shipped one\n  help: give it a name of its own in its [scenario] table (`name = \"my_{}\"`)",
                    sc.name, sc.name
                )));
            }
            first = sc.name.clone();
            own = Some(source(sc.name.clone(), s.clone(), sc));
        }
    }
    if let Some(o) = own {
        sources.push(o);
    }
    for s in SHIPPED {
        if sources.iter().any(|x| x.name == s.name) {
            continue;
        }
        let sc = s.load().map_err(|e| Failure::Other(e.to_string()))?;
        sources.push(source(s.name.to_string(), s.file.to_string(), sc));
    }

    let server = bind(args.port)?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or_default();
    println!("Lab: http://127.0.0.1:{port}/?scenario={first}");
    println!("Open it in a browser; Ctrl-C stops the lab.");
    let _ = std::io::stdout().flush();

    let lab = Lab {
        sources,
        first,
        jobs: args.jobs.unwrap_or(0),
        cache: Mutex::new(Vec::new()),
    };
    std::thread::scope(|scope| {
        for _ in 0..ANSWERING_THREADS {
            scope.spawn(|| {
                for request in server.incoming_requests() {
                    lab.answer(request);
                }
            });
        }
    });
    Ok(())
}

fn source(name: String, file: String, scenario: Scenario) -> Source {
    let meta = Meta::new(&scenario, &file).to_json();
    Source {
        name,
        file,
        scenario,
        meta,
    }
}

/// Listens on 127.0.0.1: the port asked for, or the default and the next twenty.
fn bind(port: Option<u16>) -> Result<Server, Failure> {
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (DEFAULT_PORT..DEFAULT_PORT + 20).collect(),
    };
    let mut last = String::new();
    for p in ports {
        match Server::http(("127.0.0.1", p)) {
            Ok(s) => return Ok(s),
            Err(e) => last = format!("127.0.0.1:{p}: {e}"),
        }
    }
    Err(Failure::Other(format!(
        "cannot listen on {last}\n  help: choose another port with --port N (0: any free port)"
    )))
}

/// A reply: status, content type, body, extra headers.
struct Reply {
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn ok(kind: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            kind,
            body: body.into(),
            headers: Vec::new(),
        }
    }
    fn error(status: u16, message: &str) -> Reply {
        // Each line cut as the command line cuts an echoed line: a message that quotes a long
        // input does not send it back whole.
        let message: Vec<String> = message
            .lines()
            .map(|l| truncate(l, MAX_ERROR_LINE))
            .collect();
        let body = serde_json::json!({ "error": message.join("\n") }).to_string();
        Reply {
            status,
            kind: "application/json",
            body: body.into_bytes(),
            headers: Vec::new(),
        }
    }
}

/// The longest address the lab reads: a setting with every parameter changed and every event
/// left out is a few kilobytes.
const MAX_URL: usize = 16 * 1024;

/// The longest line of an error message the lab sends back, in characters.
const MAX_ERROR_LINE: usize = 300;

impl Lab {
    fn answer(&self, request: Request) {
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
        let method = request.method().clone();
        let reply = match method {
            tiny_http::Method::Get | tiny_http::Method::Head if url.len() > MAX_URL => {
                Reply::error(
                    414,
                    &format!(
                        "the address is {} bytes long, more than the lab reads ({MAX_URL})",
                        url.len()
                    ),
                )
            }
            tiny_http::Method::Get | tiny_http::Method::Head => self.route(path, query),
            _ => {
                let mut r = Reply::error(405, "the lab answers GET (and HEAD) only");
                r.headers.push(("Allow", "GET, HEAD".to_string()));
                r
            }
        };
        // HEAD: tiny_http sends the headers GET would send, without the body (RFC 9110, 9.3.2).
        let mut response = Response::from_data(reply.body).with_status_code(reply.status);
        let mut headers = vec![
            ("Content-Type", reply.kind.to_string()),
            ("Cache-Control", "no-store".to_string()),
            ("X-Content-Type-Options", "nosniff".to_string()),
        ];
        headers.extend(reply.headers);
        for (k, v) in headers {
            if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                response.add_header(h);
            }
        }
        // A browser that went away is no error of the lab's.
        let _ = request.respond(response);
    }

    fn route(&self, path: &str, query: &str) -> Reply {
        if let Some((text, kind)) = page::asset(path) {
            return Reply::ok(kind, text);
        }
        match path {
            "/api/scenarios" => {
                let list: Vec<_> = self
                    .sources
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "name": s.name, "file": s.file,
                            "description": s.scenario.description,
                        })
                    })
                    .collect();
                let body = serde_json::json!({ "first": self.first, "scenarios": list });
                Reply::ok("application/json", body.to_string())
            }
            "/api/meta" => {
                let name = soft_balancing::lab::setting::pairs(query)
                    .into_iter()
                    .find(|(k, _)| k == "scenario")
                    .map(|(_, v)| v)
                    .unwrap_or_else(|| self.first.clone());
                match self.sources.iter().find(|s| s.name == name) {
                    Some(s) => Reply::ok("application/json", s.meta.clone()),
                    None => Reply::error(404, &format!("no scenario called `{name}` in this lab")),
                }
            }
            "/api/run" => {
                let start = Instant::now();
                match self.compute(query) {
                    Ok(c) => {
                        let mut r = Reply::ok("application/json", c.json.clone());
                        r.headers.push((
                            "Server-Timing",
                            format!("run;dur={}", start.elapsed().as_millis()),
                        ));
                        r
                    }
                    Err((status, msg)) => Reply::error(status, &msg),
                }
            }
            _ => match path.strip_prefix("/download/") {
                Some(file) => self.download(file, query),
                None => Reply::error(404, &format!("nothing at {path}")),
            },
        }
    }

    /// The runs of the setting in `query`, from the cache or run now.
    fn compute(&self, query: &str) -> Result<Arc<Computed>, (u16, String)> {
        let setting = Setting::from_query(query).map_err(|e| (400, e.to_string()))?;
        let key = setting.to_query();
        {
            // A thread that panicked holding the cache left it as it was: use it.
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(i) = cache.iter().position(|(k, _)| *k == key) {
                let hit = cache.remove(i);
                let c = Arc::clone(&hit.1);
                cache.push(hit);
                return Ok(c);
            }
        }
        let src = self
            .sources
            .iter()
            .find(|s| s.name == setting.scenario)
            .ok_or_else(|| {
                (
                    404,
                    format!("no scenario called `{}` in this lab", setting.scenario),
                )
            })?;
        // The command line's own path: the same flags, applied by the same code.
        let mut sc = src.scenario.clone();
        let common = Common {
            set: setting.set.clone(),
            without: setting.without.clone(),
            seed: setting.seed,
            ..Common::default()
        };
        let (seed, changes) =
            common
                .apply(&mut sc, setting.lens.as_deref())
                .map_err(|f| match f {
                    Failure::Input(m) | Failure::Other(m) => (400, m),
                })?;
        // The scenario's path as the command shown records it: relative to its default output
        // folder, `out/<scenario>`, when the file is there (docs/output-contract.md).
        let file = std::path::Path::new(&src.file);
        if file.exists() {
            sc.path = relative_to(file, &std::path::Path::new("out").join(&sc.name));
        }
        let prm = sc.params.clone();
        let records = ensemble::run_many(&sc, &prm, seed, setting.runs, self.jobs)
            .map_err(|e| (500, e.to_string()))?;
        for (r, rec) in records.iter().enumerate() {
            check_finite(&sc, r + 1, rec).map_err(|e| (400, e.to_string()))?;
        }
        let mut command = vec!["simulate".to_string()];
        command.extend(setting.args(&src.file));
        let summary = Summary::new(&sc, &prm, &records, seed, changes, command.clone());
        let shown = command
            .iter()
            .map(|a| quote(a))
            .collect::<Vec<_>>()
            .join(" ");
        let json = Results::new(&sc, &records, summary.clone(), shown).to_json();
        let c = Arc::new(Computed {
            sc,
            records,
            summary,
            json,
        });
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.push((key, Arc::clone(&c)));
        if cache.len() > CACHE {
            cache.remove(0);
        }
        Ok(c)
    }

    /// One of the files `simulate FILE` writes, for the setting in `query`.
    fn download(&self, file: &str, query: &str) -> Reply {
        let c = match self.compute(query) {
            Ok(c) => c,
            Err((status, msg)) => return Reply::error(status, &msg),
        };
        let (sc, records) = (&c.sc, &c.records[..]);
        let (kind, body) = match file {
            "trajectories.csv" => ("text/csv", csv::trajectories_csv(sc, records)),
            "indices.csv" => ("text/csv", csv::indices_csv(records)),
            "events.csv" => ("text/csv", csv::events_csv(sc, records)),
            "partnership.csv" => ("text/csv", csv::partnership_csv(sc, records)),
            "summary.json" => ("application/json", c.summary.to_json()),
            "report.html" => {
                let opts = PlotOptions::default();
                match plot::render(sc, &c.summary, records, &opts) {
                    Ok(charts) => (
                        "text/html; charset=utf-8",
                        report::run::html(sc, &c.summary, records, &charts, &opts),
                    ),
                    Err(e) => return Reply::error(500, &e.to_string()),
                }
            }
            _ => return Reply::error(404, &format!("no file called `{file}`")),
        };
        let mut r = Reply::ok(kind, body);
        r.headers.push((
            "Content-Disposition",
            format!("attachment; filename=\"{}_{file}\"", sc.name),
        ));
        r
    }
}

/// `arg` quoted for a POSIX shell when it needs it.
fn quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.=/:,+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}
