//! Figures, their targets (issue 13's "Targets" table), and the table they
//! print as: Markdown, so it reads in a terminal and pastes into
//! BENCHMARKS.md as it is.

use std::fmt::Write as _;

use crate::stats;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Ms,
    Secs,
    Bytes,
    Count,
    PerSec,
    /// A ratio.
    Times,
}

/// What a figure must be to meet its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    AtMost(f64),
    AtLeast(f64),
}

impl Goal {
    fn met(self, value: f64) -> bool {
        match self {
            Goal::AtMost(limit) => value <= limit,
            Goal::AtLeast(floor) => value >= floor,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub workload: &'static str,
    pub name: String,
    /// One value per run (or per repeat of a query); the median is the figure.
    pub values: Vec<f64>,
    pub unit: Unit,
    pub goal: Option<Goal>,
    /// A count that must be zero for the run to be valid at all (lost,
    /// early, duplicate): the benchmark fails when it is not.
    pub correctness: bool,
}

impl Figure {
    pub fn new(
        workload: &'static str,
        name: impl Into<String>,
        unit: Unit,
        values: Vec<f64>,
    ) -> Figure {
        Figure {
            workload,
            name: name.into(),
            values,
            unit,
            goal: None,
            correctness: false,
        }
    }

    pub fn one(workload: &'static str, name: impl Into<String>, unit: Unit, value: f64) -> Figure {
        Figure::new(workload, name, unit, vec![value])
    }

    /// A count that must be zero, totalled over every run.
    pub fn must_be_zero(
        workload: &'static str,
        name: impl Into<String>,
        counts: &[usize],
    ) -> Figure {
        let total = counts.iter().sum::<usize>() as f64;
        Figure {
            correctness: true,
            ..Figure::one(workload, name, Unit::Count, total).goal(Goal::AtMost(0.0))
        }
    }

    pub fn goal(mut self, goal: Goal) -> Figure {
        self.goal = Some(goal);
        self
    }

    pub fn median(&self) -> f64 {
        stats::median(&self.values)
    }

    /// None when the figure has no target.
    pub fn met(&self) -> Option<bool> {
        self.goal.map(|g| g.met(self.median()))
    }

    /// A correctness count that is not zero.
    pub fn failed(&self) -> bool {
        self.correctness && self.met() == Some(false)
    }

    fn measured(&self) -> String {
        let median = format_value(self.median(), self.unit);
        if self.values.len() < 2 {
            return median;
        }
        let (lo, hi) = (stats::min(&self.values), stats::max(&self.values));
        format!(
            "{median} ({}–{}, n={})",
            format_value(lo, self.unit),
            format_value(hi, self.unit),
            self.values.len()
        )
    }

    fn target(&self) -> String {
        match self.goal {
            None => String::new(),
            Some(Goal::AtMost(v)) => format!("≤ {}", format_value(v, self.unit)),
            Some(Goal::AtLeast(v)) => format!("≥ {}", format_value(v, self.unit)),
        }
    }

    fn verdict(&self) -> &'static str {
        match self.met() {
            None => "",
            Some(true) => "met",
            Some(false) if self.correctness => "**FAILED**",
            Some(false) => "missed",
        }
    }
}

pub fn format_value(v: f64, unit: Unit) -> String {
    if v.is_nan() {
        return "–".into();
    }
    match unit {
        Unit::Ms if v < 10.0 => format!("{v:.2} ms"),
        Unit::Ms => format!("{} ms", thousands(v.round())),
        Unit::Secs => format!("{v:.2} s"),
        Unit::Bytes => bytes(v),
        Unit::Count => thousands(v.round()),
        Unit::PerSec if v < 10.0 => format!("{v:.2}/s"),
        Unit::PerSec => format!("{}/s", thousands(v.round())),
        Unit::Times => format!("{v:.1}×"),
    }
}

fn bytes(v: f64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    match v {
        v if v >= MB => format!("{:.1} MB", v / MB),
        v if v >= 10_240.0 => format!("{:.0} KB", v / 1024.0),
        v => format!("{} B", thousands(v.round())),
    }
}

/// 12345 as "12,345".
fn thousands(v: f64) -> String {
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// The figures as a Markdown table.
pub fn table(figures: &[Figure]) -> String {
    let rows: Vec<[String; 5]> = figures
        .iter()
        .map(|f| {
            [
                f.workload.to_string(),
                f.name.clone(),
                f.measured(),
                f.target(),
                f.verdict().to_string(),
            ]
        })
        .collect();
    let header = [
        "workload",
        "figure",
        "measured (median (min–max, n))",
        "target",
        "",
    ]
    .map(String::from);
    let widths: Vec<usize> = (0..5)
        .map(|c| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String; 5]| {
        let mut out = String::from("|");
        for (cell, width) in cells.iter().zip(&widths) {
            let pad = width - cell.chars().count();
            let _ = write!(out, " {cell}{} |", " ".repeat(pad));
        }
        out + "\n"
    };
    let rule = widths
        .iter()
        .fold(String::from("|"), |out, w| out + &"-".repeat(w + 2) + "|")
        + "\n";
    std::iter::once(line(&header))
        .chain(std::iter::once(rule))
        .chain(rows.iter().map(line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_in_their_units() {
        assert_eq!(format_value(1234.4, Unit::Ms), "1,234 ms");
        assert_eq!(format_value(3.456, Unit::Ms), "3.46 ms");
        assert_eq!(format_value(0.864, Unit::Secs), "0.86 s");
        assert_eq!(format_value(25.0 * 1024.0 * 1024.0, Unit::Bytes), "25.0 MB");
        assert_eq!(format_value(1900.0, Unit::Bytes), "1,900 B");
        assert_eq!(format_value(25_000.0, Unit::PerSec), "25,000/s");
        assert_eq!(format_value(f64::NAN, Unit::Count), "–");
    }

    #[test]
    fn verdicts_follow_the_median_and_correctness_fails_the_run() {
        let slow = Figure::new("w", "t", Unit::Ms, vec![1.0, 9.0, 9.0]).goal(Goal::AtMost(5.0));
        assert_eq!((slow.met(), slow.failed()), (Some(false), false));
        let fast = Figure::new("w", "t", Unit::Ms, vec![1.0, 2.0, 9.0]).goal(Goal::AtMost(5.0));
        assert_eq!(fast.met(), Some(true));
        let lost = Figure::must_be_zero("w", "lost", &[0, 1]);
        assert_eq!((lost.median(), lost.failed()), (1.0, true));
        assert!(table(&[slow, lost]).contains("| **FAILED** |"));
    }
}
