//! Claim arithmetic: a case-study metric's before/after figures → "reduced
//! unplanned downtime by 41%". Computed in exact decimal integers (never
//! binary floating point), truncated toward zero, so a claim can never
//! overstate the data it cites. A metric measured in percent (unit `%`)
//! changes by percentage points: OEE from 61.5% to 72% "increased by 10
//! percentage points"; its relative change (17%) is stated only when asked
//! for, and worded as relative.

use serde::Serialize;

pub use crate::lang::Phrasing;

/// Which direction is an improvement for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Lower,
    Higher,
}

/// How a claim is phrased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// `reduced unplanned downtime by 41%`
    Sentence,
    /// `41%`
    Percent,
    /// `from 120 to 70 hours/month`
    Change,
    /// `1.7×`
    Multiple,
    /// `increased OEE by 17% relative to its starting value`: the relative change,
    /// said to be relative (for a metric in percent, the sentence states points).
    Relative,
}

impl Form {
    pub const NAMES: [&'static str; 5] = ["sentence", "percent", "change", "multiple", "relative"];

    pub fn parse(s: &str) -> Option<Form> {
        Some(match s {
            "sentence" => Form::Sentence,
            "percent" => Form::Percent,
            "change" => Form::Change,
            "multiple" => Form::Multiple,
            "relative" => Form::Relative,
            _ => return None,
        })
    }
}

/// Whether a metric's figures are percentages (`unit = "%"`): their change is a number
/// of percentage points, not a percentage of the starting value.
pub fn in_percent(unit: &str) -> bool {
    unit.trim() == "%"
}

/// The figures a claim is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub before: f64,
    pub after: f64,
    pub better: Better,
}

/// Why a metric supports no claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimError {
    /// The metric moved against its `better` direction, or not at all.
    NoImprovement,
    /// `before` is zero: a percentage of nothing.
    ZeroBefore,
    /// Negative figures: percentages of them mislead.
    Negative,
    /// A figure with more digits than exact arithmetic supports.
    TooPrecise,
    /// `multiple` form with a zero figure.
    ZeroMultiple,
}

impl std::fmt::Display for ClaimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ClaimError::NoImprovement => "the metric did not improve",
            ClaimError::ZeroBefore => "`before` is 0, so there is no percentage to claim",
            ClaimError::Negative => "claims need figures of 0 or more",
            ClaimError::TooPrecise => "a figure has more than 18 significant digits",
            ClaimError::ZeroMultiple => "a multiple of 0 is undefined",
        })
    }
}

/// An exact decimal: `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    /// The decimal the author wrote: Rust prints the shortest text that round-trips,
    /// so `0.29` stays 29/100 instead of its binary approximation.
    fn from_f64(x: f64) -> Result<Decimal, ClaimError> {
        if !x.is_finite() {
            return Err(ClaimError::TooPrecise);
        }
        let text = format!("{x}");
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let digits = format!("{int}{frac}");
        if digits.trim_start_matches('-').trim_start_matches('0').len() > 18 {
            return Err(ClaimError::TooPrecise);
        }
        let mantissa = digits.parse::<i128>().map_err(|_| ClaimError::TooPrecise)?;
        Ok(Decimal {
            mantissa,
            scale: frac.len() as u32,
        })
    }

    /// Both values as integers at a common scale, or `TooPrecise` when that does not fit
    /// (`1e-300` beside `5`).
    fn align(a: Decimal, b: Decimal) -> Result<(i128, i128), ClaimError> {
        let s = a.scale.max(b.scale);
        let at = |d: Decimal| {
            10i128
                .checked_pow(s - d.scale)
                .and_then(|k| d.mantissa.checked_mul(k))
                .ok_or(ClaimError::TooPrecise)
        };
        Ok((at(a)?, at(b)?))
    }
}

/// `value / 10^precision` written with exactly `precision` decimals.
fn fixed(value: i128, precision: u32) -> String {
    let unit = 10i128.pow(precision);
    if precision == 0 {
        value.to_string()
    } else {
        format!(
            "{}.{:0width$}",
            value / unit,
            value % unit,
            width = precision as usize
        )
    }
}

/// Check the figures support a claim at all; returns (before, after) aligned.
fn improvement(f: Figures) -> Result<(i128, i128), ClaimError> {
    let before = Decimal::from_f64(f.before)?;
    let after = Decimal::from_f64(f.after)?;
    let (b, a) = Decimal::align(before, after)?;
    if b < 0 || a < 0 {
        return Err(ClaimError::Negative);
    }
    let improved = match f.better {
        Better::Lower => a < b,
        Better::Higher => a > b,
    };
    if !improved {
        return Err(ClaimError::NoImprovement);
    }
    Ok((b, a))
}

/// |after − before| of figures in percent, truncated toward zero to `precision`
/// decimals, with its unit: `10 percentage points`, `10.5 percentage points`.
pub fn points(f: Figures, precision: u32, p: &Phrasing) -> Result<String, ClaimError> {
    let (b, a) = improvement(f)?;
    let scale = Decimal::from_f64(f.before)?
        .scale
        .max(Decimal::from_f64(f.after)?.scale);
    let diff = (a - b).abs();
    let value = if precision >= scale {
        diff * 10i128.pow(precision - scale)
    } else {
        // A unit too small for i128 leaves nothing above it.
        10i128
            .checked_pow(scale - precision)
            .map_or(0, |unit| diff / unit)
    };
    let figure = fixed(value, precision);
    let template = if figure == "1" { &p.point } else { &p.points };
    Ok(fill(template, &[("n", &localised(&figure, p))]))
}

/// |after − before| / before × 100, truncated toward zero to `precision` decimals (`"41.6"`).
pub fn percent(f: Figures, precision: u32) -> Result<String, ClaimError> {
    let (b, a) = improvement(f)?;
    if b == 0 {
        return Err(ClaimError::ZeroBefore);
    }
    let scaled = (a - b)
        .abs()
        .checked_mul(100 * 10i128.pow(precision))
        .ok_or(ClaimError::TooPrecise)?
        / b;
    Ok(fixed(scaled, precision))
}

/// The larger figure over the smaller, truncated toward zero to one decimal (`"1.7"`).
pub fn multiple(f: Figures) -> Result<String, ClaimError> {
    let (b, a) = improvement(f)?;
    let (big, small) = if a > b { (a, b) } else { (b, a) };
    if small == 0 {
        return Err(ClaimError::ZeroMultiple);
    }
    let tenths = big.checked_mul(10).ok_or(ClaimError::TooPrecise)? / small;
    Ok(fixed(tenths, 1))
}

/// A figure as the author wrote it (`120`, `61.5`), with thousands separators from
/// 10,000 up, in the number format of `p`.
pub fn number(x: f64, p: &Phrasing) -> String {
    let text = format!("{x}");
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 && digits.len() > 4 {
            grouped.push_str(&p.group);
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{}{frac}", p.decimal)
    }
}

/// A computed figure (`41.6`, a point as its decimal separator) in the number format of `p`.
fn localised(figure: &str, p: &Phrasing) -> String {
    if p.decimal == "." {
        figure.to_string()
    } else {
        figure.replace('.', &p.decimal)
    }
}

/// `template` with each `{name}` replaced by its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if values.iter().any(|(n, _)| *n == name) => {
                let value = values.iter().find(|(n, _)| *n == name).map_or("", |v| v.1);
                out.push_str(value);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A figure with its unit: `72%`, `120 hours/month`.
pub fn quantity(x: f64, unit: &str, p: &Phrasing) -> String {
    let n = number(x, p);
    match unit {
        "" => n,
        "%" => fill(&p.quantity_percent, &[("n", &n)]),
        u => fill(&p.quantity, &[("n", &n), ("unit", u)]),
    }
}

/// `from 120 to 70 hours/month`
pub fn change(before: f64, after: f64, unit: &str, p: &Phrasing) -> String {
    let template = if in_percent(unit) {
        p.change_percent.as_ref()
    } else if unit.is_empty() {
        p.change_bare.as_ref()
    } else {
        None
    };
    let directed = match after.partial_cmp(&before) {
        Some(std::cmp::Ordering::Less) => p.change_lower.as_ref(),
        Some(std::cmp::Ordering::Greater) => p.change_higher.as_ref(),
        _ => None,
    };
    let template = template.or(directed).unwrap_or(&p.change);
    let (b, a) = (number(before, p), number(after, p));
    let (bq, aq) = (quantity(before, unit, p), quantity(after, unit, p));
    fill(
        template,
        &[
            ("before", &b),
            ("after", &a),
            ("before_q", &bq),
            ("after_q", &aq),
            ("unit", unit),
        ],
    )
}

/// The claim text in `form`, in the language of `p`.
pub fn phrase(
    f: Figures,
    label: &str,
    unit: &str,
    (form, precision): (Form, u32),
    p: &Phrasing,
) -> Result<String, ClaimError> {
    let points_apply = in_percent(unit);
    let sentence = |value: &str, points: bool, relative: bool| {
        let template = match (f.better, points, relative) {
            (Better::Lower, true, false) => p
                .sentence_points_lower
                .as_ref()
                .unwrap_or(&p.sentence_lower),
            (Better::Higher, true, false) => p
                .sentence_points_higher
                .as_ref()
                .unwrap_or(&p.sentence_higher),
            (Better::Lower, _, false) => &p.sentence_lower,
            (Better::Higher, _, false) => &p.sentence_higher,
            (Better::Lower, _, true) => &p.relative_lower,
            (Better::Higher, _, true) => &p.relative_higher,
        };
        fill(template, &[("label", label), ("value", value)])
    };
    let percent_text = |precision| -> Result<String, ClaimError> {
        Ok(fill(
            &p.percent,
            &[("n", &localised(&percent(f, precision)?, p))],
        ))
    };
    Ok(match form {
        Form::Sentence if points_apply => sentence(&points(f, precision, p)?, true, false),
        Form::Percent if points_apply => points(f, precision, p)?,
        Form::Sentence => sentence(&percent_text(precision)?, false, false),
        Form::Percent => percent_text(precision)?,
        Form::Relative => sentence(&percent_text(precision)?, false, true),
        Form::Change => {
            improvement(f)?;
            change(f.before, f.after, unit, p)
        }
        Form::Multiple => fill(&p.multiple, &[("n", &localised(&multiple(f)?, p))]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Phrasing {
        crate::lang::Words::english().phrasing
    }

    fn lower(before: f64, after: f64) -> Figures {
        Figures {
            before,
            after,
            better: Better::Lower,
        }
    }
    fn higher(before: f64, after: f64) -> Figures {
        Figures {
            before,
            after,
            better: Better::Higher,
        }
    }

    #[test]
    fn percentages_truncate_toward_zero() {
        let cases: &[(Figures, u32, &str)] = &[
            (lower(120.0, 70.0), 0, "41"), // 41.666…
            (lower(120.0, 70.0), 1, "41.6"),
            (lower(120.0, 70.0), 2, "41.66"),
            (higher(50.0, 80.0), 0, "60"),
            (higher(61.5, 72.0), 1, "17.0"), // 17.073…
            (higher(61.5, 72.0), 2, "17.07"),
            (lower(100.0, 71.0), 0, "29"), // exact: floats would give 28.999…
            (lower(1.0, 0.71), 0, "29"),
            (lower(0.3, 0.1), 1, "66.6"),
            (higher(3.0, 4.0), 2, "33.33"),
            (higher(1.0, 3.0), 0, "200"),
            (lower(8.0, 0.0), 0, "100"),
        ];
        for (f, p, want) in cases {
            assert_eq!(percent(*f, *p).as_deref(), Ok(*want), "{f:?} precision {p}");
        }
    }

    #[test]
    fn multiples_are_larger_over_smaller_truncated() {
        assert_eq!(multiple(lower(120.0, 70.0)).as_deref(), Ok("1.7"));
        assert_eq!(multiple(higher(50.0, 120.0)).as_deref(), Ok("2.4"));
        assert_eq!(multiple(higher(2.0, 6.0)).as_deref(), Ok("3.0"));
        assert_eq!(multiple(lower(8.0, 0.0)), Err(ClaimError::ZeroMultiple));
    }

    #[test]
    fn no_claim_without_improvement() {
        assert_eq!(
            percent(lower(70.0, 120.0), 0),
            Err(ClaimError::NoImprovement)
        );
        assert_eq!(
            percent(higher(80.0, 50.0), 0),
            Err(ClaimError::NoImprovement)
        );
        assert_eq!(percent(higher(5.0, 5.0), 0), Err(ClaimError::NoImprovement));
        assert_eq!(percent(higher(0.0, 5.0), 0), Err(ClaimError::ZeroBefore));
        assert_eq!(percent(lower(-5.0, -9.0), 0), Err(ClaimError::Negative));
        assert_eq!(percent(lower(1e30, 1.0), 0), Err(ClaimError::TooPrecise));
        assert_eq!(
            phrase(lower(70.0, 120.0), "x", "", (Form::Change, 0), &en()),
            Err(ClaimError::NoImprovement)
        );
    }

    #[test]
    fn phrases_in_every_form() {
        let f = lower(120.0, 70.0);
        let p = |form| phrase(f, "unplanned downtime", "hours/month", (form, 0), &en()).unwrap();
        assert_eq!(p(Form::Sentence), "reduced unplanned downtime by 41%");
        assert_eq!(p(Form::Percent), "41%");
        assert_eq!(p(Form::Change), "from 120 to 70 hours/month");
        assert_eq!(p(Form::Multiple), "1.7×");
        assert_eq!(
            phrase(higher(61.5, 72.0), "OEE", "%", (Form::Change, 0), &en()).unwrap(),
            "from 61.5% to 72%"
        );
        assert_eq!(
            phrase(
                higher(50.0, 80.0),
                "line throughput",
                "",
                (Form::Sentence, 1),
                &en()
            )
            .unwrap(),
            "increased line throughput by 60.0%"
        );
    }

    #[test]
    fn numbers_keep_the_authors_digits() {
        assert_eq!(number(120.0, &en()), "120");
        assert_eq!(number(61.5, &en()), "61.5");
        assert_eq!(number(1200.0, &en()), "1200");
        assert_eq!(number(12000.0, &en()), "12,000");
        assert_eq!(number(1234567.25, &en()), "1,234,567.25");
        assert_eq!(quantity(72.0, "%", &en()), "72%");
        assert_eq!(quantity(3.0, "days", &en()), "3 days");
    }

    #[test]
    fn metrics_in_percent_change_by_points_truncated_toward_zero() {
        let rows: &[(&str, Figures, u32, &str)] = &[
            (
                "OEE 61.5 → 72",
                higher(61.5, 72.0),
                0,
                "10 percentage points",
            ),
            (
                "with a decimal",
                higher(61.5, 72.0),
                1,
                "10.5 percentage points",
            ),
            (
                "more decimals than written",
                higher(61.5, 72.0),
                2,
                "10.50 percentage points",
            ),
            (
                "never rounded up",
                higher(61.0, 72.99),
                1,
                "11.9 percentage points",
            ),
            ("one point", lower(5.0, 4.0), 0, "1 percentage point"),
            ("less than one", lower(5.0, 4.5), 0, "0 percentage points"),
            ("from zero", higher(0.0, 5.0), 0, "5 percentage points"),
            (
                "binary fractions stay exact",
                lower(0.3, 0.1),
                1,
                "0.2 percentage points",
            ),
        ];
        for (what, f, precision, expected) in rows {
            assert_eq!(
                points(*f, *precision, &en()).as_deref(),
                Ok(*expected),
                "{what}"
            );
        }
        assert_eq!(
            points(lower(4.0, 5.0), 0, &en()),
            Err(ClaimError::NoImprovement)
        );
    }

    #[test]
    fn a_metric_in_percent_is_claimed_in_points_unless_relative_is_asked_for() {
        let oee = higher(61.5, 72.0);
        let rows: &[(&str, Form, u32, &str)] = &[
            (
                "%",
                Form::Sentence,
                0,
                "increased OEE by 10 percentage points",
            ),
            (
                "%",
                Form::Sentence,
                1,
                "increased OEE by 10.5 percentage points",
            ),
            ("%", Form::Percent, 1, "10.5 percentage points"),
            ("%", Form::Change, 0, "from 61.5% to 72%"),
            (
                "%",
                Form::Relative,
                0,
                "increased OEE by 17% relative to its starting value",
            ),
            (
                " % ",
                Form::Sentence,
                0,
                "increased OEE by 10 percentage points",
            ),
            ("t/h", Form::Sentence, 0, "increased OEE by 17%"),
            (
                "t/h",
                Form::Relative,
                1,
                "increased OEE by 17.0% relative to its starting value",
            ),
        ];
        for (unit, form, precision, expected) in rows {
            let got = phrase(oee, "OEE", unit, (*form, *precision), &en());
            assert_eq!(got.as_deref(), Ok(*expected), "{unit} {form:?} {precision}");
        }
        // Points need no starting value; a relative change does.
        assert_eq!(
            phrase(higher(0.0, 5.0), "uptime", "%", (Form::Sentence, 0), &en()).as_deref(),
            Ok("increased uptime by 5 percentage points")
        );
        assert_eq!(
            phrase(higher(0.0, 5.0), "uptime", "%", (Form::Relative, 0), &en()),
            Err(ClaimError::ZeroBefore)
        );
        assert_eq!(Form::parse("relative"), Some(Form::Relative));
    }

    #[test]
    fn figures_too_far_apart_for_exact_arithmetic_are_too_precise_not_a_panic() {
        let rows = [
            higher(1e-300, 5.0),
            lower(5.0, 1e-300),
            higher(1e-30, 2e-30),
        ];
        for f in rows {
            for form in [
                Form::Sentence,
                Form::Percent,
                Form::Multiple,
                Form::Relative,
            ] {
                let _ = phrase(f, "x", "", (form, 2), &en());
                let _ = phrase(f, "x", "%", (form, 0), &en());
            }
        }
        assert_eq!(percent(higher(1e-300, 5.0), 0), Err(ClaimError::TooPrecise));
        assert_eq!(
            points(higher(1e-30, 2e-30), 0, &en()).as_deref(),
            Ok("0 percentage points")
        );
    }
}

#[cfg(test)]
mod languages {
    use super::*;

    fn words(code: &str) -> Phrasing {
        crate::lang::Words::load(std::path::Path::new("/nonexistent"), code, false)
            .0
            .phrasing
    }

    fn f(before: f64, after: f64, better: Better) -> Figures {
        Figures {
            before,
            after,
            better,
        }
    }

    /// The worked examples the Chinese and Finnish content teams wrote for their pages.
    #[test]
    fn claims_in_chinese_and_finnish() {
        let (zh, fi) = (words("zh"), words("fi"));
        let downtime = f(120.0, 70.0, Better::Lower);
        let oee = f(61.5, 72.0, Better::Higher);
        let mtbf = f(48.0, 121.0, Better::Higher);
        let orders = f(38.0, 14.0, Better::Lower);
        let nb = '\u{a0}';
        let cases: Vec<(Figures, &str, &str, Form, u32, &Phrasing, String)> = vec![
            (
                downtime,
                "非计划停机时间",
                "hours/month",
                Form::Sentence,
                0,
                &zh,
                "将非计划停机时间降低了41%".into(),
            ),
            (
                downtime,
                "非计划停机时间",
                "hours/month",
                Form::Sentence,
                1,
                &zh,
                "将非计划停机时间降低了41.6%".into(),
            ),
            (
                oee,
                "设备综合效率（OEE）",
                "%",
                Form::Sentence,
                0,
                &zh,
                "将设备综合效率（OEE）提高了10个百分点".into(),
            ),
            (
                oee,
                "设备综合效率（OEE）",
                "%",
                Form::Sentence,
                1,
                &zh,
                "将设备综合效率（OEE）提高了10.5个百分点".into(),
            ),
            (
                orders,
                "紧急工单数量",
                "per month",
                Form::Relative,
                0,
                &zh,
                "将紧急工单数量较初始值降低了63%".into(),
            ),
            (
                downtime,
                "x",
                "小时/月",
                Form::Change,
                0,
                &zh,
                "从120小时/月降至70小时/月".into(),
            ),
            (oee, "x", "%", Form::Change, 0, &zh, "从61.5%升至72%".into()),
            (mtbf, "x", "天", Form::Multiple, 0, &zh, "2.5倍".into()),
            (
                downtime,
                "suunnittelematonta seisokkiaikaa",
                "h/kk",
                Form::Sentence,
                0,
                &fi,
                format!("vähensi suunnittelematonta seisokkiaikaa 41{nb}%"),
            ),
            (
                downtime,
                "suunnittelematonta seisokkiaikaa",
                "h/kk",
                Form::Sentence,
                1,
                &fi,
                format!("vähensi suunnittelematonta seisokkiaikaa 41,6{nb}%"),
            ),
            (
                oee,
                "laitteiden kokonaistehokkuutta (OEE)",
                "%",
                Form::Sentence,
                1,
                &fi,
                format!("nosti laitteiden kokonaistehokkuutta (OEE) 10,5{nb}prosenttiyksikköä"),
            ),
            (
                f(6.0, 2.5, Better::Lower),
                "hylkyastetta",
                "%",
                Form::Sentence,
                0,
                &fi,
                format!("laski hylkyastetta 3{nb}prosenttiyksikköä"),
            ),
            (
                orders,
                "kiireellisiä työtilauksia",
                "kpl/kk",
                Form::Relative,
                0,
                &fi,
                format!("vähensi kiireellisiä työtilauksia 63{nb}% lähtötasoon verrattuna"),
            ),
            (
                downtime,
                "x",
                "h/kk",
                Form::Change,
                0,
                &fi,
                format!("lähtötasosta 120{nb}h/kk tasolle 70{nb}h/kk"),
            ),
            (
                oee,
                "x",
                "%",
                Form::Change,
                0,
                &fi,
                format!("lähtötasosta 61,5{nb}% tasolle 72{nb}%"),
            ),
            (
                mtbf,
                "x",
                "vrk",
                Form::Multiple,
                0,
                &fi,
                "2,5-kertaiseksi".into(),
            ),
        ];
        for (figures, label, unit, form, precision, p, want) in cases {
            let got = phrase(figures, label, unit, (form, precision), p);
            assert_eq!(
                got.as_deref(),
                Ok(want.as_str()),
                "{label} {form:?} {precision}"
            );
        }
        assert_eq!(number(7200.5, &fi), "7200,5");
        assert_eq!(number(12000.0, &fi), format!("12{nb}000"));
        assert_eq!(number(12000.0, &zh), "12,000");
    }
}
