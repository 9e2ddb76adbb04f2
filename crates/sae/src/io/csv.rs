//! Numbers as text: comma-, tab- or semicolon-separated rows, one row per token. The layout
//! people export from pandas, R or a spreadsheet: an optional header row, blank lines, `\r\n`,
//! quoted cells, a byte-order mark. Anything else is an error at its line and column.

use std::borrow::Cow;

use frontier_base::csv;

use super::limits::check_len;
use super::InputError;
use crate::Matrix;

/// Longest cell text quoted back in a message.
const QUOTE_MAX_CHARS: usize = 40;

/// Parses rows of numbers into a `[rows, cols]` matrix. The separator (tab, else semicolon, else
/// comma) is taken from the first data line; a first row with a cell that is neither empty nor a
/// number is a header and skipped. Every row must have as many cells as the first data row, and every cell
/// must be a finite number that fits in f32. Lines and columns in errors count from 1.
pub fn parse_csv_matrix(text: &str) -> Result<Matrix, InputError> {
    check_len(text.len())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    if let Some(&(first_line, first)) = lines.peek() {
        let cells = split_cells(first, csv::sniff_delimiter(first), first_line)?;
        if cells.iter().map(|c| clean(c)).any(|c| !c.is_empty() && c.parse::<f64>().is_err()) {
            lines.next();
        }
    }
    let Some(&(_, first_data)) = lines.peek() else {
        return Err(InputError::Shape { message: "the CSV file has no rows of numbers".to_owned() });
    };
    let sep = csv::sniff_delimiter(first_data);
    let mut values = Vec::new();
    let mut width: Option<(usize, usize)> = None;
    let mut rows = 0usize;
    for (line, text) in lines {
        let cells = split_cells(text, sep, line)?;
        let (cols, first_line) = *width.get_or_insert((cells.len(), line));
        if cells.len() != cols {
            return Err(InputError::Csv {
                line,
                column: cells.len().min(cols) + 1,
                message: format!(
                    "this row has {} values, but the first row (line {first_line}) has {cols}",
                    cells.len()
                ),
            });
        }
        for (index, cell) in cells.iter().enumerate() {
            values.push(number(cell).map_err(|message| InputError::Csv { line, column: index + 1, message })?);
        }
        rows += 1;
    }
    let cols = width.map_or(0, |(cols, _)| cols);
    Matrix::from_vec(rows, cols, values)
        .ok_or_else(|| InputError::Shape { message: format!("the CSV rows do not form a {rows} × {cols} matrix") })
}

/// The cells of one line, in the project's one CSV dialect.
fn split_cells(line: &str, sep: char, line_number: usize) -> Result<Vec<Cow<'_, str>>, InputError> {
    let mut cells = Vec::new();
    csv::split_record(line, sep, line_number, &mut cells).map_err(|e| InputError::Csv {
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    Ok(cells)
}

/// A cell's text without surrounding spaces (and quotes, which a quoted cell has lost already).
fn clean(cell: &str) -> &str {
    let cell = cell.trim();
    cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')).map_or(cell, str::trim)
}

/// The cell as a finite f32, or a message saying what is wrong with it.
fn number(cell: &str) -> Result<f32, String> {
    let text = clean(cell);
    if text.is_empty() {
        return Err("the cell is empty; every cell must be a number".to_owned());
    }
    match text.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) if text.parse::<f64>().is_ok_and(f64::is_finite) => {
            Err(format!("{} is beyond the float32 range", quote(text)))
        }
        Ok(_) => Err(format!("{} is not allowed; every value must be a finite number", quote(text))),
        Err(_) => Err(format!("{} is not a number", quote(text))),
    }
}

/// `text` in quotes, cut short if long.
fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_MAX_CHARS).collect();
    format!("\"{head}{}\"", if chars.next().is_some() { "…" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Matrix {
        parse_csv_matrix(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn headers_separators_quotes_and_line_endings() {
        let m = parse("\u{feff}\"a,b\",c\r\n\r\n1.5,\" 2 \"\r\n-3e2,4\r\n");
        assert_eq!((m.rows, m.cols, m.values), (2, 2, vec![1.5, 2.0, -300.0, 4.0]));
        let m = parse("x;y\n1;2\n");
        assert_eq!(m.values, vec![1.0, 2.0]);
        let m = parse("1\t2\t3\n\n4\t5\t6");
        assert_eq!((m.rows, m.cols), (2, 3));
        let m = parse("7\n8\n");
        assert_eq!((m.rows, m.cols), (2, 1));
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = |text: &str| parse_csv_matrix(text).map_err(|e| e.to_string()).err();
        assert_eq!(
            err("1,2,3\n4,5,6\n7,8\n"),
            Some("line 3, column 3: this row has 2 values, but the first row (line 1) has 3".into())
        );
        assert_eq!(err("1,2,3\n4,5,abc\n"), Some("line 2, column 3: \"abc\" is not a number".into()));
        assert_eq!(
            err("h1,h2\n1,nan\n"),
            Some("line 2, column 2: \"nan\" is not allowed; every value must be a finite number".into())
        );
        assert_eq!(
            err("1,-inf\n"),
            Some("line 1, column 2: \"-inf\" is not allowed; every value must be a finite number".into())
        );
        assert_eq!(err("1,1e39\n"), Some("line 1, column 2: \"1e39\" is beyond the float32 range".into()));
        assert_eq!(err("1,2,\n"), Some("line 1, column 3: the cell is empty; every cell must be a number".into()));
        assert_eq!(err("a,b\n\n"), Some("the CSV file has no rows of numbers".into()));
        assert_eq!(err(""), Some("the CSV file has no rows of numbers".into()));
    }

    #[test]
    fn long_cells_are_cut_in_messages() {
        assert_eq!(quote(&"x".repeat(50)), format!("\"{}…\"", "x".repeat(40)));
    }
}
