//! The site's raster images and their responsive variants.
//!
//! [`Table`] holds every JPEG, PNG, WebP and GIF of `content/` and `static/` as its
//! header describes it (size, format, orientation): read while the model is built, so
//! that a body's `<img>` gets `width`, `height`, `srcset` and `sizes`, and an image that
//! cannot be read is an error at the line that shows it. [`produce`] makes the
//! variants those attributes name: each decoded, resized and encoded once per content
//! (the cache in [`CACHE`], keyed by a hash of the file's bytes and the settings), then
//! taken from the cache by every later build and serve rebuild. Nothing here writes to
//! the output: the variants are staged like every other file.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};
use rayon::prelude::*;

use crate::config::ImagesConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Asset;
use crate::urls;

/// Where encoded variants are kept between builds, under the site's root.
pub const CACHE: &str = ".cairn-cache/images";

/// Bumped when the encoding changes, so that a cache of an older cairn is not used.
const ENCODING: u32 = 3;

/// A raster format cairn reads (and, but for GIF, writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
    Avif,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Avif => "avif",
        }
    }
}

/// An image file of the site, as its header describes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Picture {
    pub source: PathBuf,
    /// Its URL path without the base path: `/articles/x/chart.png`.
    pub url: String,
    /// As shown: with the EXIF orientation applied (a portrait photo stored sideways).
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// An animated GIF, PNG or WebP: published as it is (a resized copy would be still).
    pub animated: bool,
    /// Its EXIF metadata holds GPS coordinates: the original, published as it is, tells
    /// where it was taken (the variants carry no metadata).
    pub located: bool,
}

/// The most pixels cairn decodes (100 megapixels: the largest camera sensors), so that
/// a small file claiming enormous dimensions (a decompression bomb) cannot exhaust
/// memory.
const MAX_PIXELS: u64 = 100_000_000;

/// Why an image of `width` × `height` is not decoded, if it is too large.
fn too_large(width: u32, height: u32) -> Option<String> {
    (u64::from(width) * u64::from(height) > MAX_PIXELS)
        .then(|| format!("is {width} × {height} pixels, more than the 100 million cairn decodes"))
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// `/articles/x/chart-960w.webp`.
    pub url: String,
}

/// What a file's header says, with the file's length and time of change (a rebuild
/// reads again only the files whose length or time changed).
#[derive(Debug, Clone)]
struct Read {
    stamp: (u64, Option<SystemTime>),
    header: Result<Picture, String>,
}

/// The site's raster images by URL path, and how to resize them.
#[derive(Debug, Default)]
pub struct Table {
    config: ImagesConfig,
    by_url: HashMap<String, Read>,
    fingerprint: u64,
}

/// Whether a file name is one of an image cairn resizes or measures.
fn is_raster(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    ["jpg", "jpeg", "png", "webp", "gif"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}

impl Table {
    /// Read the header of every raster image of `static/` (`statics`) and `content/`
    /// (`assets`), in parallel; a file whose length and time of change are those
    /// `previous` read is not read again.
    pub fn new(
        config: &ImagesConfig,
        (statics, assets): (&[Asset], &[Asset]),
        previous: Option<&Table>,
    ) -> Table {
        if !config.enabled {
            return Table {
                config: config.clone(),
                ..Table::default()
            };
        }
        let files: Vec<(String, &Path)> = statics
            .iter()
            .map(|a| (format!("/{}", a.content_path), a))
            .chain(assets.iter().map(|a| (urls::asset(&a.content_path), a)))
            .filter(|(url, _)| is_raster(url))
            .map(|(url, a)| (url, a.source.as_path()))
            .collect();
        let by_url: HashMap<String, Read> = files
            .into_par_iter()
            .map(|(url, source)| {
                let stamp = std::fs::metadata(source)
                    .map(|m| (m.len(), m.modified().ok()))
                    .unwrap_or((0, None));
                let known = previous
                    .and_then(|p| p.by_url.get(&url))
                    .filter(|r| r.stamp == stamp && stamp.1.is_some())
                    .filter(|r| r.header.as_ref().map_or(true, |p| p.source == source));
                let read = match known {
                    Some(r) => r.clone(),
                    None => Read {
                        stamp,
                        header: read_header(source, &url),
                    },
                };
                (url, read)
            })
            .collect();
        let mut entries: Vec<(&String, &Result<Picture, String>)> =
            by_url.iter().map(|(u, r)| (u, &r.header)).collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let fingerprint = hash_of(&(config, &entries));
        Table {
            config: config.clone(),
            by_url,
            fingerprint,
        }
    }

    /// Changes when an image's size or format, or the settings, change: what bodies
    /// that show images are rendered from.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The image at URL path `url` (no base path): `None` when it is not a raster image
    /// of the site, or resizing is off; `Err` (why) when its header cannot be read.
    pub fn get(&self, url: &str) -> Option<Result<&Picture, &str>> {
        self.by_url
            .get(url)
            .map(|r| r.header.as_ref().map_err(String::as_str))
    }

    /// The variants of `picture`: each configured width narrower than it, and its own
    /// width when that is under the widest (never enlarged). None for an animated image
    /// or a picture no wider than the narrowest width.
    pub fn variants(&self, picture: &Picture) -> Vec<Variant> {
        let widths = &self.config.widths;
        let (Some(&least), Some(&most)) = (widths.iter().min(), widths.iter().max()) else {
            return Vec::new();
        };
        if picture.animated || picture.width <= least {
            return Vec::new();
        }
        let mut chosen: Vec<u32> = widths
            .iter()
            .copied()
            .filter(|&w| w < picture.width)
            .collect();
        chosen.push(picture.width.min(most));
        chosen.sort_unstable();
        chosen.dedup();
        let ext = self.output_format(picture.format).extension();
        chosen
            .into_iter()
            .map(|width| Variant {
                width,
                height: scaled_height(picture, width),
                url: urls::image_variant(&picture.url, width, ext),
            })
            .collect()
    }

    /// The format variants of a picture in `format` are written in.
    fn output_format(&self, format: Format) -> Format {
        match self.config.format.as_str() {
            "jpeg" => Format::Jpeg,
            "webp" => Format::Webp,
            "avif" => Format::Avif,
            // auto: photographs stay JPEG; the rest (screenshots, charts, transparency)
            // become lossless WebP, smaller than PNG.
            _ if format == Format::Jpeg => Format::Jpeg,
            _ => Format::Webp,
        }
    }

    /// What an `<img>` of `picture` needs, unescaped: its original as `src`, its
    /// variants as `srcset` with the configured `sizes`, the size it is shown at.
    pub fn attributes(&self, picture: &Picture, base_path: &str) -> Attributes {
        let variants = self.variants(picture);
        let (width, height) = variants
            .last()
            .map_or((picture.width, picture.height), |v| (v.width, v.height));
        let srcset = (!variants.is_empty()).then(|| {
            let candidates: Vec<String> = variants
                .iter()
                .map(|v| {
                    let url = urls::with_base(base_path, &v.url);
                    format!("{} {}w", srcset_url(&url), v.width)
                })
                .collect();
            (candidates.join(", "), self.config.sizes.clone())
        });
        Attributes {
            src: urls::with_base(base_path, &picture.url),
            srcset,
            width,
            height,
        }
    }
}

/// The attributes of an image of the site's `<img>`, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attributes {
    pub src: String,
    /// `srcset` and `sizes`, when the image has variants.
    pub srcset: Option<(String, String)>,
    pub width: u32,
    pub height: u32,
}

/// A URL as a `srcset` candidate: whitespace and commas separate candidates there, so
/// they are percent-encoded.
pub fn srcset_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            ',' => out.push_str("%2C"),
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A hash that is the same in every run (cache keys outlive the process).
fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher as _;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    value.hash(&mut h);
    h.finish()
}

fn scaled_height(picture: &Picture, width: u32) -> u32 {
    let h = (u64::from(picture.height) * u64::from(width) + u64::from(picture.width) / 2)
        / u64::from(picture.width.max(1));
    (h as u32).max(1)
}

/// Size, format, orientation and animation from the file's first bytes.
fn read_header(source: &Path, url: &str) -> Result<Picture, String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("cannot be read as an image ({e})");
    let reader = ImageReader::open(source)
        .and_then(ImageReader::with_guessed_format)
        .map_err(|e| unreadable(&e))?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => Format::Jpeg,
        Some(ImageFormat::Png) => Format::Png,
        Some(ImageFormat::WebP) => Format::Webp,
        Some(ImageFormat::Gif) => Format::Gif,
        _ => return Err("is not a JPEG, PNG, WebP or GIF image".into()),
    };
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let (mut width, mut height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err("has no pixels".into());
    }
    if let Some(why) = too_large(width, height) {
        return Err(why);
    }
    // Unreadable metadata is none: the pixels are what is published.
    let exif = decoder.exif_metadata().ok().flatten();
    let orientation = exif.as_deref().and_then(Orientation::from_exif_chunk);
    if turns(orientation.unwrap_or(Orientation::NoTransforms)) {
        std::mem::swap(&mut width, &mut height);
    }
    drop(decoder);
    Ok(Picture {
        source: source.to_path_buf(),
        url: url.to_string(),
        width,
        height,
        format,
        animated: animated(source, format).map_err(|e| unreadable(&e))?,
        located: exif.as_deref().is_some_and(has_location),
    })
}

/// Whether an EXIF block (a TIFF structure) holds GPS coordinates: its first directory
/// points to a GPS directory (tag 0x8825) that has a latitude or a longitude (tags 2
/// and 4; a camera with positioning off may write the directory without them).
fn has_location(exif: &[u8]) -> bool {
    let big = match exif.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return false,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = exif.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = exif.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    // A directory: a count, then 12-byte entries (tag, type, count, value or offset).
    let entry = |dir: usize, wanted: &[u16]| -> Option<usize> {
        let count = usize::from(u16_at(dir)?);
        (0..count.min(512)).find_map(|i| {
            let at = dir + 2 + 12 * i;
            wanted.contains(&u16_at(at)?).then_some(at)
        })
    };
    let located = || -> Option<bool> {
        let first = u32_at(4)? as usize;
        let gps = u32_at(entry(first, &[0x8825])? + 8)? as usize;
        Some(entry(gps, &[0x0002, 0x0004]).is_some())
    };
    located().unwrap_or(false)
}

/// Whether the image has frames after the first: a GIF may (cairn does not count
/// them), a PNG or WebP says so in its header.
fn animated(source: &Path, format: Format) -> image::ImageResult<bool> {
    let open =
        || -> image::ImageResult<_> { Ok(std::io::BufReader::new(std::fs::File::open(source)?)) };
    match format {
        Format::Gif => Ok(true),
        Format::Png => image::codecs::png::PngDecoder::new(open()?)?.is_apng(),
        Format::Webp => Ok(image::codecs::webp::WebPDecoder::new(open()?)?.has_animation()),
        _ => Ok(false),
    }
}

/// Whether an orientation turns the image a quarter: its width and height swap.
fn turns(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Where a page shows an image: an error at that place, made when the page was read,
/// completed with the reason should the image fail to decode.
#[derive(Debug, Clone)]
pub struct Shown {
    pub url: String,
    pub at: Diagnostic,
}

impl Shown {
    /// The error of an image that cannot be read, at this place.
    pub fn unreadable(&self, why: &str) -> Diagnostic {
        let mut d = self.at.clone();
        d.code = Code::ImageUnreadable;
        d.message = format!("image `{}` {why}", self.url);
        d.hint = "export it again as JPEG, PNG or WebP (an SVG is used as it is)".into();
        d
    }
}

/// A variant's bytes: in the cache, or in memory when there is no cache to keep them.
#[derive(Debug)]
pub enum Bytes {
    Cached(PathBuf),
    Made(Vec<u8>),
}

/// The variants a build stages: each one's bytes, and where it goes in the output
/// (`articles/x/chart-960w.webp`).
#[derive(Debug, Default)]
pub struct Produced {
    pub files: Vec<(Bytes, String)>,
    /// Variants encoded by this build.
    pub encoded: usize,
    /// Variants taken from the cache.
    pub cached: usize,
    /// Why nothing was cached (the folder is a symbolic link, or cannot be made): every
    /// variant was encoded, and is encoded again by the next build.
    pub uncached: Option<String>,
    /// Names of the cache's files this build used (variants and decode markers).
    pub used: HashSet<String>,
}

/// The cache folder under `root`, made if missing; why not when it cannot be used. A
/// folder on the way that is a symbolic link is not followed: cairn writes only
/// inside the site's own `.cairn-cache/`.
fn cache_folder(root: &Path) -> Result<PathBuf, String> {
    let mut dir = root.to_path_buf();
    for part in CACHE.split('/') {
        dir.push(part);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!("{} is a symbolic link", dir.display()));
            }
            Ok(m) if !m.is_dir() => return Err(format!("{} is not a folder", dir.display())),
            Ok(_) => {}
            Err(_) => {
                std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
        }
    }
    Ok(dir)
}

/// Make the variants of every image `shown` names, in parallel: each taken from the
/// cache under `root` when there, decoded, resized and encoded into it otherwise.
/// An image that cannot be decoded is an error at every place that shows it.
pub fn produce(table: &Table, shown: &[Shown], root: &Path) -> Result<Produced, Vec<Diagnostic>> {
    let mut pictures: Vec<&Picture> = shown
        .iter()
        .filter_map(|s| table.get(&s.url)?.ok())
        .collect();
    pictures.sort_unstable_by(|a, b| a.url.cmp(&b.url));
    pictures.dedup_by(|a, b| a.url == b.url);
    let mut produced = Produced::default();
    if pictures.is_empty() {
        return Ok(produced);
    }
    let cache = cache_folder(root);
    let results: Vec<(&Picture, Result<Made, String>)> = pictures
        .into_par_iter()
        .map(|p| (p, make(table, p, cache.as_deref().ok())))
        .collect();
    produced.uncached = cache.err();
    let mut failed: HashMap<&str, String> = HashMap::new();
    for (picture, result) in results {
        match result {
            Ok(made) => {
                produced.encoded += made.encoded;
                produced.cached += made.files.len() - made.encoded;
                produced.files.extend(made.files);
                produced.used.extend(made.used);
            }
            Err(why) => {
                failed.insert(&picture.url, why);
            }
        }
    }
    if failed.is_empty() {
        return Ok(produced);
    }
    Err(shown
        .iter()
        .filter_map(|s| failed.get(s.url.as_str()).map(|why| s.unreadable(why)))
        .collect())
}

/// One picture's variants, and the names of the cache files it used.
struct Made {
    files: Vec<(Bytes, String)>,
    encoded: usize,
    used: Vec<String>,
}

/// The variants of one picture, from the cache or made into it; without a cache, made
/// in memory.
fn make(table: &Table, picture: &Picture, cache: Option<&Path>) -> Result<Made, String> {
    let variants = table.variants(picture);
    let bytes = std::fs::read(&picture.source).map_err(|e| format!("cannot be read ({e})"))?;
    let content = xxhash_rust::xxh3::xxh3_128(&bytes);
    if variants.is_empty() {
        // Published as it is; decoded once all the same (then remembered), so that a
        // broken file is an error here too.
        let name = format!("{:032x}.decodes", content ^ u128::from(ENCODING));
        let marker = cache.map(|c| c.join(&name));
        if !marker.as_deref().is_some_and(is_in_use) {
            decode(&bytes, picture)?;
            if let Some(marker) = &marker {
                store(marker, b"").map_err(|e| format!("cannot be cached: {e}"))?;
            }
        }
        return Ok(Made {
            files: Vec::new(),
            encoded: 0,
            used: vec![name],
        });
    }
    let out = table.output_format(picture.format);
    let key = content ^ u128::from(hash_of(&(ENCODING, out.extension(), table.config.quality)));
    let rel = |v: &Variant| v.url.trim_start_matches('/').to_string();
    let Some(cache) = cache else {
        let image = decode(&bytes, picture)?;
        let mut files = Vec::new();
        for v in &variants {
            files.push((
                Bytes::Made(resize_and_encode(&image, v, out, table)?),
                rel(v),
            ));
        }
        return Ok(Made {
            encoded: files.len(),
            files,
            used: Vec::new(),
        });
    };
    let name_of = |v: &Variant| format!("{key:032x}-{}x{}.{}", v.width, v.height, out.extension());
    let path_of = |v: &Variant| cache.join(name_of(v));
    let missing: Vec<&Variant> = variants
        .iter()
        .filter(|v| !is_in_use(&path_of(v)))
        .collect();
    if !missing.is_empty() {
        let image = decode(&bytes, picture)?;
        for v in &missing {
            let encoded = resize_and_encode(&image, v, out, table)?;
            store(&path_of(v), &encoded)
                .map_err(|e| format!("cannot be cached: {}: {e}", cache.display()))?;
        }
    }
    Ok(Made {
        files: variants
            .iter()
            .map(|v| (Bytes::Cached(path_of(v)), rel(v)))
            .collect(),
        encoded: missing.len(),
        used: variants.iter().map(name_of).collect(),
    })
}

/// How long a cache file that a build did not use is kept all the same: a `cairn serve`
/// of the same site may have just made or taken it (for a draft, say) and be about to
/// copy it (every build that takes a file sets its modification time).
const PRUNE_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// After a one-shot build: remove from the cache under `root` the files cairn made that
/// the build did not use (`used`, by name) and that no build used for [`PRUNE_AFTER`]: the
/// variants of images no longer shown, or of an earlier encoding, and files left by a
/// build stopped while it wrote one; and symbolic links named as its files (removed as
/// links). Any other file there is left alone, and a cache folder that is a symbolic
/// link is not looked into. Gives how many were removed, or
/// why the folder could not be read.
pub fn prune(root: &Path, used: &HashSet<String>) -> Result<usize, String> {
    let mut dir = root.to_path_buf();
    for part in CACHE.split('/') {
        dir.push(part);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            // No cache (or not cairn's to look into): nothing to prune.
            _ => return Ok(0),
        }
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_cache_name(&name) || used.contains(&name) {
            continue;
        }
        // A link is removed as a link: what it leads to is not touched.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= PRUNE_AFTER);
        // cairn makes no links: one named as its file is never in use, whatever its age.
        let removable = meta.is_symlink() || meta.is_file() && old;
        if removable && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether `name` is one cairn gives a file of its image cache: `{key}-{w}x{h}.{ext}`
/// (a variant), `{key}.decodes` (a decode marker), with a 32-digit hexadecimal key, or
/// `.tmp` and six letters or digits (a file being written, or left by a build stopped
/// while writing it).
fn is_cache_name(name: &str) -> bool {
    // tempfile's names: `.tmp` and six letters or digits.
    if let Some(random) = name.strip_prefix(".tmp") {
        return random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric());
    }
    let key = |k: &str| k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(k) = name.strip_suffix(".decodes") {
        return key(k);
    }
    let Some((k, rest)) = name.split_once('-') else {
        return false;
    };
    let Some((size, ext)) = rest.split_once('.') else {
        return false;
    };
    let Some((w, h)) = size.split_once('x') else {
        return false;
    };
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    key(k) && number(w) && number(h) && ["jpg", "webp", "avif"].contains(&ext)
}

fn resize_and_encode(
    image: &Decoded,
    v: &Variant,
    out: Format,
    table: &Table,
) -> Result<Vec<u8>, String> {
    let resized =
        (image.pixels).resize_exact(v.width, v.height, image::imageops::FilterType::CatmullRom);
    encode(
        &resized,
        image.profile.as_deref(),
        out,
        table.config.quality,
    )
}

/// An image's pixels, upright, and the colour profile they are in when it is an RGB one.
struct Decoded {
    pixels: DynamicImage,
    profile: Option<Vec<u8>>,
}

/// The ICC profile of an image when its colours are RGB, as every variant is written,
/// and not sRGB: a photo in a wide gamut (Display P3) keeps its colours. A CMYK or grey
/// profile would not describe the RGB pixels written, and is left out; so is an sRGB
/// one, which browsers assume for pixels without a profile (most cameras tag sRGB with
/// 3 KB, a tenth of a small variant).
fn rgb_profile(profile: Option<Vec<u8>>) -> Option<Vec<u8>> {
    // The header is 128 bytes; bytes 16 to 19 name the colour space of the data.
    profile.filter(|p| p.len() >= 128 && &p[16..20] == b"RGB " && !is_srgb(p))
}

/// Whether an RGB profile describes sRGB: its red, green and blue primaries (the
/// `rXYZ`, `gXYZ` and `bXYZ` tags, adapted to D50) are sRGB's, to within what different
/// sRGB profiles differ by, and its red tone curve is not linear (a linear sRGB profile
/// is another colour space). A profile that cannot be read this way is not sRGB.
fn is_srgb(p: &[u8]) -> bool {
    const SRGB: [(&[u8; 4], [f64; 3]); 3] = [
        (b"rXYZ", [0.4361, 0.2225, 0.0139]),
        (b"gXYZ", [0.3851, 0.7169, 0.0971]),
        (b"bXYZ", [0.1431, 0.0606, 0.7141]),
    ];
    let u32_at = |at: usize| u32_at_in(p, at);
    // The tag table follows the header: a count, then (signature, offset, size) each.
    let tag = |sig: &[u8; 4]| -> Option<&[u8]> {
        let count = u32_at(128)? as usize;
        (0..count.min(256)).find_map(|i| {
            let at = 132 + 12 * i;
            if p.get(at..at + 4)? != sig {
                return None;
            }
            let (offset, size) = (u32_at(at + 4)? as usize, u32_at(at + 8)? as usize);
            p.get(offset..offset.checked_add(size)?)
        })
    };
    let fixed = |b: &[u8], at: usize| -> Option<f64> {
        let v = i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?);
        Some(f64::from(v) / 65536.0)
    };
    let primaries = SRGB.iter().all(|(sig, want)| {
        tag(sig).is_some_and(|t| {
            t.starts_with(b"XYZ ")
                && (0..3).all(|k| fixed(t, 8 + 4 * k).is_some_and(|v| (v - want[k]).abs() < 0.005))
        })
    });
    // `curv` with no entry is the identity (gamma 1.0); one entry is a gamma (u8.8).
    let linear = tag(b"rTRC").is_some_and(|t| {
        t.starts_with(b"curv")
            && match u32_at_in(t, 8) {
                Some(0) => true,
                Some(1) => t.get(12..14) == Some(&[1, 0]),
                _ => false,
            }
    });
    primaries && !linear
}

/// A big-endian u32 at `at` in `b`.
fn u32_at_in(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Whether a file of the cache is there: a regular file, never a symbolic link (which
/// could lead anywhere; it is replaced by the file it should be).
fn is_cached(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// [`is_cached`], and if so the file's modification time set to now: [`prune`] keeps files
/// used in the last minutes, so a file a build is about to copy is not pruned by
/// another build (`cairn build` while `cairn serve --drafts` shows a draft's image).
fn is_in_use(path: &Path) -> bool {
    if !is_cached(path) {
        return false;
    }
    // Opened for reading: setting the time changes nothing else. A failure only makes
    // the file look older to a prune, which then costs an encoding.
    let _ = std::fs::File::open(path).and_then(|f| f.set_modified(SystemTime::now()));
    true
}

/// The pixels of `picture` (read from `bytes`), turned upright; an error if they are
/// not the size its header gave when the site was read (the file changed since).
fn decode(bytes: &[u8], picture: &Picture) -> Result<Decoded, String> {
    let undecodable = |e: &dyn std::fmt::Display| format!("cannot be decoded ({e})");
    let mut decoder = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| undecodable(&e))?
        .into_decoder()
        .map_err(|e| undecodable(&e))?;
    let (width, height) = decoder.dimensions();
    if let Some(why) = too_large(width, height) {
        return Err(why);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // A profile that cannot be read leaves the colours as the pixels have them.
    let profile = rgb_profile(decoder.icc_profile().ok().flatten());
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| undecodable(&e))?;
    image.apply_orientation(orientation);
    if (image.width(), image.height()) != (picture.width, picture.height) {
        return Err("changed while the site was being built: build again".into());
    }
    Ok(Decoded {
        pixels: image,
        profile,
    })
}

/// `image` encoded as `format`, with the colour profile `profile` (but as AVIF, whose
/// encoder here writes none).
fn encode(
    image: &DynamicImage,
    profile: Option<&[u8]>,
    format: Format,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let failed = |e: image::ImageError| format!("cannot be encoded ({e})");
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
            with_profile(&mut encoder, profile);
            encoder.encode_image(&rgb).map_err(failed)?;
        }
        Format::Avif => encode_avif(image, quality, &mut out)?,
        // Lossless: the encoder of the image crate writes no lossy WebP.
        _ => {
            let mut encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            with_profile(&mut encoder, profile);
            match image.color().has_alpha() {
                true => image.to_rgba8().write_with_encoder(encoder),
                false => image.to_rgb8().write_with_encoder(encoder),
            }
            .map_err(failed)?;
        }
    }
    Ok(out)
}

/// Give `encoder` the colour profile, if any: the JPEG and WebP encoders take any (it
/// cannot fail for them).
fn with_profile(encoder: &mut impl image::ImageEncoder, profile: Option<&[u8]>) {
    if let Some(p) = profile {
        let _ = encoder.set_icc_profile(p.to_vec());
    }
}

#[cfg(feature = "avif")]
fn encode_avif(image: &DynamicImage, quality: u8, out: &mut Vec<u8>) -> Result<(), String> {
    let encoder = image::codecs::avif::AvifEncoder::new_with_speed_quality(&mut *out, 6, quality);
    image
        .to_rgba8()
        .write_with_encoder(encoder)
        .map_err(|e| format!("cannot be encoded ({e})"))
}

#[cfg(not(feature = "avif"))]
fn encode_avif(_: &DynamicImage, _: u8, _: &mut Vec<u8>) -> Result<(), String> {
    // site.toml is checked: `format = "avif"` without the feature is an error there.
    Err("cannot be encoded as AVIF: cairn was built without the `avif` feature".into())
}

/// Write `bytes` to `path` whole or not at all: a build stopped halfway leaves no
/// truncated file for the next to take.
fn store(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: u32, height: u32, format: Format) -> Picture {
        Picture {
            source: PathBuf::from("x"),
            url: "/articles/x/chart.png".into(),
            width,
            height,
            format,
            animated: format == Format::Gif,
            located: false,
        }
    }

    fn table() -> Table {
        Table {
            config: ImagesConfig::default(),
            ..Table::default()
        }
    }

    #[test]
    fn variants_never_enlarge() {
        let t = table();
        let widths = |p: &Picture| t.variants(p).iter().map(|v| v.width).collect::<Vec<_>>();
        assert_eq!(widths(&picture(3000, 1500, Format::Png)), [480, 960, 1600]);
        assert_eq!(widths(&picture(1200, 600, Format::Png)), [480, 960, 1200]);
        assert_eq!(widths(&picture(960, 600, Format::Png)), [480, 960]);
        assert_eq!(widths(&picture(480, 300, Format::Png)), Vec::<u32>::new());
        assert_eq!(widths(&picture(2000, 1000, Format::Gif)), Vec::<u32>::new());
    }

    #[test]
    fn variants_keep_the_aspect_ratio_and_name_their_width_and_format() {
        let t = table();
        let v = t.variants(&picture(1200, 801, Format::Png));
        assert_eq!(
            v[0],
            Variant {
                width: 480,
                height: 320,
                url: "/articles/x/chart-480w.webp".into()
            }
        );
        let jpeg = t.variants(&picture(1200, 800, Format::Jpeg));
        assert_eq!(jpeg[2].url, "/articles/x/chart-1200w.jpg");
    }

    #[test]
    fn attributes_name_every_variant_and_the_shown_size() {
        let t = table();
        let p = picture(1200, 600, Format::Png);
        assert_eq!(
            t.attributes(&p, "/blog"),
            Attributes {
                src: "/blog/articles/x/chart.png".into(),
                srcset: Some((
                    "/blog/articles/x/chart-480w.webp 480w, /blog/articles/x/chart-960w.webp 960w, /blog/articles/x/chart-1200w.webp 1200w".into(),
                    "(min-width: 46rem) 42rem, calc(100vw - 2rem)".into()
                )),
                width: 1200,
                height: 600,
            }
        );
        let mut spaced = picture(300, 200, Format::Png);
        spaced.url = "/img/my logo.png".into();
        assert_eq!(
            t.attributes(&spaced, ""),
            Attributes {
                src: "/img/my logo.png".into(),
                srcset: None,
                width: 300,
                height: 200,
            }
        );
        assert_eq!(srcset_url("/a b,c.png"), "/a%20b%2Cc.png");
    }

    #[test]
    fn variants_are_encoded_in_their_format() {
        let img = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(64, 32, |x, y| {
            image::Rgba([x as u8 * 4, y as u8 * 8, 0, 128])
        }));
        let webp = encode(&img, None, Format::Webp, 80).unwrap();
        assert_eq!((&webp[..4], &webp[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
        let back = image::load_from_memory(&webp).unwrap();
        assert_eq!(back.to_rgba8(), img.to_rgba8(), "lossless, alpha kept");
        let jpeg = encode(&img, None, Format::Jpeg, 80).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        #[cfg(feature = "avif")]
        {
            let avif = encode(&img, None, Format::Avif, 80).unwrap();
            assert_eq!(&avif[4..12], b"ftypavif");
        }
        #[cfg(not(feature = "avif"))]
        assert!(encode(&img, None, Format::Avif, 80).is_err());
    }

    #[test]
    fn only_names_cairn_gives_its_cache_files_are_pruned() {
        let key = "0123456789abcdef0123456789ABCDEF";
        for (name, cairns) in [
            (format!("{key}-480x240.jpg"), true),
            (format!("{key}-1600x900.webp"), true),
            (format!("{key}-960x540.avif"), true),
            (format!("{key}.decodes"), true),
            (".tmpX1y2Z3".to_string(), true),
            (".tmpX1y2Z".to_string(), false),
            (".tmp-notes".to_string(), false),
            (format!("{key}-480x240.png"), false),
            (format!("{key}-480.jpg"), false),
            (format!("{key}-x240.jpg"), false),
            (format!("{key}-480x240"), false),
            (format!("{}-480x240.jpg", &key[1..]), false),
            ("notes.txt".to_string(), false),
            ("chart-480w.webp".to_string(), false),
            (format!("{key}.decodes.bak"), false),
        ] {
            assert_eq!(is_cache_name(&name), cairns, "{name}");
        }
    }

    /// An RGB profile with the primaries `xyz` (red, green, blue) and a red tone curve
    /// of `gamma` (u8.8; `None`: a 1024-entry curve).
    fn profile_with(xyz: [[f64; 3]; 3], gamma: Option<u16>) -> Vec<u8> {
        let mut p = vec![0u8; 128];
        p[16..20].copy_from_slice(b"RGB ");
        let mut tags: Vec<(&[u8; 4], Vec<u8>)> = Vec::new();
        for (sig, v) in [b"rXYZ", b"gXYZ", b"bXYZ"].into_iter().zip(xyz) {
            let mut t = b"XYZ \0\0\0\0".to_vec();
            for c in v {
                t.extend_from_slice(&((c * 65536.0).round() as i32).to_be_bytes());
            }
            tags.push((sig, t));
        }
        let mut curve = b"curv\0\0\0\0".to_vec();
        match gamma {
            Some(g) => {
                curve.extend_from_slice(&1u32.to_be_bytes());
                curve.extend_from_slice(&g.to_be_bytes());
            }
            None => {
                curve.extend_from_slice(&1024u32.to_be_bytes());
                curve.extend(std::iter::repeat_n(0u8, 2048));
            }
        }
        tags.push((b"rTRC", curve));
        p.extend_from_slice(&(tags.len() as u32).to_be_bytes());
        let mut offset = 132 + 12 * tags.len();
        let mut data = Vec::new();
        for (sig, t) in &tags {
            p.extend_from_slice(*sig);
            p.extend_from_slice(&(offset as u32).to_be_bytes());
            p.extend_from_slice(&(t.len() as u32).to_be_bytes());
            offset += t.len();
            data.extend_from_slice(t);
        }
        p.extend(data);
        p
    }

    #[test]
    fn an_srgb_profile_is_left_out_of_variants_and_a_wide_gamut_one_kept() {
        let srgb = [
            [0.4361, 0.2225, 0.0139],
            [0.3851, 0.7169, 0.0971],
            [0.1431, 0.0606, 0.7141],
        ];
        let p3 = [
            [0.5151, 0.2412, -0.0011],
            [0.2919, 0.6922, 0.0419],
            [0.1572, 0.0666, 0.7841],
        ];
        let adobe = [
            [0.6097, 0.3111, 0.0195],
            [0.2053, 0.6257, 0.0609],
            [0.1492, 0.0632, 0.7446],
        ];
        // Another maker's sRGB, a few ten-thousandths apart.
        let srgb_too = [
            [0.43607, 0.22249, 0.01392],
            [0.38515, 0.71687, 0.09708],
            [0.14307, 0.06061, 0.71410],
        ];
        assert!(is_srgb(&profile_with(srgb, None)));
        assert!(is_srgb(&profile_with(srgb_too, Some(0x0233))));
        assert!(!is_srgb(&profile_with(p3, None)));
        assert!(!is_srgb(&profile_with(adobe, Some(0x0233))));
        // Linear sRGB is another space.
        assert!(!is_srgb(&profile_with(srgb, Some(0x0100))));
        assert_eq!(rgb_profile(Some(profile_with(srgb, None))), None);
        let wide = profile_with(p3, None);
        assert_eq!(rgb_profile(Some(wide.clone())), Some(wide));
        // Cut short or without tags: not sRGB (kept, as read).
        let mut cut = profile_with(srgb, None);
        cut.truncate(200);
        assert!(!is_srgb(&cut));
    }

    #[test]
    fn a_location_is_found_in_either_byte_order_and_nothing_is_read_past_the_end() {
        // IFD0 at 8 with the GPS pointer; the GPS directory at 26 with `tags`.
        let exif = |little: bool, tags: &[u16]| -> Vec<u8> {
            let u16b = |v: u16| {
                if little {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                }
            };
            let u32b = |v: u32| {
                if little {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                }
            };
            let mut t = if little {
                b"II*\0".to_vec()
            } else {
                b"MM\0*".to_vec()
            };
            t.extend(u32b(8));
            t.extend(u16b(1));
            t.extend(u16b(0x8825));
            t.extend(u16b(4));
            t.extend(u32b(1));
            t.extend(u32b(26));
            t.extend(u32b(0));
            t.extend(u16b(tags.len() as u16));
            for &tag in tags {
                t.extend(u16b(tag));
                t.extend(u16b(1));
                t.extend(u32b(4));
                t.extend([0, 0, 0, 0]);
            }
            t
        };
        assert!(has_location(&exif(true, &[0, 2, 4])));
        assert!(has_location(&exif(false, &[4])));
        assert!(!has_location(&exif(true, &[0])));
        assert!(!has_location(&exif(false, &[])));
        let full = exif(true, &[2]);
        for cut in 0..full.len() {
            // Cut anywhere before the latitude's tag: no location, and no panic.
            assert_eq!(has_location(&full[..cut]), cut >= 30, "cut at {cut}");
        }
        assert!(!has_location(b"Exif\0\0II*\0"));
    }
}
