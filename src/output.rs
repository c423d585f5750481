//! The only module that writes the site to disk. A build goes into a staging
//! folder beside the output and is swapped in only when it is complete, so a
//! failed build leaves the previous output byte-for-byte untouched.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::render::OutputFile;

/// A folder being filled; removed on drop unless committed.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Start a staging folder for `target` (created beside it, so the swap is a rename).
    pub fn new(target: &Path) -> anyhow::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.cairn-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Write one rendered file.
    pub fn write(&self, file: OutputFile) -> io::Result<()> {
        let path = self.dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }

    /// Copy a file to `rel` inside the output.
    pub fn copy(&self, source: &Path, rel: &str) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(source, &path)
            .map(|_| ())
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", source.display())))
    }

    /// Swap the finished folder in for the target.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.cairn-old-{}",
            self.target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).with_context(|| {
                format!(
                    "cannot move the previous output {} aside",
                    self.target.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| {
                format!("cannot move the new output into {}", self.target.display())
            });
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Refuse output folders whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, output: &Path) -> anyhow::Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, output) = (abs(root), abs(output));
    if root.starts_with(&output) {
        bail!(
            "the output folder {} contains the site itself; choose another --output",
            output.display()
        );
    }
    for protected in ["content", "static", "templates", "themes"] {
        if output.starts_with(root.join(protected)) {
            bail!(
                "the output folder {} is inside the site's {protected}/ folder; choose another --output",
                output.display()
            );
        }
    }
    if output.join("site.toml").exists() || output.join("content").is_dir() {
        bail!(
            "{} looks like a site folder (it has site.toml or content/); cairn replaces its output folder on every build, so choose another --output",
            output.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_staging_leaves_the_old_output_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&target).unwrap();
            s.write(OutputFile {
                path: "index.html".into(),
                bytes: b"new".to_vec(),
            })
            .unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging folder removed"
        );

        let s = Staging::new(&target).unwrap();
        s.write(OutputFile {
            path: "a/b/index.html".into(),
            bytes: b"new".to_vec(),
        })
        .unwrap();
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("a/b/index.html")).unwrap(),
            "new"
        );
        assert!(!target.join("index.html").exists());
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "old output removed"
        );
    }

    #[test]
    fn output_may_not_swallow_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content/x")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }
}
