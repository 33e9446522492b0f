//! `simulate scenarios`: the scenarios compiled into the binary, which every command finds by
//! name (`simulate sco2001`, `simulate validate`) from any folder.

use soft_balancing::scenario::shipped::SHIPPED;

use crate::Failure;

/// Runs `simulate scenarios`: one line per shipped scenario, then how to use them.
pub fn scenarios() -> Result<(), Failure> {
    let mut rows = Vec::new();
    for s in SHIPPED {
        let sc = s.load().map_err(|e| Failure::Other(e.to_string()))?;
        let span = format!("{} to {}, by {}", sc.start, sc.end, sc.period.name());
        let checks = if sc.checks.is_empty() {
            String::new()
        } else {
            format!(", {} checks (validate)", sc.checks.len())
        };
        rows.push((s.name, format!("{span}{checks}")));
    }
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    println!(
        "Scenarios compiled into simulate {}:",
        soft_balancing::VERSION
    );
    for (name, about) in rows {
        println!("  {name:width$}  {about}");
    }
    println!();
    println!("Name one where a command takes a scenario file, from any folder:");
    println!("  simulate sco2001, simulate validate, simulate sweep ufa2015 --set ...");
    println!("(`scenarios/NAME.toml` works too; a file at that path, if there is one, is read");
    println!("instead.) To edit one, copy it out: simulate scenarios --print NAME > my.toml");
    Ok(())
}

/// Runs `simulate scenarios --print NAME`: the scenario's file as shipped.
pub fn print(name: &str) -> Result<(), Failure> {
    match SHIPPED.iter().find(|s| s.name == name) {
        Some(s) => {
            print!("{}", s.text);
            Ok(())
        }
        None => Err(Failure::Input(format!(
            "--print {name}: no shipped scenario has this name\n  help: one of: {}",
            SHIPPED
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
