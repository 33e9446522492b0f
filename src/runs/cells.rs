//! The cells of one line of a CSV file a user gives (`landscape --actors`, `--data` votes),
//! read as RFC 4180 writes them: a cell may be quoted, and a quoted cell may hold commas and
//! doubled quotes (`"U,S"`, `"say ""no"""`). A quoted cell that runs past the end of its line
//! is an error: these files keep one record to a line.

/// The cells of `line`, each trimmed and unquoted, with the column (1-based, in characters) where
/// its text starts; or the column and a description of what is wrong.
pub fn cells(line: &str) -> Result<Vec<(usize, String)>, (usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // Leading blanks, then the cell.
        while i < chars.len() && chars[i] != ',' && chars[i].is_whitespace() {
            i += 1;
        }
        let start = i + 1;
        let mut cell = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err((
                            start,
                            "a quoted cell is not closed on its line (one record to a line)"
                                .to_string(),
                        ));
                    }
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        cell.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        cell.push(c);
                        i += 1;
                    }
                }
            }
            while i < chars.len() && chars[i] != ',' {
                if !chars[i].is_whitespace() {
                    return Err((
                        i + 1,
                        "text after a quoted cell's closing quote (a quote inside a cell is written twice: \"\")".to_string(),
                    ));
                }
                i += 1;
            }
        } else {
            while i < chars.len() && chars[i] != ',' {
                cell.push(chars[i]);
                i += 1;
            }
            let kept = cell.trim_end().len();
            cell.truncate(kept);
        }
        out.push((start, cell));
        if i >= chars.len() {
            return Ok(out);
        }
        i += 1; // the comma
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        cells(line)
            .expect("reads")
            .into_iter()
            .map(|c| c.1)
            .collect()
    }

    #[test]
    fn plain_and_quoted_cells_read_as_rfc_4180_writes_them() {
        assert_eq!(texts("1, US ,10"), ["1", "US", "10"]);
        assert_eq!(texts(r#"1,"U,S",10"#), ["1", "U,S", "10"]);
        assert_eq!(texts(r#""say ""no""",,x"#), [r#"say "no""#, "", "x"]);
        assert_eq!(texts(""), [""]);
        assert_eq!(texts("a,"), ["a", ""]);
        // Columns point at each cell's text.
        let cols: Vec<usize> = cells(r#"1, "U,S",10"#)
            .unwrap()
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(cols, [1, 4, 10]);
    }

    #[test]
    fn a_broken_quote_is_named_with_its_column() {
        assert_eq!(cells(r#"1,"U,S"#).unwrap_err().0, 3);
        assert_eq!(cells(r#"1,"U"S,2"#).unwrap_err().0, 6);
    }
}
