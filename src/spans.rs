//! Where each key and value of a TOML or YAML block is written, from the parsers' own
//! spans (toml's [`DeTable`], serde-saphyr's [`serde_saphyr::Spanned`]), so that a
//! diagnostic points at what it is about, not at the first line that mentions its key.

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value of a block and the byte offset in its file where it starts (for a quoted
/// string, just inside the quotes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub at: usize,
    pub shape: Shape,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum Shape {
    /// A number, boolean, date or null.
    #[default]
    Other,
    Text(String),
    List(Vec<Node>),
    /// Entries in the parser's order.
    Table(Vec<Entry>),
}

/// A key of a table, where it is written, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub at: usize,
    pub value: Node,
}

impl Node {
    /// The tree of a TOML block `block` parsed into `table`; the block starts at byte
    /// `base` of its file.
    pub fn from_toml(table: &DeTable, block: &str, base: usize) -> Node {
        Node {
            at: base,
            shape: toml_table(table, block, base),
        }
    }

    /// The tree of the YAML block `block`, which starts at byte `base` of its file;
    /// `None` when it is not valid YAML.
    pub fn from_yaml(block: &str, base: usize) -> Option<Node> {
        let root: serde_saphyr::Spanned<Yaml> = serde_saphyr::from_str(block).ok()?;
        Some(yaml_node(root, block, base))
    }

    /// The entries of a table; none for any other value.
    pub fn entries(&self) -> &[Entry] {
        match &self.shape {
            Shape::Table(entries) => entries,
            _ => &[],
        }
    }

    /// The entry of a table for `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key == key)
    }

    /// The items of a list; a value that is not a list stands for itself.
    pub fn items(&self) -> Vec<&Node> {
        match &self.shape {
            Shape::List(items) => items.iter().collect(),
            _ => vec![self],
        }
    }

    /// Where the first text equal to `value` is, this node and everything in it in
    /// document order.
    pub fn find_text(&self, value: &str) -> Option<usize> {
        match &self.shape {
            Shape::Text(t) if t == value => Some(self.at),
            Shape::List(items) => items.iter().find_map(|n| n.find_text(value)),
            Shape::Table(entries) => {
                let mut entries: Vec<&Entry> = entries.iter().collect();
                entries.sort_by_key(|e| e.at);
                entries.iter().find_map(|e| e.value.find_text(value))
            }
            _ => None,
        }
    }
}

/// Where the keys and values of a block (a front matter, site.toml) are in its file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Positions {
    /// Where the block starts: the position of anything not found.
    pub start: usize,
    pub root: Node,
}

impl Positions {
    /// Where the top-level `key` is written, or the start of the block.
    pub fn offset_of(&self, key: &str) -> usize {
        self.root.get(key).map_or(self.start, |e| e.at)
    }

    /// Where the first text `value` under the top-level `key` is written (`stage =
    /// "x"`, an item of `roles = [...]`), or else where `key` is.
    pub fn value_offset(&self, key: &str, value: &str) -> usize {
        self.root
            .get(key)
            .and_then(|e| e.value.find_text(value))
            .unwrap_or_else(|| self.offset_of(key))
    }
}

fn toml_table(table: &DeTable, block: &str, base: usize) -> Shape {
    Shape::Table(
        table
            .iter()
            .map(|(key, value)| Entry {
                key: key.get_ref().to_string(),
                at: base + key.span().start,
                value: toml_value(value, block, base),
            })
            .collect(),
    )
}

fn toml_value(value: &Spanned<DeValue>, block: &str, base: usize) -> Node {
    let start = value.span().start;
    let (at, shape) = match value.get_ref() {
        DeValue::String(s) => (
            start + opening_quotes(block, start),
            Shape::Text(s.to_string()),
        ),
        DeValue::Array(items) => (
            start,
            Shape::List(items.iter().map(|v| toml_value(v, block, base)).collect()),
        ),
        DeValue::Table(t) => (start, toml_table(t, block, base)),
        _ => (start, Shape::Other),
    };
    Node {
        at: base + at,
        shape,
    }
}

/// How many quote characters open a string written at byte `at` of `block`.
fn opening_quotes(block: &str, at: usize) -> usize {
    let rest = block.get(at..).unwrap_or("");
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) if rest.starts_with(&q.to_string().repeat(3)) => 3,
        Some('"' | '\'') => 1,
        _ => 0,
    }
}

/// A YAML value as serde-saphyr reads it, each part with its location.
enum Yaml {
    Other,
    Text(String),
    List(Vec<serde_saphyr::Spanned<Yaml>>),
    Table(Vec<(serde_saphyr::Spanned<Yaml>, serde_saphyr::Spanned<Yaml>)>),
}

fn yaml_node(value: serde_saphyr::Spanned<Yaml>, block: &str, base: usize) -> Node {
    let start = yaml_offset(&value.referenced, block);
    let (at, shape) = match value.value {
        Yaml::Other => (start, Shape::Other),
        Yaml::Text(s) => (start + opening_quotes(block, start), Shape::Text(s)),
        Yaml::List(items) => (
            start,
            Shape::List(
                items
                    .into_iter()
                    .map(|v| yaml_node(v, block, base))
                    .collect(),
            ),
        ),
        Yaml::Table(entries) => (
            start,
            Shape::Table(
                entries
                    .into_iter()
                    .map(|(key, value)| Entry {
                        at: base + yaml_offset(&key.referenced, block),
                        key: match key.value {
                            Yaml::Text(k) => k,
                            _ => String::new(),
                        },
                        value: yaml_node(value, block, base),
                    })
                    .collect(),
            ),
        ),
    };
    Node {
        at: base + at,
        shape,
    }
}

/// The byte offset in `block` of a serde-saphyr location: its byte offset when it has
/// one, else from its line and column (both from 1, the column in characters).
fn yaml_offset(location: &serde_saphyr::Location, block: &str) -> usize {
    if let Some(b) = location.span().byte_offset() {
        return (b as usize).min(block.len());
    }
    let (line, column) = (location.line() as usize, location.column() as usize);
    let Some(text) = block.split_inclusive('\n').nth(line.saturating_sub(1)) else {
        return 0;
    };
    let line_start = text.as_ptr() as usize - block.as_ptr() as usize;
    let within = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    line_start + within
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YamlVisitor)
    }
}

struct YamlVisitor;

impl<'de> Visitor<'de> for YamlVisitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_i128<E>(self, _: i128) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_none<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Other)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(d)
    }
    fn visit_str<E>(self, v: &str) -> Result<Yaml, E> {
        Ok(Yaml::Text(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Yaml::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Yaml::Table(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key path, what is there) for every key and text of a tree, as `line:col`.
    fn listing(node: &Node, text: &str) -> Vec<String> {
        let pos = |at: usize| {
            let p = crate::diagnostics::Position::of(text, at);
            format!("{}:{}", p.line, p.col)
        };
        let mut out = Vec::new();
        match &node.shape {
            Shape::Text(t) => out.push(format!("{t:?} {}", pos(node.at))),
            Shape::List(items) => items.iter().for_each(|n| out.extend(listing(n, text))),
            Shape::Table(entries) => {
                for e in entries {
                    out.push(format!("{} {}", e.key, pos(e.at)));
                    out.extend(listing(&e.value, text));
                }
            }
            Shape::Other => {}
        }
        out
    }

    #[test]
    fn toml_and_yaml_keys_and_texts_are_where_they_are_written() {
        let toml_text = "+++\nstage = \"awareness\"\nroles = [ 'user', \"cfo\" ]\n[[metrics]]\nid = \"m\"\n+++\n";
        let front = &toml_text[4..toml_text.len() - 4];
        let table = DeTable::parse(front).unwrap();
        let t = Node::from_toml(table.get_ref(), front, 4);
        let mut got = listing(&t, toml_text);
        got.sort();
        assert_eq!(
            got,
            [
                "\"awareness\" 2:10",
                "\"cfo\" 3:20",
                "\"m\" 5:7",
                "\"user\" 3:12",
                "id 5:1",
                "metrics 4:3",
                "roles 3:1",
                "stage 2:1",
            ]
        );
        let yaml_text = "---\nstage: awareness\nroles: [user, \"cfo\"]\nmetrics:\n  - id: m\n    note: é x\n---\n";
        let front = &yaml_text[4..yaml_text.len() - 4];
        let y = Node::from_yaml(front, 4).unwrap();
        assert_eq!(
            listing(&y, yaml_text),
            [
                "stage 2:1",
                "\"awareness\" 2:8",
                "roles 3:1",
                "\"user\" 3:9",
                "\"cfo\" 3:16",
                "metrics 4:1",
                "id 5:5",
                "\"m\" 5:9",
                "note 6:5",
                "\"é x\" 6:11",
            ]
        );
    }

    #[test]
    fn positions_fall_back_to_the_key_then_the_block() {
        let text = "roles = [\"a\", \"b\"]\n";
        let table = DeTable::parse(text).unwrap();
        let p = Positions {
            start: 0,
            root: Node::from_toml(table.get_ref(), text, 0),
        };
        assert_eq!(p.value_offset("roles", "b"), 15);
        assert_eq!(p.value_offset("roles", "c"), 0);
        assert_eq!(p.offset_of("stage"), 0);
    }
}
