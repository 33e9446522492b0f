//! Markdown as plain terminal text, for `simulate explain`: headings underlined, emphasis,
//! code spans and link targets inside the document dropped, fenced code indented, tables
//! aligned in columns. Only the Markdown that docs/model.md and docs/theory.md use.

/// `md` as plain text.
pub fn plain(md: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    let mut table: Vec<Vec<String>> = Vec::new();
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            if !line.is_empty() {
                out.push_str("    ");
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // A comment line (the docs' `<!-- figure: ... -->` markers, which tests read) is for
        // the source, not the reader.
        let trimmed = line.trim();
        if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
            continue;
        }
        if line.trim_start().starts_with('|') {
            let cells: Vec<String> = cells(line.trim())
                .iter()
                .map(|c| inline(c.trim()))
                .collect();
            // The |---|---| line under a table's header.
            if !cells
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| "-: ".contains(ch)))
            {
                table.push(cells);
            }
            continue;
        }
        flush_table(&mut table, &mut out);
        let level = line.chars().take_while(|c| *c == '#').count();
        if level > 0 && line.chars().nth(level) == Some(' ') {
            let title = inline(line[level + 1..].trim());
            let rule = if level <= 2 { '=' } else { '-' };
            out.push_str(&title);
            out.push('\n');
            out.extend(std::iter::repeat_n(rule, title.chars().count()));
            out.push('\n');
            continue;
        }
        out.push_str(&inline(line));
        out.push('\n');
    }
    flush_table(&mut table, &mut out);
    out
}

/// The cells of a table row `| a | b |`: split at each `|` not escaped as `\|` (as GitHub's
/// Markdown reads a table, code spans included), each `\|` then a plain `|`.
fn cells(row: &str) -> Vec<String> {
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row
        .strip_suffix('|')
        .filter(|r| !r.ends_with('\\'))
        .unwrap_or(row);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cell.push('|');
            }
            '|' => out.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    out.push(cell);
    out
}

/// The widest line a table is printed in as aligned columns.
const MAX_WIDTH: usize = 100;

/// `text` in lines of at most [`MAX_WIDTH`] characters, each after `indent`, broken at spaces.
pub fn wrapped(text: &str, indent: &str) -> String {
    wrapped_after(text, indent, indent)
}

/// [`wrapped`], the first line after `first` and the others after `rest`.
pub fn wrapped_after(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    wrap(text, first, rest, &mut out);
    out
}

/// `text` in lines of at most [`MAX_WIDTH`] characters, broken at spaces: the first line after
/// `first`, the others after `rest`.
fn wrap(text: &str, first: &str, rest: &str, out: &mut String) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > MAX_WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
}

/// A table's rows in aligned columns, or as records when that is wider than [`MAX_WIDTH`].
fn flush_table(table: &mut Vec<Vec<String>>, out: &mut String) {
    if table.is_empty() {
        return;
    }
    let cols = table.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            table
                .iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Too wide for a terminal: each row as a record, its first cell, then every other cell
    // under its column's name, wrapped.
    let total = widths.iter().sum::<usize>() + 2 * cols;
    if total > MAX_WIDTH && table.len() > 1 {
        let header = table[0].clone();
        for row in table.iter().skip(1) {
            out.push_str(&format!("  {}\n", row.first().map_or("", String::as_str)));
            for (c, cell) in row.iter().enumerate().skip(1) {
                let name = header.get(c).map_or("", String::as_str);
                wrap(&format!("{name}: {cell}"), "      ", "        ", out);
            }
        }
        table.clear();
        return;
    }
    for row in table.iter() {
        let mut line = String::from("  ");
        for (c, w) in widths.iter().enumerate() {
            let cell = row.get(c).map_or("", String::as_str);
            line.push_str(cell);
            if c + 1 < cols {
                line.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    table.clear();
}

/// One line's inline Markdown as text: `**bold**` and `*italic*` lose their stars, `` `code` ``
/// its backticks, `[text](#anchor)` becomes `text` and `[text](url)` `text (url)`.
fn inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            code = !code;
            i += 1;
            continue;
        }
        if code {
            out.push(c);
            i += 1;
            continue;
        }
        if c == '['
            && let Some((text, target, next)) = link(&chars, i)
        {
            let text = inline(&text);
            out.push_str(&text);
            // A link inside the document is its text; to another of the docs, its file in
            // docs/ unless the text names it already; to the web, its address.
            let file = target.split('#').next().unwrap_or("");
            if target.contains("://") {
                out.push_str(&format!(" ({target})"));
            } else if !file.is_empty() && !text.contains(file) {
                let shown = file
                    .strip_prefix("../")
                    .map_or_else(|| format!("docs/{file}"), str::to_string);
                out.push_str(&format!(" ({shown})"));
            }
            i = next;
            continue;
        }
        if c == '*' {
            // A star that opens or closes emphasis: next to a word on one side, not a space
            // on the other ("x * y" and "a*b" stay as written).
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let mut j = i;
            while j < chars.len() && chars[j] == '*' {
                j += 1;
            }
            let next = chars.get(j).copied().unwrap_or(' ');
            let opens = !next.is_whitespace() && (prev.is_whitespace() || "([\"'".contains(prev));
            let closes = !prev.is_whitespace()
                && (next.is_whitespace() || ".,;:!?)]'\"".contains(next) || j == chars.len());
            if opens || closes {
                i = j;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `[text](target)` at `chars[i]`: the text, the target and the index after it.
fn link(chars: &[char], i: usize) -> Option<(String, String, usize)> {
    let close = (i + 1..chars.len()).find(|&k| chars[k] == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = (close + 2..chars.len()).find(|&k| chars[k] == ')')?;
    let text: String = chars[i + 1..close].iter().collect();
    let target: String = chars[close + 2..end].iter().collect();
    Some((text, target, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_are_left_out() {
        let md = "Before.\n<!-- figure: x => \"y\" -->\nAfter.\n";
        assert_eq!(plain(md), "Before.\nAfter.\n");
    }

    #[test]
    fn a_table_too_wide_for_a_terminal_becomes_records() {
        let long = "word ".repeat(40);
        let md = format!("| name | meaning |\n|---|---|\n| `x` | {long}|\n");
        let text = plain(&md);
        assert!(
            text.lines().all(|l| l.chars().count() <= MAX_WIDTH),
            "{text}"
        );
        assert!(text.starts_with("  x\n      meaning: word word"), "{text}");
    }

    #[test]
    fn markdown_becomes_plain_text() {
        let md = "### 5.1 Base leases\n\n**The two scores.** For base *b* see [§5.2](#52-loans) \
                  and [Cooley](https://example.org); `keep` wins.\n\n```\nkeep = a · b\n```\n\
                  | key | unit |\n|---|---|\n| `x.y` | score |\n";
        let text = plain(md);
        assert_eq!(
            text,
            "5.1 Base leases\n---------------\n\nThe two scores. For base b see §5.2 and Cooley \
             (https://example.org); keep wins.\n\n    keep = a · b\n  key  unit\n  x.y  score\n"
        );
    }

    #[test]
    fn escaped_pipes_stay_in_their_cell_and_links_to_other_docs_name_the_file() {
        let md = "| a | b |\n|---|---|\n| `\\|x\\|` | 1 |\n";
        assert_eq!(plain(md), "  a    b\n  |x|  1\n");
        assert_eq!(
            inline("see [scenario-format.md](scenario-format.md#actors)"),
            "see scenario-format.md"
        );
        assert_eq!(
            inline("the [format](scenario-format.md#actors)"),
            "the format (docs/scenario-format.md)"
        );
        assert_eq!(
            inline("the [layout](../ARCHITECTURE.md)"),
            "the layout (ARCHITECTURE.md)"
        );
    }

    #[test]
    fn stars_in_arithmetic_stay() {
        assert_eq!(inline("x * y and 2*3"), "x * y and 2*3");
    }
}
