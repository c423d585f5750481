//! `data/`: CSV, TOML and JSON files that templates read as `data.<name>`, and
//! the CSV tables case studies take their metrics from (`metrics_from`).
//!
//! Every `*.csv`, `*.toml` and `*.json` file under `data/` is read on every
//! build (they are small, and reading them afresh means a serve session never
//! holds a stale one): `data/clients.json` is `data.clients`,
//! `data/finance/rates.csv` is `data.finance.rates`. A CSV is a list of
//! objects keyed by its header, each cell a string; TOML and JSON are their
//! value. Files of other kinds are left alone. The folder is walked like
//! `content/` ([`crate::source::walk`]): hidden files are skipped, and a
//! symbolic link that leads out of the site, to a hidden file or into the
//! output is an error.
//!
//! A metrics CSV has one row per metric and the keys of `[[metrics]]` as its
//! columns: each row goes through [`RawMetric`]'s own `Deserialize`, so a field
//! added there is a column here, and the rows are then checked as inline
//! metrics are, with every diagnostic at the CSV's line and column.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use crate::diagnostics::{Code, Diagnostic, display_path};
use crate::frontmatter::RawMetric;
use crate::source::{self, SourceFile};

/// The folder of data files, in the site root.
pub const DATA_DIR: &str = "data";

/// The kinds of data file, by extension.
const EXTENSIONS: [&str; 3] = ["csv", "toml", "json"];

/// One file of `data/`, read.
#[derive(Debug)]
pub struct DataFile {
    /// Its text; `path` relative to the site (`data/x.csv`), `content_path` relative to
    /// `data/` (`x.csv`), forward slashes.
    pub file: SourceFile,
    /// A CSV's header and rows, when it could be read.
    table: Option<Table>,
}

/// A CSV file's records, with their positions in the text.
#[derive(Debug)]
struct Table {
    header: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

/// Every data file of a site, and the `data` value templates get.
#[derive(Debug, Clone)]
pub struct Data {
    /// By path relative to `data/` (`finance/rates.csv`).
    files: BTreeMap<String, Arc<DataFile>>,
    /// `data` in templates: an object of every file's value by name.
    pub value: serde_json::Value,
    /// A hash of every file's path and text: equal data, equal hash.
    hash: u64,
}

impl Default for Data {
    fn default() -> Data {
        Data {
            files: BTreeMap::new(),
            value: serde_json::Value::Object(Default::default()),
            hash: 0,
        }
    }
}

impl Data {
    /// A hash of all the data: what templates can show of it.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// A hash of the file `name` (a `metrics_from` value) as it is now; 0 when there is
    /// no such file. A case study's metrics depend on nothing else of the data.
    pub fn hash_of(&self, name: &str) -> u64 {
        let Some(key) = normal_name(name) else {
            return 0;
        };
        self.files
            .get(&key)
            .map_or(0, |f| xxhash_rust::xxh3::xxh3_64(f.file.text.as_bytes()))
    }
}

/// Read every data file under `<root>/data` (`output`, resolved, is the output folder no
/// link may lead into). Gives the data and the problems found: unreadable files, syntax
/// errors (at their line and column), and two files that would have the same name.
pub fn load(root: &Path, output: Option<&Path>) -> (Data, Vec<Diagnostic>) {
    let (files, mut diagnostics) = source::walk(root, DATA_DIR, output);
    let mut data = Data::default();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    // Name path (`finance.rates`) → the file that has it, to report two files with one name.
    let mut names: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for asset in files {
        let Some(ext) = extension(&asset.content_path) else {
            continue;
        };
        let path = Path::new(DATA_DIR).join(&asset.content_path);
        let text = match read(&asset.source, &path) {
            Ok(t) => t,
            Err(d) => {
                diagnostics.push(d);
                continue;
            }
        };
        hasher.update(asset.content_path.as_bytes());
        hasher.update(&[0]);
        hasher.update(text.as_bytes());
        hasher.update(&[0]);
        let file = SourceFile {
            path,
            content_path: asset.content_path.clone(),
            text: text.into(),
        };
        let (value, table) = match parse(&file, ext) {
            Ok(v) => v,
            Err(d) => {
                diagnostics.push(d);
                (serde_json::Value::Null, None)
            }
        };
        let shown = display_path(&file.path);
        let name: Vec<String> = asset.content_path[..asset.content_path.len() - ext.len() - 1]
            .split('/')
            .map(str::to_string)
            .collect();
        match insert(&mut data.value, &name, value, &names) {
            Ok(()) => {
                names.insert(name, shown);
            }
            Err(other) => diagnostics.push(
                Diagnostic::error(
                    Code::DataName,
                    file.path.clone(),
                    format!(
                        "{shown} and {other} would both be `data.{}` in templates",
                        name.join(".")
                    ),
                )
                .with_hint("rename or remove one of them"),
            ),
        }
        data.files
            .insert(asset.content_path, Arc::new(DataFile { file, table }));
    }
    data.hash = hasher.digest();
    (data, diagnostics)
}

/// `csv`, `toml` or `json` when `path` is a data file.
fn extension(path: &str) -> Option<&'static str> {
    let (_, ext) = path.rsplit_once('.')?;
    EXTENSIONS
        .into_iter()
        .find(|e| ext.eq_ignore_ascii_case(e))
        .filter(|_| !path.rsplit('/').next().is_some_and(|n| n.starts_with('.')))
}

/// Put `value` at `name` (a path of keys) in the object `root`. When a file has that name
/// already, or a folder is named like a file (`x.json` and `x/y.csv`), gives that file
/// (or folder, with its `/`).
fn insert(
    root: &mut serde_json::Value,
    name: &[String],
    value: serde_json::Value,
    names: &BTreeMap<Vec<String>, String>,
) -> Result<(), String> {
    // A file with the same name, or with the name of one of the folders on the way.
    for depth in 1..=name.len() {
        if let Some(other) = names.get(&name[..depth]) {
            return Err(other.clone());
        }
    }
    // A folder with this file's name.
    if let Some((other, _)) = names
        .iter()
        .find(|(n, _)| n.len() > name.len() && n.starts_with(name))
    {
        let folder = format!("{DATA_DIR}/{}/", other[..name.len()].join("/"));
        return Err(folder);
    }
    let mut at = root;
    for key in &name[..name.len() - 1] {
        let map = at.as_object_mut().expect("folders are objects");
        at = map
            .entry(key.clone())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
    }
    if let Some(map) = at.as_object_mut() {
        map.insert(name[name.len() - 1].clone(), value);
    }
    Ok(())
}

/// A data file's text: UTF-8, without a byte-order mark (spreadsheets write one).
fn read(abs: &Path, path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(abs).map_err(|e| {
        Diagnostic::error(Code::Io, path.to_path_buf(), format!("cannot read: {e}"))
    })?;
    source::decode(bytes).map_err(|(offset, valid)| {
        let line = valid.bytes().filter(|&b| b == b'\n').count() + 1;
        Diagnostic::error(
            Code::Encoding,
            path.to_path_buf(),
            format!("not a UTF-8 text file (invalid or binary data at byte {offset})"),
        )
        .at_line_col(&valid, line, 0)
        .with_hint("save the file as UTF-8 (in a spreadsheet: CSV UTF-8)")
    })
}

/// A data file's value (and a CSV's table), or its first syntax error.
fn parse(file: &SourceFile, ext: &str) -> Result<(serde_json::Value, Option<Table>), Diagnostic> {
    let text = &*file.text;
    let err = |message: String| Diagnostic::error(Code::DataInvalid, file.path.clone(), message);
    match ext {
        "json" => serde_json::from_str(text).map(|v| (v, None)).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            err(format!("invalid JSON: {message}")).at_line_col(text, e.line(), e.column())
        }),
        "toml" => match toml::from_str::<toml::Table>(text) {
            Ok(t) => Ok((toml_to_json(toml::Value::Table(t)), None)),
            Err(e) => Err(err(format!("invalid TOML: {}", e.message().trim()))
                .at(text, e.span().map_or(0, |s| s.start))),
        },
        _ => {
            let table = read_csv(file)?;
            let rows = table
                .rows
                .iter()
                .map(|row| {
                    let object = table
                        .header
                        .iter()
                        .zip(row)
                        .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
                        .collect();
                    serde_json::Value::Object(object)
                })
                .collect();
            Ok((serde_json::Value::Array(rows), Some(table)))
        }
    }
}

/// A CSV's header and rows: every row must have as many cells as the header, and the
/// header no empty or repeated column names. Cells are trimmed.
fn read_csv(file: &SourceFile) -> Result<Table, Diagnostic> {
    let text = &*file.text;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let at = |record: &csv::StringRecord| record.position().map_or(0, |p| p.byte() as usize);
    let err = |e: csv::Error| {
        let (offset, message) = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => (
                pos.as_ref().map_or(0, |p| p.byte() as usize),
                format!("this row has {len} cells, the header has {expected_len}"),
            ),
            _ => (0, e.to_string()),
        };
        Diagnostic::error(Code::DataInvalid, file.path.clone(), message)
            .at(text, offset)
            .with_hint("every row needs a cell for each column (an empty cell is two commas); quote a cell that holds a comma: \"1,5\"")
    };
    let header = reader.headers().map_err(err)?.clone();
    let header_at = at(&header);
    let mut seen: Vec<&str> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let problem = if name.is_empty() {
            Some(format!("column {} has no name", i + 1))
        } else if seen.contains(&name) {
            Some(format!("column `{name}` appears twice in the header"))
        } else {
            None
        };
        if let Some(message) = problem {
            return Err(
                Diagnostic::error(Code::DataInvalid, file.path.clone(), message)
                    .at(text, cell_offset(text, header_at, i))
                    .with_hint("the first row names the columns, each once"),
            );
        }
        seen.push(name);
    }
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    Ok(Table { header, rows })
}

/// TOML as a template value: dates and times as their text.
fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(J::Number)
            .unwrap_or_else(|| J::String(f.to_string())),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// The byte offset of cell `field` (0-based) of the CSV record that starts at byte
/// `record` of `text`, past the spaces before it: read by the CSV parser itself, field
/// by field, so quoted cells with commas and line breaks count right.
fn cell_offset(text: &str, record: usize, field: usize) -> usize {
    let bytes = text.as_bytes();
    let mut reader = csv_core::Reader::new();
    let mut at = record.min(bytes.len());
    let mut out = [0u8; 1024];
    let mut read = 0;
    while read < field {
        let (result, nin, _) = reader.read_field(&bytes[at..], &mut out);
        at += nin;
        match result {
            csv_core::ReadFieldResult::OutputFull => continue,
            csv_core::ReadFieldResult::Field { record_end: false } => read += 1,
            _ => break,
        }
    }
    while bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
        at += 1;
    }
    at
}

/// `metrics_from` as a path relative to `data/` with forward slashes, or `None` when
/// it is empty, absolute or leads out of `data/` (`..`).
fn normal_name(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() || name.starts_with(['/', '\\']) || Path::new(name).has_root() {
        return None;
    }
    let mut parts = Vec::new();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains(':') => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The columns of a metrics CSV: the keys of `[[metrics]]`.
static COLUMNS: LazyLock<Vec<String>> = LazyLock::new(crate::config::expected_keys::<RawMetric>);

/// The columns every metrics CSV must have: the fields of [`RawMetric`] without a default,
/// found by asking serde which field it misses, one after the other.
static REQUIRED: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut required: Vec<String> = Vec::new();
    while let Some(missing) = missing_field(&required) {
        if required.contains(&missing) {
            break;
        }
        required.push(missing);
    }
    required
});

/// The field serde reports missing from a row with just the columns `present` (each cell
/// `0`, which reads as a text and as a number).
fn missing_field(present: &[String]) -> Option<String> {
    let header = csv::StringRecord::from(present.to_vec());
    let row = csv::StringRecord::from(vec!["0"; present.len()]);
    let e = row.deserialize::<RawMetric>(Some(&header)).err()?;
    let message = e.to_string();
    let rest = &message[message.find("missing field `")? + "missing field `".len()..];
    Some(rest.split('`').next()?.to_string())
}

/// Where a case study names its metrics CSV: the page, and the offset of the value.
pub struct MetricsFrom<'a> {
    pub page: &'a SourceFile,
    pub name: &'a str,
    /// Byte offset of the value in the page.
    pub at: usize,
    /// Whether the page has `[[metrics]]` too (an error).
    pub inline: bool,
}

/// The metrics of the CSV a case study names: its file (diagnostics about a row point
/// there) and its rows as [`RawMetric`]s, each with the offset of its `id` cell. Rows
/// with a bad cell are left out with an error at the cell; a bad header or reference is
/// an error and gives no rows. A file with a syntax error gives `None` without another
/// error (its own is reported once, by [`load`]).
pub fn case_metrics(
    data: &Data,
    from: MetricsFrom,
    errors: &mut Vec<Diagnostic>,
) -> Option<(Arc<DataFile>, Vec<RawMetric>)> {
    let err = |message: String| {
        Diagnostic::error(Code::MetricsFrom, from.page.path.clone(), message)
            .at(&from.page.text, from.at)
    };
    if from.inline {
        errors.push(
            err("both `metrics_from` and `[[metrics]]` give this case study's metrics".into())
                .with_hint("keep one: move the [[metrics]] entries into the CSV, one row each, or remove `metrics_from`"),
        );
    }
    let Some(name) = normal_name(from.name) else {
        errors.push(
            err(format!(
                "`metrics_from` must be a path inside data/, not `{}`",
                from.name
            ))
            .with_hint("write the CSV's path relative to data/, e.g. `metrics_from = \"acme-steel-metrics.csv\"`, without `..` or a leading `/`"),
        );
        return None;
    };
    if extension(&name) != Some("csv") {
        errors.push(
            err(format!(
                "`metrics_from` names `{name}`, which is not a .csv file"
            ))
            .with_hint(match data.files.contains_key(&format!("{name}.csv")) {
                true => format!("did you mean `{name}.csv`?"),
                false => "metrics come from a CSV: one row per metric, the keys of [[metrics]] as columns".into(),
            }),
        );
        return None;
    }
    let Some(file) = data.files.get(&name) else {
        let csvs: Vec<&str> = data
            .files
            .keys()
            .filter(|k| extension(k) == Some("csv"))
            .map(String::as_str)
            .collect();
        let hint = match crate::diagnostics::did_you_mean(&name, csvs.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if csvs.is_empty() => {
                "put the CSV in the site's data/ folder; the path is relative to data/".into()
            }
            None => format!("the CSV files of data/ are: {}", csvs.join(", ")),
        };
        errors.push(err(format!("no file data/{name}")).with_hint(hint));
        return None;
    };
    let table = file.table.as_ref()?;
    let metrics = table_metrics(&file.file, table, errors)?;
    Some((file.clone(), metrics))
}

/// Every unknown column of a metrics table's header (with the nearest known one) and
/// every missing required column.
fn check_header(file: &SourceFile, table: &Table, errors: &mut Vec<Diagnostic>) {
    let text = &*file.text;
    let header_at = table.header.position().map_or(0, |p| p.byte() as usize);
    let err = |code: Code, message: String, offset: usize| {
        Diagnostic::error(code, file.path.clone(), message).at(text, offset)
    };
    let columns: Vec<&str> = COLUMNS.iter().map(String::as_str).collect();
    for (i, name) in table.header.iter().enumerate() {
        if !columns.contains(&name) {
            let hint = match crate::diagnostics::did_you_mean(name, columns.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "the columns are the keys of [[metrics]]: {}",
                    columns.join(", ")
                ),
            };
            let at = cell_offset(text, header_at, i);
            errors.push(
                err(Code::MetricsColumn, format!("unknown column `{name}`"), at).with_hint(hint),
            );
        }
    }
    for name in REQUIRED.iter() {
        if !table.header.iter().any(|h| h == name) {
            errors.push(
                err(
                    Code::MetricsColumn,
                    format!("missing required column `{name}`"),
                    header_at,
                )
                .with_hint(format!(
                    "every metric needs {}: add the column `{name}` to the header (the first row)",
                    REQUIRED
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
}

/// The rows of a metrics table as metrics, after checking its header.
fn table_metrics(
    file: &SourceFile,
    table: &Table,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<RawMetric>> {
    let text = &*file.text;
    let err = |code: Code, message: String, offset: usize| {
        Diagnostic::error(code, file.path.clone(), message).at(text, offset)
    };
    let before = errors.len();
    check_header(file, table, errors);
    if errors.len() > before {
        return None;
    }
    let id_column = table.header.iter().position(|h| h == "id");
    let review_by_column = table.header.iter().position(|h| h == "review_by");
    let mut metrics = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let row_at = row.position().map_or(0, |p| p.byte() as usize);
        match row.deserialize::<RawMetric>(Some(&table.header)) {
            Ok(mut m) => {
                // Where diagnostics about the metric point, as front matter parsing sets
                // them for [[metrics]]: its `id` cell, and its `review_by` cell (else `id`).
                let cell = |column: Option<usize>| column.map(|i| cell_offset(text, row_at, i));
                m.id_offset = cell(id_column).unwrap_or(row_at);
                m.review_by_offset = cell(review_by_column).unwrap_or(m.id_offset);
                metrics.push(m);
            }
            Err(e) => {
                let mut found = false;
                for (i, (column, cell)) in table.header.iter().zip(row).enumerate() {
                    if let Some((message, hint)) = cell_problem(column, cell) {
                        let at = cell_offset(text, row_at, i);
                        errors.push(err(Code::MetricInvalid, message, at).with_hint(hint));
                        found = true;
                    }
                }
                if !found {
                    errors.push(err(Code::MetricInvalid, e.to_string(), row_at));
                }
            }
        }
    }
    Some(metrics)
}

/// What is wrong with `cell` of `column` on its own, read with the required columns
/// around it (each `0`): the message and hint, or `None` when it reads.
fn cell_problem(column: &str, cell: &str) -> Option<(String, String)> {
    let mut header: Vec<&str> = REQUIRED.iter().map(String::as_str).collect();
    let mut row = vec!["0"; header.len()];
    match header.iter().position(|h| *h == column) {
        Some(i) => row[i] = cell,
        None => {
            header.push(column);
            row.push(cell);
        }
    }
    let e = csv::StringRecord::from(row)
        .deserialize::<RawMetric>(Some(&csv::StringRecord::from(header)))
        .err()?;
    let csv::ErrorKind::Deserialize { err, .. } = e.kind() else {
        return Some((format!("column `{column}`: {e}"), String::new()));
    };
    Some(match err.kind() {
        csv::DeserializeErrorKind::ParseFloat(_) if cell.is_empty() => (
            format!("column `{column}` is empty"),
            format!("every metric needs `{column}`: a number such as 120 or 0.5"),
        ),
        csv::DeserializeErrorKind::ParseFloat(_) | csv::DeserializeErrorKind::ParseInt(_) => (
            format!("column `{column}`: `{cell}` is not a number"),
            "write a plain number such as 120 or 0.5, without units or thousands separators".into(),
        ),
        csv::DeserializeErrorKind::Message(m) => {
            let (message, hint) = crate::config::explain_serde_message(m);
            (format!("column `{column}`: {message}"), hint)
        }
        _ => (format!("column `{column}`: {err}"), String::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_required_columns_are_the_fields_without_a_default() {
        assert_eq!(*REQUIRED, ["id", "label", "before", "after"]);
        assert_eq!(COLUMNS[..3], ["id", "label", "unit"]);
    }

    #[test]
    fn metrics_from_stays_inside_data() {
        assert_eq!(normal_name("a.csv").as_deref(), Some("a.csv"));
        assert_eq!(normal_name("./x/a.csv").as_deref(), Some("x/a.csv"));
        assert_eq!(normal_name("x\\a.csv").as_deref(), Some("x/a.csv"));
        for bad in [
            "",
            "../a.csv",
            "x/../../a.csv",
            "/etc/a.csv",
            "\\a.csv",
            "C:a.csv",
        ] {
            assert_eq!(normal_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn cell_offsets_come_from_the_parser() {
        // A quoted cell with a comma, one with a line break, a space before the last.
        let text = "id,label\n\"a,b\",\"x\ny\", z\n";
        assert_eq!(cell_offset(text, 0, 1), 3);
        assert_eq!(cell_offset(text, 9, 0), 9);
        assert_eq!(cell_offset(text, 9, 1), 15);
        assert_eq!(cell_offset(text, 9, 2), 22);
        assert_eq!(&text[22..23], "z");
    }

    #[test]
    fn toml_dates_are_text_and_names_nest() {
        let t: toml::Table = toml::from_str("d = 2026-03-14\n[a]\nb = [1, 2.5]\n").unwrap();
        assert_eq!(
            toml_to_json(toml::Value::Table(t)),
            serde_json::json!({"d": "2026-03-14", "a": {"b": [1, 2.5]}})
        );
        let mut root = serde_json::json!({});
        let mut names = BTreeMap::new();
        let n = |s: &str| s.split('/').map(str::to_string).collect::<Vec<_>>();
        insert(&mut root, &n("finance/rates"), 1.into(), &names).unwrap();
        names.insert(n("finance/rates"), "data/finance/rates.csv".to_string());
        assert_eq!(root, serde_json::json!({"finance": {"rates": 1}}));
        assert_eq!(
            insert(&mut root, &n("finance"), 2.into(), &names),
            Err("data/finance/".to_string())
        );
        assert_eq!(
            insert(&mut root, &n("finance/rates/x"), 2.into(), &names),
            Err("data/finance/rates.csv".to_string())
        );
    }
}
