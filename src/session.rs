//! A site built once or again and again: [`Session`] keeps, between builds
//! of `cairn serve`, each file's text, front matter and rendered body and
//! each output's inputs, so that an edit re-reads and re-renders only what
//! it touched; a one-shot `cairn build` is a session of one build.

use std::time::Instant;

use crate::diagnostics::Diagnostic;
use crate::model::{self, Site};
use crate::render::{self, RenderError};
use crate::theme::Theme;
use crate::{
    BuildError, BuildOptions, Loaded, Report, Timings, load_with, output, resolved_output, source,
};

/// Builds of one site, one after another (`cairn serve`). With `incremental`,
/// it keeps each file's text, front matter and rendered body, and each
/// output's inputs, so that after an edit only the touched files are read
/// and only outputs whose inputs changed are rendered and written. The
/// output is byte-for-byte what a full build writes.
pub struct Session {
    options: BuildOptions,
    incremental: bool,
    cache: model::Cache,
    /// Texts of the last build's files, by content path.
    /// (A sorted map: its values are already in the order a full scan reads files.)
    texts: std::collections::BTreeMap<String, std::sync::Arc<source::SourceFile>>,
    /// Inputs of each output file of the last committed build.
    fingerprints: Option<render::Fingerprints>,
    /// "Now" is the clock's time at each build (`cairn serve`), not the options' fixed time:
    /// a page scheduled for later appears with the first build after its time.
    follow_clock: bool,
    /// The output folder, once the first build has checked that cairn may write there.
    output: Option<output::Output>,
    /// The output is this session's own temporary folder: its record stays in memory.
    private_output: bool,
    /// Non-Markdown files of content/ at the last build.
    assets: Vec<source::Asset>,
    /// Files of static/ at the last build.
    statics: Vec<source::Asset>,
    /// The last successful build's site, for an edit that touches only a body.
    last: Option<Last>,
    /// The search index, made in the background after each build (incremental sessions).
    search: crate::search::Background,
}

/// What a serve session keeps of its last successful build.
struct Last {
    site: Site,
    theme: Theme,
    /// site.toml and i18n/ as it read them: reused while only Markdown files change.
    settings: crate::Settings,
    patcher: model::Patcher,
    warnings: Vec<Diagnostic>,
    /// Files in the output.
    files: usize,
}

impl Last {
    /// With `settings`, gives the settings and theme to build with again; frees the rest
    /// on a thread of its own: freeing ten thousand pages takes milliseconds an
    /// edit-reload loop need not wait for.
    fn keep(self, settings: bool) -> Option<(crate::Settings, Theme)> {
        let Last {
            site,
            theme,
            settings: read,
            patcher,
            warnings,
            ..
        } = self;
        if !settings {
            std::thread::spawn(move || drop((site, patcher, warnings, read, theme)));
            return None;
        }
        std::thread::spawn(move || drop((site, patcher, warnings)));
        Some((read, theme))
    }
}

impl Session {
    pub fn new(options: BuildOptions, incremental: bool) -> Session {
        Session {
            options,
            incremental,
            cache: model::Cache::new(incremental),
            texts: Default::default(),
            fingerprints: None,
            follow_clock: false,
            output: None,
            private_output: false,
            assets: Vec::new(),
            statics: Vec::new(),
            last: None,
            search: crate::search::Background::new(),
        }
    }

    /// The output folder is this session's own, made for it and removed with it (`cairn
    /// serve`): the record of its files is kept in memory, not rewritten on every edit.
    pub fn with_private_output(mut self) -> Session {
        self.private_output = true;
        self
    }

    /// Take "now" from the clock at each build instead of the options (`cairn serve`,
    /// which runs for hours: a page scheduled for later appears once its time has come).
    pub fn following_the_clock(mut self) -> Session {
        self.follow_clock = true;
        self
    }

    /// Forget everything kept: the next build reads and renders all (after a change of
    /// site.toml, templates or static files).
    pub fn invalidate(&mut self) {
        self.cache = model::Cache::new(self.incremental);
        self.texts.clear();
        self.fingerprints = None;
        self.last = None;
    }

    /// An edit that changed only the bodies of existing pages, and nothing a card, a
    /// listing, a link or a claim elsewhere shows: re-render just those pages over the
    /// last build. `None` when that is not the case (nothing was touched then).
    fn patch(&mut self, changed: &[String], start: Instant) -> Option<Result<Report, BuildError>> {
        let mut timings = Timings::start();
        if self.last.is_none() || self.fingerprints.is_none() {
            return None;
        }
        // An output emptied behind the session's back (someone removed it) takes a full build.
        if self.output.as_ref().is_none_or(|o| o.manifest().is_empty()) {
            return None;
        }
        // data/ is read again for every build: a file reached through a link changes
        // where no watch sees it, and claims and templates show it.
        let (data, problems) = crate::data::load(
            &self.options.root,
            resolved_output(&self.options).as_deref(),
        );
        if !problems.is_empty() || self.last.as_ref()?.site.data.hash() != data.hash() {
            return None;
        }
        // Each edited file, read once.
        let root = &self.options.root;
        let read = |c: &String| {
            let abs = root.join(source::CONTENT_DIR).join(c);
            source::read_source(root, &abs, c.clone())
                .ok()
                .map(std::sync::Arc::new)
        };
        let files: Vec<SharedText> = changed.iter().map(read).collect::<Option<_>>()?;
        let Some(edits) = self.body_edits(&files) else {
            return self.front_edit(&files, timings, start);
        };
        timings.lap("model and Markdown");
        if edits.is_empty() {
            // Saved without a change: nothing to write.
            let last = self.last.as_ref()?;
            return Some(Ok(patch_report(0, timings, last, start)));
        }
        self.write_patch(edits, None, timings, start)
    }

    /// An edit of one page's front matter that leaves the site's shape as it was (see
    /// [`model::patch_front`]): put the page, and the pages citing its figures, into the
    /// last build's site and render what shows them. `None` when that is not the case.
    fn front_edit(
        &mut self,
        files: &[SharedText],
        mut timings: Timings,
        start: Instant,
    ) -> Option<Result<Report, BuildError>> {
        let [new] = files else {
            return None;
        };
        let last = self.last.as_ref()?;
        let texts = &self.texts;
        let edit = model::patch_front(
            &last.site,
            &last.patcher,
            new,
            &crate::theme::ShortcodeTemplates { theme: &last.theme },
            &self.patch_options(),
            &|path| texts.get(path).cloned(),
        )?;
        // The report gives the last build's warnings: none may be about a page rendered again.
        let mut paths = std::iter::once(&edit.page).chain(&edit.citing);
        if paths.any(|(_, p)| last.warnings.iter().any(|w| w.path == p.meta.path)) {
            return None;
        }
        timings.lap("model and Markdown");
        let (index, page) = edit.page;
        let mut edits = vec![BodyEdit {
            index,
            page,
            text: new.clone(),
        }];
        for (index, page) in edit.citing {
            let text = self.texts.get(&page.meta.content_path)?.clone();
            edits.push(BodyEdit { index, page, text });
        }
        let front = Front {
            cases: edit.cases,
            moves: edit.moves,
            to: edit.to,
        };
        self.write_patch(edits, Some(front), timings, start)
    }

    /// The model's options for a patch: its words are the site's it patches.
    fn patch_options(&self) -> model::Options {
        model::Options {
            drafts: self.options.drafts,
            now: self.options.now,
            words: std::sync::Arc::new(Vec::new()),
        }
    }

    /// Takes the edited files as they are now; gives each changed page's new value,
    /// or `None` when some edit is more than a body change (a full build is needed then).
    /// Files saved without a change are left out.
    fn body_edits(&self, files: &[SharedText]) -> Option<Vec<BodyEdit>> {
        let last = self.last.as_ref()?;
        let mut edits: Vec<BodyEdit> = Vec::new();
        for new in files {
            let old = self.texts.get(&new.content_path)?;
            if new.text == old.text {
                continue;
            }
            let (index, page) = model::patch(
                &last.site,
                &last.patcher,
                old,
                new,
                &crate::theme::ShortcodeTemplates { theme: &last.theme },
                &self.patch_options(),
            )?;
            let same_card = render::card_hash(&last.site, index, &last.site.pages[index])
                == render::card_hash(&last.site, index, &page);
            if !same_card || edits.iter().any(|e| e.index == index) {
                return None;
            }
            edits.push(BodyEdit {
                index,
                page,
                text: new.clone(),
            });
        }
        Some(edits)
    }

    /// Takes the (non-empty) edits, whether they are of a front matter (with what claims
    /// resolve against from now on, when that changed) or of bodies only, and the timings
    /// so far; puts the new pages into the last site, renders and writes what shows them
    /// and commits the output. Gives the report, or `None` (the last site restored) when a
    /// full build must find out what changed.
    fn write_patch(
        &mut self,
        edits: Vec<BodyEdit>,
        front: Option<Front>,
        mut timings: Timings,
        start: Instant,
    ) -> Option<Result<Report, BuildError>> {
        let options = &self.options;
        let last = self.last.as_mut()?;
        let fingerprints = self.fingerprints.as_mut()?;
        let output = self.output.as_mut()?;
        let mut staging = match output.stage() {
            Ok(s) => s,
            Err(e) => return Some(Err(BuildError::Io(e))),
        };
        staging.clean_up_in_background();
        let listings = render::listing_count(&last.site);
        let moves = front.as_ref().filter(|f| f.moves).map(|f| f.to);
        let to = moves.flatten();
        let (old, texts, reshaped, pages) = put_in(&mut last.site, fingerprints, edits, moves);
        let edited = front.is_some().then(|| render::Edited {
            pages: &pages,
            relinked: reshaped.as_ref().map_or(&[], |r| &r.relinked[..]),
            moved: reshaped.as_ref().map(|r| render::Moved {
                stages: &r.stages,
                roles: &r.roles,
                industries: &r.industries,
                listings,
                order: to.is_some(),
            }),
        });
        let rendered = render_patch(
            last,
            &options.render,
            &staging,
            fingerprints,
            edited,
            &pages,
        );
        let written = match rendered {
            Ok(Some(n)) => n,
            // Something site-wide changed, or the page template failed: a full build
            // finds out which and reports every error.
            // A page moved in the site's order is not moved back: the full build that
            // follows builds the site anew.
            Ok(None) | Err(RenderError::Templates(_)) if to.is_some() => {
                self.last = None;
                return None;
            }
            Ok(None) | Err(RenderError::Templates(_)) => {
                swap_in(&mut last.site, old);
                if let Some(r) = reshaped {
                    r.undo(&mut last.site);
                }
                return None;
            }
            Err(RenderError::Io(e)) => {
                self.invalidate();
                return Some(Err(BuildError::Io(
                    anyhow::Error::new(e).context("cannot write the output"),
                )));
            }
        };
        timings.lap("render and write");
        match staging.commit_patch() {
            Ok((manifest, _)) => output.set_manifest(manifest),
            Err(e) => {
                self.invalidate();
                return Some(Err(BuildError::Io(e)));
            }
        }
        timings.lap("swap output");
        if let Some(cases) = front.and_then(|f| f.cases) {
            last.patcher.set_cases(cases);
        }
        for new in texts {
            self.texts.insert(new.content_path.clone(), new);
        }
        // The pages changed, whether or not any output shows what changed: index them.
        index_in_background(&mut self.search, Some(&last.site));
        Some(Ok(patch_report(written, timings, last, start)))
    }

    /// Build. `changed` lists the content paths (`articles/x.md`, relative to `content/`)
    /// edited since the last build; other files' texts are reused. `None` reads everything
    /// (after an edit in `data/`, which every build reads afresh, the caches still apply).
    pub fn build(&mut self, changed: Option<&[String]>) -> Result<Report, BuildError> {
        let start = Instant::now();
        if self.follow_clock {
            self.options.now = jiff::Timestamp::now();
        }
        self.open_output()?;
        let known = self.known_edits(changed);
        if let Some(report) = known.and_then(|changed| self.patch(changed, start)) {
            return report;
        }
        // Only a build that succeeds leaves something to patch.
        let previous_last = self.last.take();
        // Only Markdown changed: site.toml, templates and i18n/ are as last read.
        let kept = previous_last.and_then(|l| l.keep(known.is_some()));
        let result = match known {
            Some(changed) => {
                let scan = self.reread(changed);
                load_with(&self.options, &mut self.cache, || scan, kept)
            }
            None => {
                let options = &self.options;
                let read = || source::scan(&options.root, resolved_output(options).as_deref());
                load_with(options, &mut self.cache, read, None)
            }
        };
        let (mut loaded, files, settings) = result.map_err(BuildError::Content)?;
        if self.incremental && known.is_none() {
            self.texts = files
                .into_iter()
                .map(|f| (f.content_path.clone(), f))
                .collect();
            self.assets = loaded.site.assets.clone();
            self.statics = loaded.site.statics.clone();
        } else {
            // Rendering needs the parsed site, not the Markdown it came from.
            drop(files);
        }
        let (report, fingerprints) = self.write_site(&mut loaded, start)?;
        if self.incremental {
            index_in_background(&mut self.search, Some(&loaded.site));
            self.remember(loaded, settings, &report, fingerprints);
        }
        Ok(report)
    }

    /// Whether a search index is being made in the background.
    pub fn indexing(&self) -> bool {
        self.search.busy()
    }

    /// Without waiting: commit the search index made in the background when it is done
    /// and still of the build the output holds; gives how many pages it holds and how
    /// long it took, or why it could not be made or written (the output is then as it was).
    pub fn commit_search(&mut self) -> Option<Result<(usize, std::time::Duration), BuildError>> {
        let done = self.search.poll()?;
        Some(self.commit_search_index(done))
    }

    /// Wait for the search index of the last build and commit it (`None`: none to wait
    /// for). For tests, which compare a session's output with a full build's.
    pub fn wait_for_search(&mut self) -> Option<Result<(usize, std::time::Duration), BuildError>> {
        let done = self.search.wait()?;
        Some(self.commit_search_index(done))
    }

    fn commit_search_index(
        &mut self,
        done: anyhow::Result<crate::search::Finished>,
    ) -> Result<(usize, std::time::Duration), BuildError> {
        let done = done?;
        let output = self
            .output
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("no output to write the search index into"))?;
        let mut staging = output.stage()?;
        staging.clean_up_in_background();
        crate::stage_all(&staging, done.files)?;
        let (manifest, _) = staging.commit_folder(crate::search::BUNDLE)?;
        output.set_manifest(manifest);
        Ok((done.pages, done.took))
    }

    /// Opens the output folder on the first build (checking that cairn may write there),
    /// and reads its state again on later ones.
    fn open_output(&mut self) -> Result<(), BuildError> {
        let options = &self.options;
        match &mut self.output {
            Some(output) => output.refresh()?,
            None => {
                let mut output =
                    output::Output::open(&options.root, &options.output, options.force)?;
                if self.private_output {
                    output.keep_record_in_memory();
                }
                self.output = Some(output);
            }
        }
        Ok(())
    }

    /// Takes the edited content paths the watcher reported; gives them back when just
    /// those files need reading again (Markdown files, no links among them, in an
    /// incremental session that has read the site), else `None`: walk all of content/.
    /// A link goes through a full scan, which checks where it leads.
    fn known_edits<'c>(&self, changed: Option<&'c [String]>) -> Option<&'c [String]> {
        changed.filter(|c| {
            self.incremental
                && !self.texts.is_empty()
                && c.iter()
                    .all(|p| p.ends_with(".md") && !source::is_linked(&self.options.root, p))
        })
    }

    /// Takes the edited content paths; re-reads those files into the kept texts (a
    /// removed one is forgotten) and gives the scan of the whole site: the kept texts in
    /// path order, the last assets and static files, and the problems reading found.
    fn reread(&mut self, changed: &[String]) -> source::Scan {
        let options = &self.options;
        let mut diagnostics = Vec::new();
        for c in changed {
            let abs = options.root.join(source::CONTENT_DIR).join(c);
            self.texts.remove(c);
            if abs.is_file() {
                match source::read_source(&options.root, &abs, c.clone()) {
                    Ok(f) => {
                        self.texts.insert(c.clone(), std::sync::Arc::new(f));
                    }
                    Err(d) => diagnostics.push(d),
                }
            }
        }
        let mut pages: Vec<std::sync::Arc<source::SourceFile>> =
            self.texts.values().cloned().collect();
        pages.sort_by(|a, b| a.content_path.cmp(&b.content_path));
        source::Scan {
            pages,
            assets: self.assets.clone(),
            statics: self.statics.clone(),
            diagnostics,
        }
    }

    /// Takes the loaded site (its warnings and timings are taken out of it) and the
    /// build's start; renders only outputs whose inputs changed (all, without
    /// `incremental`), copies the static files and commits the output. Gives the report
    /// and this build's fingerprints.
    /// Render and write the loaded site over the last build's output: only the outputs
    /// whose fingerprints changed when this session keeps them.
    fn write_site(
        &mut self,
        loaded: &mut Loaded,
        start: Instant,
    ) -> Result<(Report, Option<render::Made>), BuildError> {
        let output = self.output.as_mut().expect("opened above");
        if output.manifest().is_empty() {
            // Fingerprints describe files that are no longer there.
            self.fingerprints = None;
        }
        let none_yet = render::Fingerprints::default();
        let previous = match (&self.fingerprints, self.incremental) {
            (Some(f), true) => Some(f),
            (None, true) => Some(&none_yet),
            _ => None,
        };
        crate::write_site(output, loaded, &self.options, previous, start)
    }

    /// Takes a successful build's site, settings, report and fingerprints (whole, or the
    /// changes to the kept ones); keeps them for the next build, and frees the old
    /// fingerprints on a thread of their own.
    fn remember(
        &mut self,
        loaded: Loaded,
        settings: crate::Settings,
        report: &Report,
        fingerprints: Option<render::Made>,
    ) {
        let fingerprints = match (fingerprints, self.fingerprints.take()) {
            (Some(render::Made::Changes(c)), Some(mut kept)) => {
                kept.apply(render::Made::Changes(c));
                Some(kept)
            }
            (Some(render::Made::Whole(whole)), _) => Some(whole),
            // Changes to fingerprints no longer kept cannot be: start again.
            (Some(render::Made::Changes(_)), None) | (None, _) => None,
        };
        let old = std::mem::replace(&mut self.fingerprints, fingerprints);
        let Loaded {
            site,
            theme,
            patcher,
            ..
        } = loaded;
        self.last = patcher.map(|patcher| Last {
            site,
            theme,
            settings,
            patcher,
            warnings: report.warnings.clone(),
            files: report.files,
        });
        // Freeing ten thousand pages takes milliseconds an edit-reload loop need not wait for.
        std::thread::spawn(move || drop(old));
    }
}

/// Render what a patch of `last`'s site changed into `sink`: what shows the pages
/// `edited` (a front-matter edit), or else just the `pages` whose bodies changed.
fn render_patch(
    last: &Last,
    options: &render::RenderOptions,
    sink: &dyn render::Sink,
    fingerprints: &mut render::Fingerprints,
    edited: Option<render::Edited>,
    pages: &[usize],
) -> Result<Option<usize>, RenderError> {
    let (site, theme) = (&last.site, &last.theme);
    match edited {
        Some(edited) => render::render_changed(site, theme, options, sink, fingerprints, &edited),
        None => render::render_pages(site, theme, options, sink, fingerprints, pages),
    }
}

/// After a build committed `site` (`None`: a session that keeps no site): index it on a
/// thread of `search`'s own, in every language, when search is on.
fn index_in_background(search: &mut crate::search::Background, site: Option<&Site>) {
    let Some(site) = site else {
        return;
    };
    let pages = crate::search::enabled(&site.config).then(|| crate::search::input(site));
    search.built(pages);
}

/// How a front-matter edit is patched in.
struct Front {
    /// What claims resolve against from now on, when a case study's figures changed.
    cases: Option<model::Cases>,
    /// Whether the edited page (the first edit) leaves lists or joins others, or moves
    /// within them.
    moves: bool,
    /// Where it goes in the site's order, when its date moves it.
    to: Option<usize>,
}

/// A page whose body an edit changed, and nothing else.
struct BodyEdit {
    /// Its index in the site's pages.
    index: usize,
    /// The page with the new body.
    page: model::Page,
    /// The file's new text.
    text: SharedText,
}

/// What [`put_in`] gives back.
type PutIn = (
    Vec<BodyEdit>,
    Vec<SharedText>,
    Option<model::Reshaped>,
    Vec<usize>,
);

/// Takes a site, its fingerprints and edits, the first of which `moves` its page when
/// set (between lists or within them, and to another place in the site's order when it
/// gives one); puts each in (the first with [`model::reshape`] then). Gives back the
/// pages it replaced but the moved one (as edits, at their indices before), the edits'
/// texts, what the move replaced, and the edited pages' indices now.
fn put_in(
    site: &mut Site,
    fingerprints: &mut render::Fingerprints,
    mut edits: Vec<BodyEdit>,
    moves: Option<Option<usize>>,
) -> PutIn {
    let moving = moves.map(|to| (edits.remove(0), to));
    let (old, mut texts) = swap_in(site, edits);
    let mut pages: Vec<usize> = old.iter().map(|e| e.index).collect();
    let reshaped = moving.map(|(e, to)| {
        texts.push(e.text);
        let at = match to {
            Some(to) => {
                model::move_in_order(site, e.index, to);
                fingerprints.move_page(e.index, to);
                let (from, to) = (e.index, to);
                pages.iter_mut().for_each(|p| {
                    *p = match *p {
                        p if from < to && p > from && p <= to => p - 1,
                        p if to < from && p >= to && p < from => p + 1,
                        p => p,
                    }
                });
                to
            }
            None => e.index,
        };
        pages.insert(0, at);
        model::reshape(site, at, e.page)
    });
    if reshaped.is_none() {
        pages = old.iter().map(|e| e.index).collect();
    }
    (old, texts, reshaped, pages)
}

/// A file's text, shared with the session's texts.
type SharedText = std::sync::Arc<source::SourceFile>;

/// Takes a site and body edits; puts each edit's page in its place and gives back the
/// pages it replaced (as edits, to undo it with) and the edits' texts.
fn swap_in(site: &mut Site, edits: Vec<BodyEdit>) -> (Vec<BodyEdit>, Vec<SharedText>) {
    let mut old = Vec::with_capacity(edits.len());
    let mut texts = Vec::with_capacity(edits.len());
    for BodyEdit { index, page, text } in edits {
        let replaced = std::mem::replace(&mut site.pages[index], page);
        old.push(BodyEdit {
            index,
            page: replaced,
            text: text.clone(),
        });
        texts.push(text);
    }
    (old, texts)
}

/// Takes how many files a patch rendered, its timings, the last build and the start;
/// gives the report: the last build's pages, files and warnings.
fn patch_report(rendered: usize, timings: Timings, last: &Last, start: Instant) -> Report {
    Report {
        pages: last.site.all().map(|s| s.own).sum(),
        files: last.files,
        rendered,
        images: (0, 0),
        pruned: 0,
        warnings: last.warnings.clone(),
        elapsed: start.elapsed(),
        timings,
        adopted: Vec::new(),
        replaced: Vec::new(),
        kept: Vec::new(),
    }
}
