//! Times the search index alone, apart from the rest of a build: loads a site
//! (cairn's model, Markdown and all), takes the records of its pages, then hands
//! them to Pagefind as a build does — once as one index on one thread (the
//! default), once in parts of 1,250 pages on two threads (`[search]
//! part_pages`). Prints the wall time of each step and the size of the bundle.
//! What Pagefind alone takes is a floor under any build with search: the
//! speed bars in docs/benchmarks.md are compared with it.
//!
//! ```sh
//! cargo build --release --example index_only
//! target/release/examples/index_only CORPUS/cairn
//! ```

#![allow(clippy::print_stdout)] // a command-line tool: printing is its job

use std::time::Instant;

fn main() {
    let root = std::env::args().nth(1).expect("usage: index_only SITE");
    let options = cairn::BuildOptions::new(&root);
    let start = Instant::now();
    let loaded = match cairn::load(&options) {
        Ok(l) => l,
        Err(errors) => {
            for e in errors {
                println!("{e:?}");
            }
            std::process::exit(1);
        }
    };
    println!("load (read, model, Markdown): {:.2} s", secs(start));
    let start = Instant::now();
    let input = cairn::search::input(&loaded.site);
    let records = cairn::search::records(&input);
    println!("records of {} pages: {:.2} s", records.len(), secs(start));
    drop(loaded);
    for (label, part_pages, threads) in [
        ("Pagefind, one index, one thread", 0, 1),
        ("Pagefind, parts of 1250 pages, two threads", 1250, 2),
    ] {
        let start = Instant::now();
        let files = cairn::search::bundle(records.clone(), part_pages, threads, &|| false)
            .expect("the index")
            .expect("not stopped");
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        println!(
            "{label}: {:.2} s ({} files, {:.1} MB)",
            secs(start),
            files.len(),
            bytes as f64 / 1e6
        );
    }
}

fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}
