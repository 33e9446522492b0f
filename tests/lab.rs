//! `simulate lab`: the server through plain HTTP on loopback (its numbers are the command line's,
//! byte for byte), then the page in a real browser, headless Chromium driven through WebDriver
//! (Debian's `chromium-driver`): move a slider, untick an event, switch on A vs B, and check that
//! the charts and numbers change and equal the CLI's for the same setting; and that nothing
//! overlaps or overflows at 1280 px and at a phone's 390 px.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{manifest_dir, read, run_in, tempdir};
use serde_json::{Value, json};

/// A running `simulate lab`, stopped when dropped.
struct Lab {
    child: Child,
    addr: String,
    /// Kept open: a lab whose stdout closed would die of SIGPIPE at its next line.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Lab {
    fn start(scenario: &str) -> Lab {
        let mut child = Command::new(env!("CARGO_BIN_EXE_simulate"))
            .args(["lab", scenario, "--port", "0", "--jobs", "2"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start simulate lab");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout
            .read_line(&mut line)
            .expect("the lab prints its address");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "loopback only: {addr}");
        Lab {
            child,
            addr,
            _stdout: stdout,
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = http(&self.addr, "GET", path, None);
        (status, body)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a new connection; returns status and body (read by its
/// Content-Length, or in chunks, or to the end).
fn http(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut status_line = String::new();
    r.read_line(&mut status_line).unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("{method} {path}: no HTTP reply ({status_line:?})"));
    let (mut length, mut chunked) = (None, false);
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':').unwrap_or((line, ""));
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        if k == "content-length" {
            length = v.parse::<usize>().ok();
        } else if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
    }
    let mut raw = Vec::new();
    if let Some(n) = length {
        raw.resize(n, 0);
        r.read_exact(&mut raw).unwrap();
    } else if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&chunk[..n]);
        }
    } else {
        r.read_to_end(&mut raw).unwrap();
    }
    (status, String::from_utf8_lossy(&raw).into_owned())
}

/// `summary.json` less the command line (the lab records the equivalent `simulate ...`).
fn without_command(text: &str) -> Value {
    let mut v: Value = serde_json::from_str(text).expect("summary.json");
    v["provenance"]["command"] = Value::Null;
    v
}

/// Runs the CLI on `scenarios/ufa2015.toml` with `args` as the lab's page shows the command:
/// typed in a project folder (a fresh one under `dir`, holding a copy of the scenario, as the lab
/// runs in the crate's root), into the default output folder; returns that folder.
fn cli(dir: &Path, args: &[&str]) -> PathBuf {
    let project = dir.join(format!("cli-{}", args.join("_").replace(['/', '='], "-")));
    std::fs::create_dir_all(project.join("scenarios")).unwrap();
    std::fs::copy(
        manifest_dir().join("scenarios/ufa2015.toml"),
        project.join("scenarios/ufa2015.toml"),
    )
    .unwrap();
    let mut all: Vec<String> = vec!["scenarios/ufa2015.toml".to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    all.extend(["--plot", "none", "--quiet"].map(String::from));
    run_in(&project, &all).expect_code(0);
    project.join("out").join("ufa2015")
}

#[test]
fn the_labs_files_are_the_command_lines_for_the_same_setting() {
    let lab = Lab::start("ufa2015");
    let tmp = tempdir();
    let query = "scenario=ufa2015&runs=40&seed=7&lens=hedging&set=decision.money_weight%3D20&without=peace_mission_2016";
    let out = cli(
        tmp.path(),
        &[
            "--format",
            "csv",
            "--runs",
            "40",
            "--seed",
            "7",
            "--lens",
            "hedging",
            "--set",
            "decision.money_weight=20",
            "--without",
            "peace_mission_2016",
        ],
    );
    for file in [
        "trajectories.csv",
        "indices.csv",
        "events.csv",
        "partnership.csv",
    ] {
        let (status, body) = lab.get(&format!("/download/{file}?{query}"));
        assert_eq!(status, 200, "{file}: {body}");
        assert!(
            body == read(&out.join(file)),
            "{file} differs from the CLI's"
        );
    }
    let (status, body) = lab.get(&format!("/download/summary.json?{query}"));
    assert_eq!(status, 200);
    assert_eq!(
        without_command(&body),
        without_command(&read(&out.join("summary.json")))
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["provenance"]["command"],
        json!([
            "simulate",
            "scenarios/ufa2015.toml",
            "--runs",
            "40",
            "--seed",
            "7",
            "--lens",
            "hedging",
            "--set",
            "decision.money_weight=20",
            "--without",
            "peace_mission_2016"
        ])
    );

    // The page's JSON carries the same summary, and the command line to type.
    let (status, body) = lab.get(&format!("/api/run?{query}"));
    assert_eq!(status, 200);
    let run: Value = serde_json::from_str(&body).unwrap();
    let mut summary = run["summary"].clone();
    summary["provenance"]["command"] = Value::Null;
    assert_eq!(summary, without_command(&read(&out.join("summary.json"))));
    assert_eq!(
        run["command"],
        "simulate scenarios/ufa2015.toml --runs 40 --seed 7 --lens hedging --set decision.money_weight=20 --without peace_mission_2016"
    );
    let states = run["states"].as_array().unwrap();
    assert_eq!(states[0]["id"], "KAZ");
    let patrons: Vec<&str> = run["patrons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        patrons,
        ["USA", "RUS", "CHN"],
        "the scenario's patron order"
    );
    let t = run["dates"].as_array().unwrap().len();
    assert_eq!(states[0]["shares"][0]["p50"].as_array().unwrap().len(), t);

    // The report of the setting is a whole page.
    let (status, body) = lab.get(&format!("/download/report.html?{query}"));
    assert_eq!(status, 200);
    assert!(body.starts_with("<!DOCTYPE html>") || body.starts_with("<!doctype html>"));
}

#[test]
fn the_lab_says_what_is_wrong_and_serves_only_its_own_files() {
    let lab = Lab::start("ufa2015");
    let (status, body) = lab.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("<script src=\"/lab.js\"></script>"));
    assert_eq!(lab.get("/lab.js").0, 200);
    assert_eq!(lab.get("/lab.css").0, 200);
    let (status, body) = lab.get("/api/scenarios");
    assert_eq!(status, 200);
    for name in ["ufa2015", "samarkand2022", "sco2001", "sco2001_strategic"] {
        assert!(
            body.contains(&format!("\"name\":\"{name}\"")),
            "{name} offered"
        );
    }
    let (status, body) = lab.get("/api/meta?scenario=ufa2015");
    assert_eq!(status, 200);
    let meta: Value = serde_json::from_str(&body).unwrap();
    let first = &meta["params"][0];
    assert_eq!(first["key"], "decision.money_weight");
    assert_eq!(first["unit"], "score per (share of GDP per year)");
    assert!(
        first["meaning"]
            .as_str()
            .unwrap()
            .starts_with("Weight of money")
    );

    // A request the lab refuses with 400 and a body that says why.
    let refused = |path: &str, says: &str| {
        let (status, body) = lab.get(path);
        assert_eq!(status, 400, "{path}");
        assert!(body.contains(says), "{path}: {body}");
    };
    refused(
        "/api/run?scenario=ufa2015&set=decision.nonsense%3D1",
        "unknown key",
    );
    // Lists the ids.
    refused(
        "/api/run?scenario=ufa2015&without=nothing",
        "peace_mission_2016",
    );
    assert_eq!(lab.get("/api/run?scenario=nowhere").0, 404);
    assert_eq!(lab.get("/api/run?scenario=ufa2015&runs=0").0, 400);
    assert_eq!(lab.get("/../Cargo.toml").0, 404);
    assert_eq!(lab.get("/download/secret.txt?scenario=ufa2015").0, 404);
    let (status, _) = http(&lab.addr, "POST", "/api/run?scenario=ufa2015", None);
    assert_eq!(status, 405);
    // A typo in a hand-edited link, a value given twice, an address past the limit: each
    // refused with the reason, none answered with another setting.
    refused(
        "/api/run?scenario=ufa2015&withou=peace_mission_2016",
        "unknown parameter `withou`",
    );
    refused(
        "/api/run?scenario=ufa2015&runs=5&runs=6",
        "runs is given twice",
    );
    let long = format!("/api/run?scenario=ufa2015&z={}", "x".repeat(20_000));
    assert_eq!(lab.get(&long).0, 414);
    // The error quoting a long id is cut, not sent back whole.
    let (status, body) = lab.get(&format!(
        "/api/run?scenario=ufa2015&without={}",
        "a".repeat(5000)
    ));
    assert_eq!(status, 400);
    assert!(body.len() < 1000, "{} bytes", body.len());
}

// ---- the browser ------------------------------------------------------------------------------

/// A program on the PATH, or `$VAR`.
fn find(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// A free port on loopback (taken from the system, then let go).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A WebDriver session in headless Chromium, ended (and its driver stopped) when dropped.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let addr = format!("127.0.0.1:{port}");
        let start = Instant::now();
        while TcpStream::connect(&addr).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,900",
                ]
            }
        }}});
        let mut b = Browser {
            driver,
            addr,
            session: String::new(),
        };
        let v = b.call("POST", "/session", Some(&caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        b
    }

    /// A WebDriver command; returns its `value`, panics on an error.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, text) = http(&self.addr, method, path, body);
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("WebDriver {path}: {status} {text}"));
        assert_eq!(status, 200, "WebDriver {method} {path}: {v}");
        v["value"].clone()
    }

    fn cmd(&self, method: &str, what: &str, body: Value) -> Value {
        let path = format!("/session/{}/{what}", self.session);
        self.call(method, &path, Some(&body))
    }

    /// Runs `script` (a function body; `arguments` as given) in the page.
    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "execute/sync",
            json!({ "script": script, "args": [] }),
        )
    }

    fn element(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "element",
            json!({ "using": "css selector", "value": css }),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.cmd("POST", &format!("element/{id}/click"), json!({}));
    }

    fn keys(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.cmd(
            "POST",
            &format!("element/{id}/value"),
            json!({ "text": text }),
        );
    }

    /// Waits until the page has drawn more than `n` times and is idle; returns the count.
    fn drawn_after(&self, n: u64) -> u64 {
        let start = Instant::now();
        loop {
            let v = self.js(
                "return [Number(document.body.dataset.rendered || 0), \
                 document.getElementById('status').dataset.state, \
                 document.getElementById('error').hidden ? '' : document.getElementById('error').textContent];",
            );
            let count = v[0].as_u64().unwrap_or(0);
            assert_eq!(v[2], "", "the page shows an error");
            if count > n && v[1] == "ready" {
                return count;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the page did not redraw: {v}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn resize(&self, w: u32, h: u32) {
        self.cmd("POST", "window/rect", json!({ "width": w, "height": h }));
    }

    fn screenshot(&self) -> Vec<u8> {
        let v = self.call(
            "GET",
            &format!("/session/{}/screenshot", self.session),
            None,
        );
        base64(v.as_str().expect("base64 PNG"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                &self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=' && c != b'\n').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (val(c) as u32) << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// Width, height and the share of pixels that are not near-white, of a PNG.
fn png_ink(bytes: &[u8]) -> (u32, u32, f64) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    buf.truncate(info.buffer_size());
    let ch = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let inked = buf
        .chunks(ch)
        .filter(|p| p[..3].iter().any(|&v| v < 200))
        .count();
    (
        info.width,
        info.height,
        inked as f64 / (buf.len() / ch) as f64,
    )
}

/// The page's final mean share of `state` toward `patron` (A's column), as drawn in the table.
fn table_mean(b: &Browser, state: &str, patron: &str) -> f64 {
    let v = b.js(&format!(
        "return document.querySelector('#finals tr[data-state={state}] td[data-patron={patron}]').dataset.mean;"
    ));
    v.as_str().unwrap().parse().unwrap()
}

/// What a CLI run with the page's URL's setting gives for `state`'s final mean toward `patron`.
fn cli_mean(dir: &Path, url: &str, state: &str, patron: &str) -> f64 {
    let query = url.split_once('?').map(|x| x.1).unwrap_or("");
    let mut args: Vec<String> = Vec::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = v.replace("%3D", "=").replace("%2C", ",");
        match k {
            "runs" | "seed" | "lens" | "set" | "without" => {
                args.push(format!("--{k}"));
                args.push(v);
            }
            _ => {}
        }
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cli(dir, &refs);
    let s: Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let row = s["final_alignment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["actor"] == state)
        .unwrap()
        .clone();
    row["shares"][patron]["mean"].as_f64().unwrap()
}

/// Boxes that overlap among the page's blocks (siblings in each group), and whether the page is
/// wider than the window.
const LAYOUT_CHECK: &str = r#"
const groups = ['#top .bar > *', '#controls > *', '#results > section', '#states > .chart',
  '.pair > div', '.param .head > *', '#tabs > *', '#downloads a'];
const bad = [];
for (const sel of groups) {
  const els = [...document.querySelectorAll(sel)].filter((e) => e.offsetParent !== null);
  for (let i = 0; i < els.length; i++) {
    for (let j = i + 1; j < els.length; j++) {
      if (els[i].parentElement !== els[j].parentElement) continue;
      const a = els[i].getBoundingClientRect();
      const b = els[j].getBoundingClientRect();
      const ox = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (ox > 1 && oy > 1) bad.push(sel + ' #' + i + ' overlaps #' + j);
    }
  }
}
// Nothing sticks out of the window on the right.
for (const e of document.querySelectorAll('#results section, #controls section, svg, table, pre')) {
  const r = e.getBoundingClientRect();
  if (e.offsetParent !== null && r.right > window.innerWidth + 1 && !e.closest('.scroll')) bad.push('wider than the window: ' + (e.id || e.tagName));
}
return { bad, scroll: document.documentElement.scrollWidth, width: window.innerWidth };
"#;

#[test]
fn a_lecturer_moves_a_slider_unticks_an_event_and_compares_in_a_real_browser() {
    let (Some(chromium), Some(driver)) = (
        find(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ),
        find("CHROMEDRIVER", &["chromedriver"]),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium and chromedriver (.ci/run installs chromium and chromium-driver)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED a_lecturer_moves_a_slider...: no chromium or chromedriver (install the Debian \
             packages `chromium` and `chromium-driver`, or set CHROMIUM and CHROMEDRIVER)"
        );
        return;
    };
    let tmp = tempdir();
    let lab = Lab::start("ufa2015");
    let profile = tmp.path().join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let b = Browser::start(&chromium, &driver, &profile);
    b.cmd(
        "POST",
        "url",
        json!({ "url": format!("http://{}/?scenario=ufa2015&runs=60", lab.addr) }),
    );
    let mut drawn = b.drawn_after(0);
    let chart = "return document.querySelector('.chart[data-state=KGZ] path.median[data-patron=CHN]').getAttribute('d');";
    let path0 = b.js(chart);
    let kgz0 = table_mean(&b, "KGZ", "CHN");
    let url: String = b.js("return location.href;").as_str().unwrap().into();
    assert_eq!(kgz0, cli_mean(tmp.path(), &url, "KGZ", "CHN"), "{url}");

    // Move the money slider (the first) up with the keyboard, as a person would.
    b.keys("#range-0", &"\u{E014}".repeat(8));
    drawn = b.drawn_after(drawn);
    let url: String = b.js("return location.href;").as_str().unwrap().into();
    assert!(url.contains("set=decision.money_weight%3D"), "{url}");
    let kgz1 = table_mean(&b, "KGZ", "CHN");
    assert_ne!(kgz1, kgz0, "the number moved");
    assert_ne!(b.js(chart), path0, "the chart moved");
    assert_eq!(kgz1, cli_mean(tmp.path(), &url, "KGZ", "CHN"), "{url}");

    // Untick the 2016 exercise: the counterfactual, as `--without` runs it.
    b.click("label.event[data-id=peace_mission_2016] input");
    drawn = b.drawn_after(drawn);
    let url: String = b.js("return location.href;").as_str().unwrap().into();
    assert!(url.contains("without=peace_mission_2016"), "{url}");
    let tjk = table_mean(&b, "TJK", "RUS");
    assert_eq!(tjk, cli_mean(tmp.path(), &url, "TJK", "RUS"), "{url}");

    // A vs B: B starts as A; a lens for B; the table grows B and B - A columns.
    b.click("#compare");
    drawn = b.drawn_after(drawn);
    let lens = b.element("#lens");
    b.cmd(
        "POST",
        &format!("element/{lens}/value"),
        json!({ "text": "bandwagoning" }),
    );
    b.js("document.getElementById('lens').dispatchEvent(new Event('change')); return 0;");
    b.drawn_after(drawn);
    let url: String = b.js("return location.href;").as_str().unwrap().into();
    assert!(
        url.contains("vs=1") && url.contains("b.lens=bandwagoning"),
        "{url}"
    );
    let diffs = b.js("return document.querySelectorAll('#finals td.diff').length;");
    assert!(diffs.as_u64().unwrap() > 10, "B - A cells: {diffs}");
    let dashed = b.js("return document.querySelectorAll('path.median-b').length;");
    assert!(dashed.as_u64().unwrap() >= 3, "B drawn dashed: {dashed}");

    // The shared link reproduces the page: open it afresh, same numbers.
    let before = b.js("return document.getElementById('finals').textContent;");
    b.cmd("POST", "url", json!({ "url": url }));
    b.drawn_after(0);
    assert_eq!(
        b.js("return document.getElementById('finals').textContent;"),
        before
    );

    // Nothing overlaps, nothing is wider than the window, at 1280 px and on a phone.
    for (w, h) in [(1280, 900), (390, 844)] {
        b.resize(w, h);
        std::thread::sleep(Duration::from_millis(300));
        let v = b.js(LAYOUT_CHECK);
        assert_eq!(v["bad"], json!([]), "at {w} px: {v}");
        assert!(
            v["scroll"].as_u64().unwrap() <= v["width"].as_u64().unwrap() + 1,
            "the page scrolls sideways at {w} px: {v}"
        );
        let shot = b.screenshot();
        let (sw, _, ink) = png_ink(&shot);
        assert!(sw >= w.min(400) - 20, "screenshot {sw} px wide at {w}");
        assert!(ink > 0.03, "the page is drawn at {w} px ({ink:.3} inked)");
        let keep = std::env::var_os("LAB_SCREENSHOTS").map(PathBuf::from);
        if let Some(dir) = keep {
            std::fs::write(dir.join(format!("lab-{w}.png")), &shot).unwrap();
        }
    }
}
