//! The record of what a build wrote: [`MANIFEST`] at the top of the output.

use std::path::{Component, Path};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::FastMap;

/// cairn's record of the last build, at the top of the output folder.
pub const MANIFEST: &str = ".cairn-manifest.json";

/// What cairn knows of one file it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// xxh3-128 of the bytes.
    pub hash: u128,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch: a file whose size or
    /// time differs was changed by someone else, and is not trusted to match `hash`.
    pub mtime: u64,
}

impl Record {
    pub(super) fn of(bytes: &[u8], meta: &std::fs::Metadata) -> Record {
        Record {
            hash: xxhash_rust::xxh3::xxh3_128(bytes),
            size: bytes.len() as u64,
            mtime: mtime_ns(meta),
        }
    }

    /// Whether the file at `path` still holds what cairn wrote: the same size and time, or
    /// failing those the same bytes. A link or folder there is not cairn's file.
    pub(super) fn still_written(&self, path: &Path) -> bool {
        self.matches_disk(path)
            || std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
                && std::fs::read(path)
                    .is_ok_and(|bytes| xxhash_rust::xxh3::xxh3_128(&bytes) == self.hash)
    }

    /// Whether the file at `path` (not followed if a link) still is the file this record describes.
    pub(super) fn matches_disk(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok_and(|m| {
            m.file_type().is_file() && m.len() == self.size && mtime_ns(&m) == self.mtime
        })
    }
}

fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The files of the last build, relative to the output folder.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub(super) files: FastMap<Arc<str>, Record>,
}

/// The manifest file's layout: versioned, one `[path, hash, size, mtime]` row per file.
#[derive(Serialize, Deserialize)]
struct ManifestFile {
    cairn_manifest: u32,
    files: Vec<(String, String, u64, u64)>,
}

impl Manifest {
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn contains(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    /// The recorded files inside `folder` (`pagefind`), in no particular order.
    pub fn inside<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = &'a Arc<str>> + 'a {
        self.files.keys().filter(move |rel| {
            rel.strip_prefix(folder)
                .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    pub(super) fn parse(text: &str) -> Result<Manifest, String> {
        let file: ManifestFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.cairn_manifest != 1 {
            return Err(format!("unknown version {}", file.cairn_manifest));
        }
        let mut files = FastMap::with_capacity_and_hasher(file.files.len(), Default::default());
        for (path, hash, size, mtime) in file.files {
            let hash = u128::from_str_radix(&hash, 16).map_err(|_| format!("bad hash `{hash}`"))?;
            if !is_plain_relative(&path) {
                return Err(format!("`{path}` is not a path inside the folder"));
            }
            // cairn never publishes hidden files: a record listing one was not written by it.
            if !path.split('/').all(crate::source::is_published_name) {
                return Err(format!(
                    "`{path}` is a hidden file, which cairn never writes"
                ));
            }
            files.insert(path.into(), Record { hash, size, mtime });
        }
        Ok(Manifest { files })
    }

    pub(super) fn to_json(&self) -> String {
        let mut files: Vec<(String, String, u64, u64)> = self
            .files
            .iter()
            .map(|(p, r)| (p.to_string(), format!("{:032x}", r.hash), r.size, r.mtime))
            .collect();
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        serde_json::to_string(&ManifestFile {
            cairn_manifest: 1,
            files,
        })
        .expect("a manifest serialises")
    }
}

/// A relative path of normal components only: no `..`, no root, no `.`.
pub(super) fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}
