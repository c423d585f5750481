//! Responsive images: variants of a page's images resized, `srcset`, `sizes`, `width`
//! and `height` written, the hero shown; encoded once and taken from the cache after;
//! unreadable images and settings reported at their lines.

use crate::harness::*;

/// A PNG or JPEG of `width` × `height`, with a gradient (so encoders have work to do).
fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn page(extra: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"Alpha\"\ndate = 2026-01-01\nstage = \"awareness\"\nroles = [\"decider\"]\n{extra}+++\n{body}"
    )
}

/// Width and height of an output file, decoded.
fn size_of(site: &TestSite, rel: &str) -> (u32, u32) {
    let img = image::open(site.path(&format!("public/{rel}"))).unwrap();
    (img.width(), img.height())
}

const BODY: &str = "![The mill's chart](chart.png)\n\nText between.\n\n![Logo](/img/logo.png \"Northwind\")\n\n![Wide photo](/img/wide.jpg)\n";

fn images_site() -> TestSite {
    TestSite::new()
        .file(
            "content/articles/a/index.md",
            page(
                "image = \"hero.jpg\"\nimage_alt = \"The mill at night\"\n",
                BODY,
            ),
        )
        .file(
            "content/articles/a/chart.png",
            picture(1200, 600, image::ImageFormat::Png),
        )
        .file(
            "content/articles/a/hero.jpg",
            picture(2000, 1000, image::ImageFormat::Jpeg),
        )
        .file(
            "content/articles/b.md",
            page(
                "",
                "Nested: ![outer ![inner](/img/logo.png) text](/img/wide.jpg) done.\n",
            )
            .replace("Alpha", "Beta"),
        )
        .file(
            "static/img/logo.png",
            picture(300, 100, image::ImageFormat::Png),
        )
        .file(
            "static/img/wide.jpg",
            picture(1000, 250, image::ImageFormat::Jpeg),
        )
}

#[test]
fn images_get_variants_srcset_and_their_size_and_the_hero_is_shown() {
    let site = images_site();
    let run = site.build().success();
    assert!(
        run.stdout
            .contains("9 image variants (9 encoded, 0 from the cache)"),
        "{}",
        run.stdout
    );
    let html = site.read("articles/a/index.html");
    let sizes = "sizes=\"(min-width: 46rem) 42rem, calc(100vw - 2rem)\"";
    // The first image of the body, in its first block: not lazy.
    assert!(html.contains(&format!("<p><img src=\"/articles/a/chart.png\" srcset=\"/articles/a/chart-480w.webp 480w, /articles/a/chart-960w.webp 960w, /articles/a/chart-1200w.webp 1200w\" {sizes} width=\"1200\" height=\"600\" alt=\"The mill’s chart\" decoding=\"async\"></p>")), "{html}");
    // No wider than the narrowest width: as it is, with its size.
    assert!(html.contains("<p><img src=\"/img/logo.png\" width=\"300\" height=\"100\" alt=\"Logo\" title=\"Northwind\" loading=\"lazy\" decoding=\"async\"></p>"), "{html}");
    // JPEG stays JPEG; never enlarged: 1000 is its own width.
    assert!(html.contains(&format!("<img src=\"/img/wide.jpg\" srcset=\"/img/wide-480w.jpg 480w, /img/wide-960w.jpg 960w, /img/wide-1000w.jpg 1000w\" {sizes} width=\"1000\" height=\"250\" alt=\"Wide photo\" loading=\"lazy\" decoding=\"async\">")), "{html}");
    // The hero: the page's image, at the top, loaded first.
    assert!(html.contains(&format!("<figure class=\"hero\"><img src=\"/articles/a/hero.jpg\" srcset=\"/articles/a/hero-480w.jpg 480w, /articles/a/hero-960w.jpg 960w, /articles/a/hero-1600w.jpg 1600w\" {sizes} width=\"1600\" height=\"800\" alt=\"The mill at night\" fetchpriority=\"high\" decoding=\"async\"></figure>")), "{html}");

    // Alt text and title are escaped in the attributes.
    site.write(
        "content/articles/c.md",
        page(
            "",
            "![Costs \\<before> & after](/img/logo.png \"A \\\"title\\\"\")\n",
        )
        .replace("Alpha", "Gamma"),
    );
    site.build().success();
    let c = site.read("articles/c/index.html");
    assert!(c.contains("<img src=\"/img/logo.png\" width=\"300\" height=\"100\" alt=\"Costs &lt;before&gt; &amp; after\" title=\"A &quot;title&quot;\" decoding=\"async\">"), "{c}");

    // An image in an image's alt text is alt text.
    let b = site.read("articles/b/index.html");
    assert!(b.contains(&format!("<p>Nested: <img src=\"/img/wide.jpg\" srcset=\"/img/wide-480w.jpg 480w, /img/wide-960w.jpg 960w, /img/wide-1000w.jpg 1000w\" {sizes} width=\"1000\" height=\"250\" alt=\"outer inner text\" decoding=\"async\"> done.</p>")), "{b}");

    // The variants are real images of the sizes named.
    assert_eq!(size_of(&site, "articles/a/chart-480w.webp"), (480, 240));
    assert_eq!(size_of(&site, "articles/a/chart-1200w.webp"), (1200, 600));
    assert_eq!(size_of(&site, "articles/a/hero-1600w.jpg"), (1600, 800));
    assert_eq!(size_of(&site, "img/wide-960w.jpg"), (960, 240));
    assert!(!site.exists("public/img/logo-480w.webp"));
    let webp = std::fs::read(site.path("public/articles/a/chart-960w.webp")).unwrap();
    assert_eq!(&webp[..4], b"RIFF");
    assert_eq!(&webp[8..12], b"WEBP");
    let jpeg = std::fs::read(site.path("public/articles/a/hero-480w.jpg")).unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    // Originals are published as they are.
    assert_eq!(
        std::fs::read(site.path("public/articles/a/chart.png")).unwrap(),
        std::fs::read(site.path("content/articles/a/chart.png")).unwrap()
    );
}

#[test]
fn a_second_build_encodes_nothing_and_a_changed_image_is_encoded_again() {
    let site = images_site();
    let first = site.build().success();
    assert!(
        first.stdout.contains("(9 encoded, 0 from the cache)"),
        "{}",
        first.stdout
    );
    let cache = site.path(".cairn-cache/images");
    // A file encoded again is written under a temporary name and renamed: another inode.
    let stamps = |dir: &std::path::Path| -> Vec<(String, u64)> {
        use std::os::unix::fs::MetadataExt;
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().ino(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = stamps(&cache);
    // Nine variants, and the note that the logo (too small to resize) decodes.
    assert_eq!(before.len(), 10, "{before:?}");
    let output = site.snapshot();

    let second = site.build().success();
    assert!(
        second
            .stdout
            .contains("9 image variants (0 encoded, 9 from the cache)"),
        "{}",
        second.stdout
    );
    assert_eq!(
        stamps(&cache),
        before,
        "no cached variant was written again"
    );
    assert_eq!(site.snapshot(), output, "the same output");

    // Another chart under the same name: its three variants are encoded, nothing else.
    site.write(
        "content/articles/a/chart.png",
        picture(1000, 1000, image::ImageFormat::Png),
    );
    let third = site.build().success();
    assert!(
        third.stdout.contains("(3 encoded, 6 from the cache)"),
        "{}",
        third.stdout
    );
    assert_eq!(size_of(&site, "articles/a/chart-1000w.webp"), (1000, 1000));
    assert!(
        !site.exists("public/articles/a/chart-1200w.webp"),
        "the old variant is pruned"
    );
    let html = site.read("articles/a/index.html");
    assert!(
        html.contains("width=\"1000\" height=\"1000\" alt=\"The mill"),
        "{html}"
    );
}

#[test]
fn an_image_that_cannot_be_read_is_an_error_at_its_line_and_the_output_is_kept() {
    let site = images_site();
    site.build().success();
    let output = site.snapshot();
    // Not an image at all, under an image's name: found by check, from its header.
    site.write("content/articles/a/chart.png", "not a picture\n");
    let run = site.cairn(&["check"]).failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/articles/a/index.md:9:1: error: image `/articles/a/chart.png` cannot be read as an image (Format error decoding Png: Invalid PNG signature.)"
        ],
        "{}",
        run.stderr
    );
    // A PNG whose header is sound and whose pixels are cut off: found when decoded.
    let mut png = picture(1200, 600, image::ImageFormat::Png);
    png.truncate(200);
    site.write("content/articles/a/chart.png", &png);
    let run = site.build().failure();
    let lines = run.error_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("content/articles/a/index.md:9:1: error: image `/articles/a/chart.png` cannot be decoded ("),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("export it again as JPEG, PNG or WebP"),
        "{}",
        run.stderr
    );
    assert_eq!(
        site.snapshot(),
        output,
        "a failed build leaves the output as it was"
    );
    // A hero that is not an image either: at the `image` line.
    site.write("content/articles/a/hero.jpg", "<svg/>");
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/articles/a/index.md:6:10: error: image `/articles/a/hero.jpg` cannot be read as an image (Format error decoding Jpeg: Error parsing image. Illegal start bytes:3C73)"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(
        site.snapshot(),
        output,
        "a failed build leaves the output as it was"
    );
}

#[test]
fn a_variant_over_a_file_of_the_site_is_an_error_and_settings_are_checked() {
    let site = images_site().file("content/articles/a/chart-480w.webp", "mine\n");
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/articles/a/index.md:9:1: error: image `/articles/a/chart.png` would be resized to /articles/a/chart-480w.webp, where a file of the site already is"
        ],
        "{}",
        run.stderr
    );

    let site = images_site().file(
        "site.toml",
        format!("{SITE_TOML}[images]\nwidths = [480, 9000]\nformat = \"gif\"\nquality = 0\n"),
    );
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:4:1: error: [images] widths: 9000 is not between 16 and 8192 pixels",
            "site.toml:5:1: error: [images] format `gif` is not one cairn writes",
            "site.toml:6:1: error: [images] quality 0 is not between 1 and 100",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("write one of: auto, jpeg, webp, avif"),
        "{}",
        run.stderr
    );
}

#[test]
fn settings_choose_widths_and_format_and_resizing_can_be_turned_off() {
    let site = images_site().file(
        "site.toml",
        format!("{SITE_TOML}[images]\nwidths = [600]\nformat = \"jpeg\"\nsizes = \"100vw\"\n"),
    );
    site.build().success();
    let html = site.read("articles/a/index.html");
    assert!(html.contains("<img src=\"/articles/a/chart.png\" srcset=\"/articles/a/chart-600w.jpg 600w\" sizes=\"100vw\" width=\"600\" height=\"300\""), "{html}");
    assert_eq!(size_of(&site, "articles/a/chart-600w.jpg"), (600, 300));

    let off = images_site().file(
        "site.toml",
        format!("{SITE_TOML}[images]\nenabled = false\n"),
    );
    let run = off.build().success();
    assert!(!run.stdout.contains("image variants"), "{}", run.stdout);
    let html = off.read("articles/a/index.html");
    assert!(
        html.contains("<p><img src=\"/articles/a/chart.png\" alt=\"The mill’s chart\" /></p>"),
        "{html}"
    );
    assert!(!html.contains("class=\"hero\""), "{html}");
    assert!(!off.path(".cairn-cache").exists());
}

#[test]
fn safe_html_keeps_the_attributes_cairn_writes() {
    let site = images_site().file("site.toml", format!("safe_html = true\n{SITE_TOML}"));
    site.build().success();
    let html = site.read("articles/a/index.html");
    assert!(html.contains("srcset=\"/articles/a/chart-480w.webp 480w, /articles/a/chart-960w.webp 960w, /articles/a/chart-1200w.webp 1200w\" sizes=\"(min-width: 46rem) 42rem, calc(100vw - 2rem)\" width=\"1200\" height=\"600\""), "{html}");
    assert!(html.contains("loading=\"lazy\""), "{html}");
}

/// Poll `path` until its body contains `text`; up to 30 s.
#[track_caller]
fn wait_for(server: &Server, path: &str, text: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (_, body) = server.get(path);
        if body.contains(text) {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} never showed `{text}`:\n{body}\noutput:\n{}",
            server.output()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn serve_resizes_an_image_added_or_replaced_while_it_runs() {
    let site = TestSite::new().file("content/articles/a/index.md", page("", "Text.\n"));
    let server = site.serve();
    wait_for(&server, "/articles/a/", "Text.");
    site.write(
        "content/articles/a/chart.png",
        picture(1200, 600, image::ImageFormat::Png),
    );
    site.write(
        "content/articles/a/index.md",
        page("", "Text.\n\n![Chart](chart.png)\n"),
    );
    wait_for(
        &server,
        "/articles/a/",
        "/articles/a/chart-1200w.webp 1200w\" sizes=",
    );
    assert_eq!(server.get("/articles/a/chart-960w.webp").0, 200);
    // The same name, another picture: new sizes, new variants.
    site.write(
        "content/articles/a/chart.png",
        picture(800, 800, image::ImageFormat::Png),
    );
    wait_for(
        &server,
        "/articles/a/",
        "width=\"800\" height=\"800\" alt=\"Chart\"",
    );
    assert_eq!(server.get("/articles/a/chart-800w.webp").0, 200);
    assert_eq!(server.get("/articles/a/chart-1200w.webp").0, 404);
}

#[cfg(unix)]
#[test]
fn a_cache_folder_that_is_a_symbolic_link_is_not_written_through() {
    let site = images_site();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path(".cairn-cache")).unwrap();
    let run = site.build().success();
    assert!(
        run.stdout
            .contains("9 image variants (9 encoded, 0 from the cache)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(&format!(
            "warning: resized images are not cached: {} is a symbolic link",
            site.path(".cairn-cache").display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written through the link"
    );
    assert_eq!(size_of(&site, "articles/a/chart-960w.webp"), (960, 480));
}

/// `jpeg` with the EXIF block `tiff` (a TIFF structure) in an APP1 segment after its
/// start marker, as cameras write it.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// `jpeg` with an EXIF block saying the camera was turned (orientation 6: shown
/// turned a quarter clockwise).
fn turned(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&6u16.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    with_exif(jpeg, &tiff)
}

#[test]
fn a_photo_taken_turned_is_measured_and_resized_upright() {
    let site = TestSite::new()
        .file(
            "content/articles/a/index.md",
            page("", "![Portrait](p.jpg)\n"),
        )
        .file(
            "content/articles/a/p.jpg",
            turned(&picture(1200, 600, image::ImageFormat::Jpeg)),
        );
    site.build().success();
    let html = site.read("articles/a/index.html");
    assert!(
        html.contains("srcset=\"/articles/a/p-480w.jpg 480w, /articles/a/p-600w.jpg 600w\""),
        "{html}"
    );
    assert!(
        html.contains("width=\"600\" height=\"1200\" alt=\"Portrait\""),
        "{html}"
    );
    assert_eq!(size_of(&site, "articles/a/p-480w.jpg"), (480, 960));
    assert_eq!(size_of(&site, "articles/a/p-600w.jpg"), (600, 1200));
}

/// A PNG whose header claims `width` × `height` (and whose pixels are not there).
fn claimed_png(width: u32, height: u32) -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        v.extend_from_slice(&body);
        v.extend_from_slice(&crc(&body).to_be_bytes());
        v
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00]));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn an_image_too_large_to_decode_a_broken_small_one_and_two_images_on_one_name_are_errors() {
    // 30,000 × 30,000 pixels claimed by a few bytes: refused from its header.
    let site = images_site().file("content/articles/a/chart.png", claimed_png(30_000, 30_000));
    let run = site.cairn(&["check"]).failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/articles/a/index.md:9:1: error: image `/articles/a/chart.png` is 30000 × 30000 pixels, more than the 100 million cairn decodes"
        ],
        "{}",
        run.stderr
    );
    // An image too small to resize is decoded all the same: a broken one is an error.
    let mut logo = picture(300, 100, image::ImageFormat::Png);
    logo.truncate(120);
    let site = images_site().file("static/img/logo.png", &logo);
    let run = site.build().failure();
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
    assert!(
        run.error_lines()[0].starts_with(
            "content/articles/a/index.md:13:1: error: image `/img/logo.png` cannot be decoded ("
        ),
        "{}",
        run.stderr
    );
    // Two images whose variants would have one name.
    let site = TestSite::new()
        .file(
            "site.toml",
            format!("{SITE_TOML}[images]\nformat = \"webp\"\n"),
        )
        .file(
            "content/articles/a/index.md",
            page("", "![One](chart.png)\n\n![Two](chart.jpg)\n"),
        )
        .file(
            "content/articles/a/chart.png",
            picture(1200, 600, image::ImageFormat::Png),
        )
        .file(
            "content/articles/a/chart.jpg",
            picture(1200, 600, image::ImageFormat::Jpeg),
        );
    let run = site.build().failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/articles/a/index.md:9:1: error: image `/articles/a/chart.jpg` would be resized to /articles/a/chart-480w.webp, where `/articles/a/chart.png` is resized too; rename one of them"
        ],
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_cached_variant_that_is_a_symbolic_link_is_never_published() {
    let site = images_site();
    site.build().success();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "secret\n").unwrap();
    let cache = site.path(".cairn-cache/images");
    let mut entries: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "webp"))
        .collect();
    entries.sort();
    for entry in &entries {
        std::fs::remove_file(entry).unwrap();
        std::os::unix::fs::symlink(secret.path(), entry).unwrap();
    }
    let run = site.build().success();
    assert!(
        run.stdout.contains("(3 encoded, 6 from the cache)"),
        "{}",
        run.stdout
    );
    for rel in [
        "articles/a/chart-480w.webp",
        "articles/a/chart-960w.webp",
        "articles/a/chart-1200w.webp",
    ] {
        let bytes = std::fs::read(site.path(&format!("public/{rel}"))).unwrap();
        assert_eq!(&bytes[..4], b"RIFF", "{rel}");
    }
    assert_eq!(std::fs::read_to_string(secret.path()).unwrap(), "secret\n");
    for entry in &entries {
        assert!(
            std::fs::symlink_metadata(entry)
                .unwrap()
                .file_type()
                .is_file()
        );
    }
}

/// A serve session's rebuilds after image edits write what a fresh full build writes.
#[test]
fn rebuilds_after_image_edits_equal_full_builds() {
    use crate::incremental::{assert_same, options};
    let site = images_site()
        .file(
            "site.toml",
            format!("{SITE_TOML}[languages.fi]\nname = \"Suomi\"\n"),
        )
        .file(
            "content/articles/a/index.fi.md",
            "+++\ntitle = \"Alfa\"\nimage_alt = \"Valssaamo yöllä\"\n+++\n![Kaavio](chart.png)\n",
        );
    let mut session = cairn::Session::new(options(&site, "inc"), true);
    session.build(None).unwrap();
    // The chart replaced by one of another size.
    site.write(
        "content/articles/a/chart.png",
        picture(800, 1000, image::ImageFormat::Png),
    );
    assert_same(&site, &mut session, &["articles/a/chart.png"]);
    // The hero replaced: the original's and the translation's hero change.
    site.write(
        "content/articles/a/hero.jpg",
        picture(1000, 1000, image::ImageFormat::Jpeg),
    );
    assert_same(&site, &mut session, &["articles/a/hero.jpg"]);
    // A new image shown by an edit of the body.
    site.write(
        "content/articles/a/new.png",
        picture(700, 350, image::ImageFormat::Png),
    );
    site.write(
        "content/articles/b.md",
        page("", "New: ![New](a/new.png)\n").replace("Alpha", "Beta"),
    );
    assert_same(
        &site,
        &mut session,
        &["articles/a/new.png", "articles/b.md"],
    );
    // The hero removed from the front matter; then the chart deleted (an error), and back.
    site.write("content/articles/a/index.md", page("", BODY));
    site.write(
        "content/articles/a/index.fi.md",
        "+++\ntitle = \"Alfa\"\n+++\n![Kaavio](chart.png)\n",
    );
    assert_same(
        &site,
        &mut session,
        &["articles/a/index.md", "articles/a/index.fi.md"],
    );
    std::fs::remove_file(site.path("content/articles/a/chart.png")).unwrap();
    assert!(
        session
            .build(Some(&["articles/a/chart.png".to_string()]))
            .is_err()
    );
    site.write(
        "content/articles/a/chart.png",
        picture(1200, 600, image::ImageFormat::Png),
    );
    assert_same(&site, &mut session, &["articles/a/chart.png"]);
}

/// A minimal ICC profile whose colour space is `space` (`b"RGB "`, `b"CMYK"`): a
/// 128-byte header and an empty tag table.
fn profile(space: &[u8; 4]) -> Vec<u8> {
    let mut p = vec![0u8; 132];
    p[..4].copy_from_slice(&132u32.to_be_bytes());
    p[12..16].copy_from_slice(b"mntr");
    p[16..20].copy_from_slice(space);
    p[20..24].copy_from_slice(b"XYZ ");
    p[36..40].copy_from_slice(b"acsp");
    p
}

/// A picture like [`picture`]'s, written with the ICC profile `icc`.
fn picture_with_profile(
    width: u32,
    height: u32,
    format: image::ImageFormat,
    icc: &[u8],
) -> Vec<u8> {
    use image::ImageEncoder;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Vec::new();
    match format {
        image::ImageFormat::Jpeg => {
            let mut e = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            e.set_icc_profile(icc.to_vec()).unwrap();
            e.encode_image(&img).unwrap();
        }
        _ => {
            let mut e = image::codecs::png::PngEncoder::new(&mut out);
            e.set_icc_profile(icc.to_vec()).unwrap();
            e.write_image(&img, width, height, image::ExtendedColorType::Rgb8)
                .unwrap();
        }
    }
    out
}

/// The ICC profile of an output file, if it has one.
fn profile_of(site: &TestSite, rel: &str) -> Option<Vec<u8>> {
    use image::ImageDecoder;
    image::ImageReader::open(site.path(&format!("public/{rel}")))
        .unwrap()
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap()
        .icc_profile()
        .unwrap()
}

#[test]
fn variants_keep_an_rgb_colour_profile_and_leave_out_any_other() {
    let rgb = profile(b"RGB ");
    let site = TestSite::new()
        .file(
            "content/articles/a/index.md",
            page(
                "",
                "![Photo](p.jpg)\n\n![Chart](c.png)\n\n![Print](k.jpg)\n",
            ),
        )
        .file(
            "content/articles/a/p.jpg",
            picture_with_profile(1000, 500, image::ImageFormat::Jpeg, &rgb),
        )
        .file(
            "content/articles/a/c.png",
            picture_with_profile(1000, 500, image::ImageFormat::Png, &rgb),
        )
        .file(
            "content/articles/a/k.jpg",
            picture_with_profile(1000, 500, image::ImageFormat::Jpeg, &profile(b"CMYK")),
        );
    site.build().success();
    for rel in [
        "articles/a/p-480w.jpg",
        "articles/a/p-960w.jpg",
        "articles/a/c-480w.webp",
        "articles/a/c-960w.webp",
    ] {
        assert_eq!(profile_of(&site, rel).as_ref(), Some(&rgb), "{rel}");
    }
    // A CMYK profile does not describe the RGB pixels written.
    assert_eq!(profile_of(&site, "articles/a/k-480w.jpg"), None);
    // The originals are published as they are, profile and all.
    assert_eq!(profile_of(&site, "articles/a/p.jpg").as_ref(), Some(&rgb));
}

/// The names of the files in a folder, sorted.
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Make every file in `dir` (links themselves, not what they lead to) an hour old.
fn age(dir: &std::path::Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for name in names_in(dir) {
        let path = dir.join(&name);
        if std::fs::symlink_metadata(&path).unwrap().is_symlink() {
            continue;
        }
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(hour_ago).unwrap();
    }
}

#[test]
fn a_build_removes_the_cache_files_it_did_not_use_and_nothing_else() {
    let site = images_site();
    site.build().success();
    let cache = site.path(".cairn-cache/images");
    let first = names_in(&cache);
    assert_eq!(first.len(), 10, "{first:?}");
    let chart_variants = |names: &[String]| -> Vec<String> {
        // The chart is the only PNG shown with variants in the body of `a`: its variants
        // are the WebP files of 1200 × 600 and smaller of the same key.
        names
            .iter()
            .filter(|n| n.ends_with("x600.webp"))
            .cloned()
            .collect()
    };
    let old_chart = chart_variants(&first);
    assert_eq!(old_chart.len(), 1, "{first:?}");

    // Someone's own file, a file left by a stopped build, a link named as a variant
    // that leads outside: only cairn's own unused files go, and links as links.
    std::fs::write(cache.join("notes.txt"), "mine").unwrap();
    std::fs::write(cache.join(".tmpAbC123"), "half").unwrap();
    let outside = site.path("outside.webp");
    std::fs::write(&outside, "keep me").unwrap();
    let link = format!("{}-10x10.webp", "ab".repeat(16));
    std::os::unix::fs::symlink(&outside, cache.join(&link)).unwrap();

    // A new chart: a build right after keeps the old variants (a serve of the same
    // site may be using them); they go once they are old.
    site.write(
        "content/articles/a/chart.png",
        picture(1000, 1000, image::ImageFormat::Png),
    );
    // The link goes at once: cairn makes none, so none is in use.
    let run = site.build().success();
    assert!(
        run.stdout
            .contains("(3 encoded, 6 from the cache, 1 unused removed from .cairn-cache/images)"),
        "{}",
        run.stdout
    );
    let after_edit = names_in(&cache);
    assert!(after_edit.contains(&old_chart[0]), "{after_edit:?}");
    assert!(!after_edit.contains(&link), "{after_edit:?}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");

    age(&cache);
    let run = site.build().success();
    assert!(
        run.stdout.contains(
            "9 image variants (0 encoded, 9 from the cache, 4 unused removed from .cairn-cache/images)"
        ),
        "{}",
        run.stdout
    );
    let left = names_in(&cache);
    assert!(!left.contains(&old_chart[0]), "{left:?}");
    assert!(!left.contains(&".tmpAbC123".to_string()), "{left:?}");
    assert!(left.contains(&"notes.txt".to_string()), "{left:?}");
    // What the build used is all there: the next build encodes nothing.
    assert_eq!(left.len(), 11, "{left:?}");
    let run = site.build().success();
    assert!(
        run.stdout.contains("(0 encoded, 9 from the cache)"),
        "{}",
        run.stdout
    );

    // A serve session never prunes: it may show drafts a build does not.
    let server = site.serve();
    site.write("content/articles/a/index.md", page("", "No images now.\n"));
    server.wait_for_line(|l| l.starts_with("changed content/articles/a/index.md: rendered "));
    age(&cache);
    drop(server);
    assert_eq!(names_in(&cache), left);
}

#[test]
fn a_file_another_build_just_took_from_the_cache_is_not_pruned() {
    // A draft shows an image: `--drafts` builds (a serve session's, say) take its
    // variants; a build without drafts does not use them, but keeps them while they
    // were used in the last ten minutes.
    let site = TestSite::new()
        .file("content/articles/a.md", page("", "Text.\n"))
        .file(
            "content/articles/d/index.md",
            page("draft = true\n", "![Draft chart](chart.png)\n").replace("Alpha", "Draft"),
        )
        .file(
            "content/articles/d/chart.png",
            picture(1000, 500, image::ImageFormat::Png),
        );
    let run = site.cairn(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cache = site.path(".cairn-cache/images");
    let made = names_in(&cache);
    assert_eq!(made.len(), 3, "{made:?}");
    age(&cache);
    // Taken again from the cache: their modification times are now.
    let run = site.cairn(&["build", "--drafts"]);
    assert!(
        run.stdout.contains("(0 encoded, 3 from the cache)"),
        "{}",
        run.stdout
    );
    let run = site.build().success();
    assert!(!run.stdout.contains("unused removed"), "{}", run.stdout);
    assert_eq!(names_in(&cache), made);
    // Unused for longer than that, they go.
    age(&cache);
    let run = site.build().success();
    assert!(
        run.stdout
            .contains("(46 files, 3 unused image files removed from .cairn-cache/images)"),
        "{}",
        run.stdout
    );
    assert_eq!(names_in(&cache), Vec::<String>::new());
}

/// `jpeg` with an EXIF block whose GPS directory holds `tags` (2: latitude, 4:
/// longitude; none: a camera with positioning off).
fn with_gps(jpeg: &[u8], tags: &[u16]) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0*");
    tiff.extend_from_slice(&8u32.to_be_bytes());
    // IFD0 at 8: one entry, the GPS directory's offset (26: 8 + 2 + 12 + 4).
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x8825u16.to_be_bytes());
    tiff.extend_from_slice(&4u16.to_be_bytes()); // LONG
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&26u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    // The GPS directory: the version, then each tag asked for (a BYTE value inline).
    let mut entries: Vec<u16> = vec![0x0000];
    entries.extend_from_slice(tags);
    tiff.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for tag in entries {
        tiff.extend_from_slice(&tag.to_be_bytes());
        tiff.extend_from_slice(&1u16.to_be_bytes()); // BYTE
        tiff.extend_from_slice(&4u32.to_be_bytes());
        tiff.extend_from_slice(&[2, 3, 0, 0]);
    }
    tiff.extend_from_slice(&0u32.to_be_bytes());
    with_exif(jpeg, &tiff)
}

#[test]
fn a_photo_that_tells_where_it_was_taken_is_a_warning_where_it_is_first_shown() {
    let photo = picture(1000, 500, image::ImageFormat::Jpeg);
    let site = TestSite::new()
        .file(
            "content/articles/a/index.md",
            page(
                "",
                "Intro.\n\n![The plant](plant.jpg)\n\n![Again](plant.jpg)\n\n![Off](off.jpg)\n",
            ),
        )
        .file(
            "content/articles/a/plant.jpg",
            with_gps(&photo, &[0x0001, 0x0002, 0x0003, 0x0004]),
        )
        .file("content/articles/a/off.jpg", with_gps(&photo, &[]));
    let run = site.build().success();
    let warnings = run.warning_lines();
    assert_eq!(
        warnings,
        [
            "content/articles/a/index.md:9:1: warning: image `/articles/a/plant.jpg` carries the place it was taken (GPS coordinates), published with it"
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("= hint: if that should not be public, remove the location from the file (`exiftool -gps:all= photo.jpg`)"),
        "{}",
        run.stderr
    );
    // The variants carry no metadata.
    use image::ImageDecoder;
    let variant = std::fs::read(site.path("public/articles/a/plant-480w.jpg")).unwrap();
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(variant)).unwrap();
    assert_eq!(decoder.exif_metadata().unwrap(), None);
    // `--strict` makes it an error, as every warning.
    let strict = site.cairn(&["build", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
}
