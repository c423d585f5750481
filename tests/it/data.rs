//! `data/`: CSV, TOML and JSON files in templates as `data.<name>`, and case
//! studies that take their metrics from a CSV (`metrics_from`), checked like
//! `[[metrics]]` with every diagnostic at the CSV's line and column.

use crate::harness::*;

/// A case study whose metrics come from `data/<csv>`, written in TOML front matter.
fn case(metrics_from: &str) -> String {
    format!(
        "+++\ntitle = \"Acme\"\ndate = 2026-01-01\nroles = [\"decider\"]\ncustomer = \"Acme Steel\"\nmetrics_from = \"{metrics_from}\"\n+++\nResults.\n"
    )
}

const HEADER: &str = "id,label,unit,before,after,better,period,source\n";

/// The metrics of the inline case study below, as CSV rows.
const ROWS: &str = "downtime,unplanned downtime,hours/month,120,70,lower,first 6 months,\"Acme logs, Q1–Q3 2025\"\noee,OEE,%,61.5,72,higher,,OEE reports\n";

const INLINE: &str = "+++\ntitle = \"Acme\"\ndate = 2026-01-01\nroles = [\"decider\"]\ncustomer = \"Acme Steel\"\n[[metrics]]\nid = \"downtime\"\nlabel = \"unplanned downtime\"\nunit = \"hours/month\"\nbefore = 120\nafter = 70\nbetter = \"lower\"\nperiod = \"first 6 months\"\nsource = \"Acme logs, Q1–Q3 2025\"\n[[metrics]]\nid = \"oee\"\nlabel = \"OEE\"\nunit = \"%\"\nbefore = 61.5\nafter = 72\nbetter = \"higher\"\nsource = \"OEE reports\"\n+++\nResults.\n";

/// An article citing both metrics in two forms.
fn citing() -> String {
    article(
        "Why",
        "awareness",
        &["user"],
        "2026-01-02",
        "We {{ claim(case=\"acme\", metric=\"downtime\") }}; OEE {{ claim(case=\"acme\", metric=\"oee\", form=\"change\") }}.\n",
    )
}

/// The build's stderr, which must fail.
#[track_caller]
fn errors_of(site: &TestSite) -> String {
    site.build().failure().stderr
}

#[test]
fn metrics_from_a_csv_with_a_byte_order_mark_build_exactly_what_inline_metrics_build() {
    let inline = TestSite::new()
        .file("content/case-studies/acme.md", INLINE)
        .file("content/articles/why.md", citing())
        .with_plain_theme();
    inline.build().success();
    // A spreadsheet's "CSV UTF-8": a byte-order mark, CRLF line ends, an empty optional cell.
    let csv = format!("\u{feff}{HEADER}{ROWS}").replace('\n', "\r\n");
    let from_csv = TestSite::new()
        .file("content/case-studies/acme.md", case("acme.csv"))
        .file("content/articles/why.md", citing())
        .file("data/acme.csv", csv)
        .with_plain_theme();
    from_csv.build().success();
    let (a, b) = (inline.snapshot(), from_csv.snapshot());
    let pages = |s: &[(String, Vec<u8>)]| {
        s.iter()
            .filter(|(n, _)| n.ends_with(".html") || n.ends_with(".xml"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(pages(&a).len(), pages(&b).len());
    for ((name, x), (_, y)) in pages(&a).iter().zip(pages(&b).iter()) {
        assert_eq!(
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y),
            "{name} differs"
        );
    }
    let why = from_csv.read("articles/why/index.html");
    assert!(why.contains("reduced unplanned downtime by 41%"), "{why}");
    assert!(why.contains("from 61.5% to 72%"), "{why}");
}

#[test]
fn a_bad_cell_is_an_error_at_its_line_and_column_naming_the_column_and_every_bad_row_is_reported() {
    let site = TestSite::new()
        .file("content/case-studies/acme.md", case("acme.csv"))
        .file(
            "data/acme.csv",
            format!("{HEADER}{ROWS}scrap,scrap,%,abc,5,lower,,QA\n\"mttr\",repair time,hours,6.5,,lower,,CMMS\n"),
        );
    assert_eq!(
        errors_of(&site),
        "data/acme.csv:4:15: error: column `before`: `abc` is not a number
 4 | scrap,scrap,%,abc,5,lower,,QA
   |               ^
  = hint: write a plain number such as 120 or 0.5, without units or thousands separators

data/acme.csv:5:30: error: column `after` is empty
 5 | \"mttr\",repair time,hours,6.5,,lower,,CMMS
   |                              ^
  = hint: every metric needs `after`: a number such as 120 or 0.5

build failed: 2 errors; the previous output (if any) is unchanged
"
    );
}

#[test]
fn an_unknown_column_gets_a_suggestion_and_a_missing_required_column_is_named() {
    let site = TestSite::new()
        .file("content/case-studies/acme.md", case("acme.csv"))
        .file(
            "data/acme.csv",
            "id,lable,unit,before,better,sorce\ndowntime,downtime,h,120,lower,logs\n",
        );
    assert_eq!(
        errors_of(&site),
        "data/acme.csv:1:1: error: missing required column `label`
 1 | id,lable,unit,before,better,sorce
   | ^
  = hint: every metric needs `id`, `label`, `before`, `after`: add the column `label` to the header (the first row)

data/acme.csv:1:1: error: missing required column `after`
 1 | id,lable,unit,before,better,sorce
   | ^
  = hint: every metric needs `id`, `label`, `before`, `after`: add the column `after` to the header (the first row)

data/acme.csv:1:4: error: unknown column `lable`
 1 | id,lable,unit,before,better,sorce
   |    ^
  = hint: did you mean `label`?

data/acme.csv:1:29: error: unknown column `sorce`
 1 | id,lable,unit,before,better,sorce
   |                             ^
  = hint: did you mean `source`?

build failed: 4 errors; the previous output (if any) is unchanged
"
    );
}

#[test]
fn every_check_of_inline_metrics_applies_to_csv_rows_at_their_row() {
    // Two case studies with one CSV: each problem is reported once.
    let site = TestSite::new()
        .file("content/case-studies/acme.md", case("acme.csv"))
        .file("content/case-studies/acme-again.md", case("acme.csv"))
        .file(
            "data/acme.csv",
            format!("{HEADER}{ROWS}downtime,again,h,1,2,lower,,logs\nBad Id,x,h,1,2,sideways,,\nnan,x,h,NaN,2,lower,,s\n"),
        );
    assert_eq!(
        errors_of(&site),
        "data/acme.csv:4:1: error: metric `downtime` is declared twice
 4 | downtime,again,h,1,2,lower,,logs
   | ^
  = hint: metric ids must be unique within a case study

data/acme.csv:5:1: error: metric id `Bad Id` is not a slug
 5 | Bad Id,x,h,1,2,sideways,,
   | ^
  = hint: use lowercase letters, digits and hyphens, e.g. `bad-id`

data/acme.csv:5:1: error: metric `Bad Id`: `better = \"sideways\"` must be \"lower\" or \"higher\"
 5 | Bad Id,x,h,1,2,sideways,,
   | ^
  = hint: say which direction is an improvement

data/acme.csv:5:1: error: metric `Bad Id` has no `source`
 5 | Bad Id,x,h,1,2,sideways,,
   | ^
  = hint: name where the figures come from, e.g. `source = \"Acme maintenance logs, Q1–Q3 2025\"`; a number without a source is not evidence

data/acme.csv:6:1: error: metric `nan` has a figure that is not a number
 6 | nan,x,h,NaN,2,lower,,s
   | ^

build failed: 5 errors; the previous output (if any) is unchanged
"
    );
}

#[test]
fn metrics_from_must_name_a_csv_inside_data_in_toml_and_yaml_front_matter() {
    let yaml = |from: &str| {
        format!("---\ntitle: B\ndate: 2026-01-01\ncustomer: B\nmetrics_from: {from}\n---\nx\n")
    };
    let site = TestSite::new()
        .file("content/case-studies/up.md", case("../secrets.csv"))
        .file("content/case-studies/abs.md", yaml("/etc/passwd"))
        .file("content/case-studies/typo.md", case("acme-metrics.csv"))
        .file("content/case-studies/bare.md", case("acme"))
        .file("content/case-studies/json.md", yaml("acme-list.json"))
        .file(
            "content/case-studies/both.md",
            INLINE.replace(
                "customer = \"Acme Steel\"\n",
                "customer = \"Acme Steel\"\nmetrics_from = \"acme.csv\"\n",
            ),
        )
        .file(
            "content/about.md",
            "+++\ntitle = \"About\"\nmetrics_from = \"acme.csv\"\n+++\n",
        )
        .file("data/acme.csv", format!("{HEADER}{ROWS}"))
        .file("data/acme-list.json", "[]");
    assert_eq!(
        errors_of(&site),
        "content/about.md:3:1: error: `metrics_from` only applies to case studies
 3 | metrics_from = \"acme.csv\"
   | ^
  = hint: move the file to content/case-studies/

content/case-studies/abs.md:5:15: error: `metrics_from` must be a path inside data/, not `/etc/passwd`
 5 | metrics_from: /etc/passwd
   |               ^
  = hint: write the CSV's path relative to data/, e.g. `metrics_from = \"acme-steel-metrics.csv\"`, without `..` or a leading `/`

content/case-studies/bare.md:6:17: error: `metrics_from` names `acme`, which is not a .csv file
 6 | metrics_from = \"acme\"
   |                 ^
  = hint: did you mean `acme.csv`?

content/case-studies/both.md:6:17: error: both `metrics_from` and `[[metrics]]` give this case study's metrics
 6 | metrics_from = \"acme.csv\"
   |                 ^
  = hint: keep one: move the [[metrics]] entries into the CSV, one row each, or remove `metrics_from`

content/case-studies/json.md:5:15: error: `metrics_from` names `acme-list.json`, which is not a .csv file
 5 | metrics_from: acme-list.json
   |               ^
  = hint: metrics come from a CSV: one row per metric, the keys of [[metrics]] as columns

content/case-studies/typo.md:6:17: error: no file data/acme-metrics.csv
 6 | metrics_from = \"acme-metrics.csv\"
   |                 ^
  = hint: did you mean `acme.csv`?

content/case-studies/up.md:6:17: error: `metrics_from` must be a path inside data/, not `../secrets.csv`
 6 | metrics_from = \"../secrets.csv\"
   |                 ^
  = hint: write the CSV's path relative to data/, e.g. `metrics_from = \"acme-steel-metrics.csv\"`, without `..` or a leading `/`

build failed: 7 errors; the previous output (if any) is unchanged
"
    );
}

#[test]
fn a_missing_file_lists_the_csvs_there_are_when_none_is_near() {
    let site = TestSite::new()
        .file("content/case-studies/acme.md", case("results.csv"))
        .file("data/finance/rates.csv", "a\n1\n")
        .file("data/other.csv", "a\n1\n");
    assert_eq!(
        errors_of(&site),
        "content/case-studies/acme.md:6:17: error: no file data/results.csv
 6 | metrics_from = \"results.csv\"
   |                 ^
  = hint: the CSV files of data/ are: finance/rates.csv, other.csv

build failed: 1 error; the previous output (if any) is unchanged
"
    );
    // A CSV in a folder of data/ is named by its path there.
    site.write("content/case-studies/acme.md", case("finance/acme.csv"));
    site.write("data/finance/acme.csv", format!("{HEADER}{ROWS}"));
    site.build().success();
}

#[test]
fn data_files_are_data_name_in_templates_nested_by_folder() {
    let site = TestSite::new()
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nHi.\n")
        .file("data/team.json", "[{\"name\": \"Ada\", \"role\": \"CTO\"}]")
        .file("data/finance/rates.toml", "eur = 1.08\n[meta]\nupdated = 2026-03-01\n")
        .file("data/offices.csv", "\u{feff}city, staff\nOslo, 12\n\"Lyon, FR\",7\n")
        .file("data/price-list.csv", "plan,eur\nbasic,10\n")
        .file("data/.hidden.json", "{not json")
        .file("data/notes.txt", "not data")
        .with_plain_theme()
        .file(
            "templates/page.html",
            "{{ data.team[0].name }} ({{ data.team[0].role }}); EUR {{ data.finance.rates.eur }} as of {{ data.finance.rates.meta.updated }}; {% for o in data.offices %}{{ o.city }}={{ o.staff }};{% endfor %} {{ data[\"price-list\"][0].eur | int + 1 }}; {{ data | length }}\n",
        );
    site.build().success();
    assert_eq!(
        site.read("about/index.html"),
        "Ada (CTO); EUR 1.08 as of 2026-03-01; Oslo=12;Lyon, FR=7; 11; 4\n"
    );
}

#[test]
fn two_files_with_one_name_are_an_error_naming_both() {
    let site = TestSite::new()
        .file("data/rates.csv", "a\n1\n")
        .file("data/rates.json", "{}")
        .file("data/finance.toml", "x = 1\n")
        .file("data/finance/eu.csv", "a\n1\n");
    assert_eq!(
        errors_of(&site),
        "data/finance.toml: error: data/finance.toml and data/finance/ would both be `data.finance` in templates
  = hint: rename or remove one of them

data/rates.json: error: data/rates.json and data/rates.csv would both be `data.rates` in templates
  = hint: rename or remove one of them

build failed: 2 errors; the previous output (if any) is unchanged
"
    );
}

#[test]
fn invalid_data_files_are_errors_at_their_line_and_column_and_check_reports_them() {
    let site = TestSite::new()
        .file("data/a.json", "{\"a\": 1,\n \"b\": [1, 2}\n")
        .file("data/b.toml", "x = 1\ny = \n")
        .file("data/c.csv", "a,b\n1,2\n3,4,5\n")
        .file("data/d.csv", "a,,a\n1,2,3\n")
        .file("data/e.csv", b"a\n\xff\n".as_slice());
    let expected = "data/a.json:2:12: error: invalid JSON: expected `,` or `]`
 2 |  \"b\": [1, 2}
   |            ^

data/b.toml:2:5: error: invalid TOML: string values must be quoted, expected literal string
 2 | y = 
   |     ^

data/c.csv:3:1: error: this row has 3 cells, the header has 2
 3 | 3,4,5
   | ^
  = hint: every row needs a cell for each column (an empty cell is two commas); quote a cell that holds a comma: \"1,5\"

data/d.csv:1:3: error: column 2 has no name
 1 | a,,a
   |   ^
  = hint: the first row names the columns, each once

data/e.csv:2: error: not a UTF-8 text file (invalid or binary data at byte 2)
  = hint: save the file as UTF-8 (in a spreadsheet: CSV UTF-8)
";
    assert_eq!(
        errors_of(&site),
        format!("{expected}\nbuild failed: 5 errors; the previous output (if any) is unchanged\n")
    );
    let check = site.cairn(&["check"]).failure();
    assert_eq!(
        check.stderr,
        format!("{expected}\ncheck failed: 5 errors\n")
    );
}

#[cfg(unix)]
#[test]
fn a_data_file_linked_from_outside_the_site_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.json"), "{\"key\": \"x\"}").unwrap();
    let site = TestSite::new().file("data/ok.json", "{}");
    std::os::unix::fs::symlink(
        outside.path().join("secret.json"),
        site.path("data/secret.json"),
    )
    .unwrap();
    let stderr = errors_of(&site);
    assert!(
        stderr.starts_with(&format!(
            "data/secret.json: error: symbolic link to `{}`, outside the site folder: cairn publishes nothing from outside the site\n  = hint: copy the file into the site instead of linking to it\n",
            outside.path().join("secret.json").display()
        )),
        "{stderr}"
    );
    // Nor may a data file be a link into the output.
    std::fs::remove_file(site.path("data/secret.json")).unwrap();
    site.build().success();
    std::os::unix::fs::symlink(
        site.path("public/robots.txt"),
        site.path("data/robots.json"),
    )
    .unwrap();
    let stderr = errors_of(&site);
    assert!(
        stderr.starts_with(&format!(
            "data/robots.json: error: symbolic link to `{}`, which is or holds the output folder: the site would publish its own output\n",
            site.path("public/robots.txt").display()
        )),
        "{stderr}"
    );
}

#[test]
fn review_dates_come_from_csv_columns_and_their_diagnostics_point_at_the_cells() {
    let header = "id,label,before,after,better,source,as_of,review_by\n";
    let site = TestSite::new()
        .file("content/case-studies/acme.md", case("acme.csv"))
        .file(
            "data/acme.csv",
            format!("{header}downtime,downtime,120,70,lower,logs,2025-06-30,2025-01-01\noee,OEE,61,72,higher,mes,2025-06-31,\n"),
        );
    assert_eq!(
        site.cairn(&["build", "--as-of", "2026-11-30"]).failure().stderr,
        "data/acme.csv:2:48: error: metric `downtime`: `review_by = 2025-01-01` is before `as_of = 2025-06-30`
 2 | downtime,downtime,120,70,lower,logs,2025-06-30,2025-01-01
   |                                                ^
  = hint: a review date comes after the day the figures were measured

data/acme.csv:3:26: error: column `as_of`: `2025-06-31` is not a date; write it as 2026-03-14 or 2026-03-14T09:30:00Z
 3 | oee,OEE,61,72,higher,mes,2025-06-31,
   |                          ^

build failed: 2 errors; the previous output (if any) is unchanged
"
    );
    site.write(
        "data/acme.csv",
        format!("{header}downtime,downtime,120,70,lower,logs,2025-06-30,2027-01-01\nmttr,MTTR,6,4,lower,cmms,,2026-02-01\n"),
    );
    assert_eq!(
        site.cairn(&["build", "--as-of", "2026-11-30"])
            .success()
            .stderr,
        "data/acme.csv:3:27: warning: metric `mttr` was due for review on 2026-02-01
 3 | mttr,MTTR,6,4,lower,cmms,,2026-02-01
   |                           ^
  = hint: check it with the customer and set a new `review_by`, or remove it

"
    );
}

#[test]
fn a_case_study_broken_by_its_csv_is_reported_there_and_once() {
    // The article cites the case study and links to it: the claim's error says where
    // the case study's errors are; the link is not reported as well (the page is
    // there, with errors of its own).
    let site = TestSite::new()
        .file("content/case-studies/acme.md", case("acme.csv"))
        .file(
            "data/acme.csv",
            format!("{HEADER}{}", ROWS.replace(",120,", ",12 0,")),
        )
        .file(
            "content/articles/why.md",
            article(
                "Why",
                "awareness",
                &["user"],
                "2026-01-02",
                "We {{ claim(case=\"acme\", metric=\"oee\") }}. [Read it](../case-studies/acme.md).\n",
            ),
        );
    assert_eq!(
        errors_of(&site),
        "content/articles/why.md:7:4: error: claim: case study `acme` has errors, so no claim can be computed from it
 7 | We {{ claim(case=\"acme\", metric=\"oee\") }}. [Read it](../case-studies/acme.md).
   |    ^
  = hint: fix the errors reported for content/case-studies/acme.md and data/acme.csv

data/acme.csv:2:41: error: column `before`: `12 0` is not a number
 2 | downtime,unplanned downtime,hours/month,12 0,70,lower,first 6 months,\"Acme logs, Q1–Q3 2025\"
   |                                         ^
  = hint: write a plain number such as 120 or 0.5, without units or thousands separators

build failed: 2 errors; the previous output (if any) is unchanged
"
    );
    // A link to a page whose front matter is broken: that page's error alone.
    site.write("data/acme.csv", format!("{HEADER}{ROWS}"));
    site.write(
        "content/articles/how.md",
        "+++\ntitle = \"How\"\ndate = 2026-01-03\nstage = \"awarenes\"\nroles = [\"user\"]\n+++\nText.\n",
    );
    site.write(
        "content/articles/why.md",
        article(
            "Why",
            "awareness",
            &["user"],
            "2026-01-02",
            "See [how](how.md).\n",
        ),
    );
    let errors = errors_of(&site);
    assert!(
        errors.starts_with("content/articles/how.md:4:10: error: unknown stage `awarenes`"),
        "{errors}"
    );
    assert!(
        errors.ends_with("build failed: 1 error; the previous output (if any) is unchanged\n"),
        "{errors}"
    );
    // Fixed, the link is checked again, and leads to the page.
    site.write(
        "content/articles/how.md",
        "+++\ntitle = \"How\"\ndate = 2026-01-03\nstage = \"awareness\"\nroles = [\"user\"]\n+++\nText.\n",
    );
    site.build().success();
    assert!(
        site.read("articles/why/index.html")
            .contains("href=\"/articles/how/\"")
    );
}
