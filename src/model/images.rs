//! A page's image (`image`, `image_alt`): what it names is resolved where it is written
//! (phase 2), and checked against the site's files once they are all known (phase 3).

use std::collections::HashSet;
use std::sync::Arc;

use super::PageImage;
use super::meta::{Front, MetaFile};
use crate::diagnostics::{Code, Diagnostic};
use crate::images::{Shown, Table};
use crate::source::Asset;

/// The image of the page whose page key is `key`: `image` (a file beside the page, a
/// path from the site's root, or an absolute URL) with its `image_alt`, which it needs.
pub(super) fn image_of(
    front: &Front,
    key: &str,
    (image, alt): (Option<&str>, Option<&str>),
    errors: &mut Vec<Diagnostic>,
) -> Option<PageImage> {
    let alt = alt.map(str::trim).filter(|a| !a.is_empty());
    let Some(written) = image.map(str::trim) else {
        if alt.is_some() {
            errors.push(
                front
                    .err(Code::ImageAlt, "`image_alt` without an `image`".into())
                    .at(front.text(), front.at("image_alt"))
                    .with_hint("add `image = \"hero.png\"` (a file beside the page), or remove `image_alt`"),
            );
        }
        return None;
    };
    let at = front.at_value("image", written);
    let err = |message: String, hint: &str| {
        front
            .err(Code::ImageMissing, message)
            .at(front.text(), at)
            .with_hint(hint)
    };
    let Some(alt) = alt else {
        errors.push(
            front
                .err(Code::ImageAlt, format!("image `{written}` has no `image_alt`"))
                .at(front.text(), at)
                .with_hint("describe what it shows for readers who cannot see it, and for previews: `image_alt = \"Acme's hot-strip mill\"`"),
        );
        return None;
    };
    let alt = alt.to_string();
    if written.starts_with("https://") || written.starts_with("http://") {
        return Some(PageImage {
            url: written.to_string(),
            file: String::new(),
            alt,
            at,
            inherited: false,
        });
    }
    let path = match written.strip_prefix('/') {
        Some(rooted) => normal(rooted),
        None => {
            let dir = key.rsplit_once('/').map_or("", |(d, _)| d);
            normal(&format!("{dir}/{written}"))
        }
    };
    match path {
        Some(file) if !file.is_empty() => Some(PageImage {
            url: format!("/{file}"),
            file,
            alt,
            at,
            inherited: false,
        }),
        _ => {
            errors.push(err(
                format!("image `{written}` is outside the site"),
                "name a file beside the page (`hero.png`), a path from the site's root (`/img/hero.png`), or an absolute URL",
            ));
            None
        }
    }
}

/// `a/./b/../c.png` → `a/c.png`; `None` when `..` climbs out of the root or a part is hidden.
fn normal(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p if p.starts_with('.') => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The page's `image` when it names a file and is its own (not taken from the page a
/// translation translates: that page reports it).
fn own_image(meta: &super::PageMeta) -> Option<&PageImage> {
    meta.image
        .as_ref()
        .filter(|i| !i.file.is_empty() && !i.inherited)
}

/// Phase 3: each page's image that names a file of the site must be one: beside the
/// content (`content/`) or in `static/`. An error at the `image` line otherwise.
pub(super) fn check(
    metas: &[MetaFile],
    (statics, assets): (&[Asset], &[Asset]),
    diagnostics: &mut Vec<Diagnostic>,
) {
    let files: HashSet<&str> = statics
        .iter()
        .chain(assets)
        .map(|a| a.content_path.as_str())
        .collect();
    for (meta, file, _) in metas {
        let Some(image) = own_image(meta) else {
            continue;
        };
        if !files.contains(image.file.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::ImageMissing,
                    meta.path.clone(),
                    format!("image `{}` is not a file of the site", image.url),
                )
                .at(&file.text, image.at)
                .with_hint(
                    "put the file beside the page (content/…) or in static/, or correct the name",
                ),
            );
        }
    }
}

/// The headers of the site's raster images (phase 3), those of the last build where
/// their files did not change.
pub(super) fn table(
    config: &crate::config::SiteConfig,
    files: (&[Asset], &[Asset]),
    cache: &mut super::Cache,
) -> Arc<Table> {
    let table = Arc::new(Table::new(&config.images, files, cache.images.as_deref()));
    if cache.enabled {
        cache.images = Some(table.clone());
    }
    table
}

/// Each page's image that is an image of the site cairn resizes, where `image` names
/// it; one it cannot read is an error there.
pub(super) fn heroes(
    metas: &[MetaFile],
    table: &Table,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Shown> {
    let mut shown = Vec::new();
    for (meta, file, _) in metas.iter().filter(|(m, _, _)| m.published) {
        // A translation's image taken from its original is reported there.
        let Some(image) = own_image(meta) else {
            continue;
        };
        let at = || {
            Diagnostic::error(Code::ImageUnreadable, meta.path.clone(), String::new())
                .at(&file.text, image.at)
        };
        match table.get(&image.url) {
            None => {}
            Some(Err(why)) => diagnostics.push(
                Shown {
                    url: image.url.clone(),
                    at: at(),
                }
                .unreadable(why),
            ),
            Some(Ok(_)) => shown.push(Shown {
                url: image.url.clone(),
                at: at(),
            }),
        }
    }
    shown
}

/// A variant cairn would write where a file of the site already is: an error where the
/// image is shown (once per variant). A photo that tells where it was taken: a warning
/// where it is first shown.
pub(super) fn check_variants(
    table: &Table,
    shown: &[Shown],
    (statics, assets): (&[Asset], &[Asset]),
    diagnostics: &mut Vec<Diagnostic>,
) {
    if shown.is_empty() {
        return;
    }
    let files: HashSet<String> = statics
        .iter()
        .map(|a| format!("/{}", a.content_path))
        .chain(assets.iter().map(|a| crate::urls::asset(&a.content_path)))
        .collect();
    let mut reported = HashSet::new();
    let mut located = HashSet::new();
    // Each variant's URL → the image it is made of: two images must not make one file
    // (`photo.png` and `photo.webp` both give `photo-480w.webp`).
    let mut made_of: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for s in shown {
        let Some(Ok(picture)) = table.get(&s.url) else {
            continue;
        };
        // Once per photo, where it is first shown.
        if picture.located && located.insert(&picture.url) {
            let mut d = s.at.clone();
            d.level = crate::diagnostics::Level::Warning;
            d.code = Code::ImageLocation;
            d.message = format!(
                "image `{}` carries the place it was taken (GPS coordinates), published with it",
                s.url
            );
            d.hint = "if that should not be public, remove the location from the file (`exiftool -gps:all= photo.jpg`)".into();
            diagnostics.push(d);
        }
        for v in table.variants(picture) {
            let other = *made_of.entry(v.url.clone()).or_insert(&picture.url);
            let clash = match files.contains(&v.url) {
                true => Some("a file of the site already is".to_string()),
                false if other != picture.url => {
                    Some(format!("`{other}` is resized too; rename one of them"))
                }
                false => None,
            };
            if let Some(clash) = clash
                && reported.insert(v.url.clone())
            {
                let mut d = s.at.clone();
                d.code = Code::OutputCollision;
                d.message = format!(
                    "image `{}` would be resized to {}, where {clash}",
                    s.url, v.url
                );
                d.hint = "rename or remove one of the files: cairn writes the resized copies of an image beside it, named by width".into();
                diagnostics.push(d);
                // One error for the image: its other widths clash alike.
                break;
            }
        }
    }
}

/// `[social] image` must be an absolute URL or a file of the site (in `static/`).
pub(super) fn check_social(
    config: &crate::config::SiteConfig,
    (statics, assets): (&[Asset], &[Asset]),
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(social) = &config.social else {
        return;
    };
    let image = social.image.trim();
    if image.starts_with("https://") || image.starts_with("http://") {
        return;
    }
    let file = image.strip_prefix('/').and_then(normal);
    let found = file
        .as_deref()
        .is_some_and(|f| statics.iter().chain(assets).any(|a| a.content_path == f));
    if !found {
        diagnostics.push(
            Diagnostic::error(
                Code::ImageMissing,
                crate::config::CONFIG_FILE,
                format!("[social] image `{image}` is not a file of the site"),
            )
            .with_hint("write a path from the site's root to a file of static/ (`/social.png` for static/social.png), or an absolute URL"),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_are_normalised_inside_the_root() {
        assert_eq!(
            super::normal("articles/x/./hero.png").as_deref(),
            Some("articles/x/hero.png")
        );
        assert_eq!(
            super::normal("articles/x/../img/a.png").as_deref(),
            Some("articles/img/a.png")
        );
        assert_eq!(super::normal("articles/../../etc/passwd"), None);
        assert_eq!(super::normal("articles/.git/x.png"), None);
    }
}
