//! Theme suggestions: rules, kept as data the regio-beheerder can edit, that
//! map a wijk's or network's figures to the five pathways and goals.
//!
//! A rule fires when all of its conditions hold. Every suggestion carries
//! the figures that triggered it (value, what it was compared with, the
//! difference, the sources and whether all areas were known), so anyone can
//! check it against the figures on the page. Unknown figures never trigger a
//! rule: a suggestion rests only on what is known. The same rules, profile
//! and reference always give the same suggestions in the same order (the
//! order of the rules).
//!
//! The shipped rules live in `crates/core/data/theme-rules.json`; the
//! regio-beheerder edits a copy of them in the same JSON shape.

use serde::{Deserialize, Serialize};

use super::aggregate::{Aggregate, Interval, Profile, Source, Value};
use super::compare::{compare, Comparison, Reference, ReferenceLevel, StandsOut};
use super::indicator::Indicator;
use super::number::Number;
use crate::codes::Code;
use crate::directory::Pathway;
use crate::error::FieldError;
use crate::plan::Goal;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeRule {
    pub id: Code,
    /// The theme as it would appear in a plan, in Dutch.
    pub title: String,
    pub pathway: Pathway,
    #[serde(default)]
    pub goal: Option<Goal>,
    /// All must hold.
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub indicator: Indicator,
    pub comparison: Threshold,
}

/// What a figure must do for a condition to hold. Differences are strict:
/// `above_reference` with `by_points` 0 means "higher than the reference".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Threshold {
    /// More than `by_points` above the reference (percentage points for percentages).
    AboveReference { by_points: Number },
    /// More than `by_points` below the reference, for figures where low is
    /// the worry (meeting the exercise guideline).
    BelowReference { by_points: Number },
    /// Higher than a fixed value.
    AboveValue { value: Number },
    /// An estimate whose 95% interval lies entirely above the reference.
    StandsOutAbove,
}

impl ThemeRule {
    /// What makes a rule unusable, with the field it is in.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.title.trim().is_empty() {
            problems.push(FieldError::new("title", "de titel is verplicht"));
        }
        if self.conditions.is_empty() {
            problems.push(FieldError::new("conditions", "een regel heeft minstens één voorwaarde"));
        }
        for (i, c) in self.conditions.iter().enumerate() {
            if c.comparison == Threshold::StandsOutAbove && !c.indicator.is_estimate() {
                problems.push(FieldError::new(
                    format!("conditions[{i}].comparison"),
                    format!(
                        "'{}' heeft geen betrouwbaarheidsinterval, dus 'valt op' kan niet; vergelijk met de referentie",
                        c.indicator.label()
                    ),
                ));
            }
            if let Threshold::AboveReference { by_points } | Threshold::BelowReference { by_points } = c.comparison {
                if by_points < Number::ZERO {
                    problems.push(FieldError::new(
                        format!("conditions[{i}].comparison.by_points"),
                        "het verschil is nul of meer; kies anders de andere richting",
                    ));
                }
            }
        }
        problems
    }
}

/// Problems of a whole rule set, with paths like `[2].conditions[0]`;
/// rule ids must be unique so an adopted suggestion keeps pointing at its rule.
pub fn rule_set_problems(rules: &[ThemeRule]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        for p in rule.problems() {
            let field = format!("[{i}].{}", p.field);
            problems.push(p.at(field));
        }
        if rules[..i].iter().any(|r| r.id == rule.id) {
            problems.push(FieldError::new(format!("[{i}].id"), format!("de code '{}' komt al eerder voor", rule.id)));
        }
    }
    problems
}

const DEFAULT_RULES: &str = include_str!("../../data/theme-rules.json");

/// The rules every region starts with.
pub fn default_rules() -> Vec<ThemeRule> {
    serde_json::from_str(DEFAULT_RULES).expect("the shipped rules are parsed in this module's tests")
}

/// A suggested theme, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub rule_id: Code,
    pub title: String,
    pub pathway: Pathway,
    pub goal: Option<Goal>,
    /// One per condition of the rule, in the rule's order.
    pub because: Vec<Trigger>,
}

/// One figure that met one condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub indicator: Indicator,
    pub threshold: Threshold,
    pub year: i32,
    pub value: Number,
    pub interval: Option<Interval>,
    /// The reference it was compared with; `None` for a fixed value.
    pub reference: Option<ReferenceLevel>,
    /// The reference's value, or the rule's fixed value.
    pub reference_value: Number,
    /// `value - reference_value`.
    pub difference: Number,
    pub known_parts: u32,
    pub total_parts: u32,
    /// Sources of the value and of the reference, sorted.
    pub sources: Vec<Source>,
}

impl Trigger {
    pub fn complete(&self) -> bool {
        self.total_parts > 0 && self.known_parts == self.total_parts
    }

    /// The trigger in a Dutch sentence, with every number it rests on,
    /// rounded as the key figures table shows them so the two can be
    /// checked against each other.
    pub fn explanation(&self) -> String {
        let unit = self.indicator.unit();
        let show = |n: Number| unit.show(n);
        let diff_suffix = unit.difference_suffix();
        let mut text = format!("{} {}: {}", self.indicator.label(), self.year, show(self.value));
        match (self.reference, self.threshold) {
            (Some(level), Threshold::StandsOutAbove) => {
                let interval = self
                    .interval
                    .map(|i| format!(" ({}–{})", i.low.dutch(unit.decimals()), show(i.high)))
                    .unwrap_or_default();
                text.push_str(&format!(
                    ", 95%-interval{interval} ligt geheel boven {} ({})",
                    level.label(),
                    show(self.reference_value)
                ));
            }
            (Some(level), Threshold::AboveReference { by_points } | Threshold::BelowReference { by_points }) => {
                let (word, shown) = if self.difference < Number::ZERO {
                    ("lager", Number::ZERO.minus(self.difference))
                } else {
                    ("hoger", self.difference)
                };
                text.push_str(&format!(
                    ", {} {}: {}{diff_suffix} {word} (drempel: meer dan {by_points}{diff_suffix})",
                    level.label(),
                    show(self.reference_value),
                    shown.dutch(unit.decimals()),
                ));
            }
            _ => text.push_str(&format!(", boven de grens van {}", show(self.reference_value))),
        }
        text.push('.');
        if !self.complete() {
            text.push_str(&format!(
                " Let op: berust op {} van de {} gebieden; van de andere is het cijfer onbekend.",
                self.known_parts, self.total_parts
            ));
        }
        let sources: Vec<String> = self.sources.iter().map(Source::to_string).collect();
        text.push_str(&format!(" Bron: {}.", sources.join("; ")));
        text
    }
}

/// The suggestions `rules` make for `profile` against `reference`, in the
/// order of the rules.
pub fn suggest(rules: &[ThemeRule], profile: &Profile, reference: &Reference) -> Vec<Suggestion> {
    rules
        .iter()
        .filter_map(|rule| {
            let because = rule
                .conditions
                .iter()
                .map(|c| trigger(c, profile.get(c.indicator)?, reference))
                .collect::<Option<Vec<Trigger>>>()?;
            (!because.is_empty()).then(|| Suggestion {
                rule_id: rule.id.clone(),
                title: rule.title.clone(),
                pathway: rule.pathway,
                goal: rule.goal,
                because,
            })
        })
        .collect()
}

/// The trigger if `condition` holds for `area`.
fn trigger(condition: &Condition, area: &Aggregate, reference: &Reference) -> Option<Trigger> {
    let Value::Known(value) = area.value else { return None };
    let mut sources = area.sources.clone();
    let (level, reference_value) = match condition.comparison {
        Threshold::AboveValue { value: limit } => (value > limit).then_some((None, limit))?,
        Threshold::AboveReference { by_points } => {
            against(area, reference, &mut sources, |c| c.difference > by_points)?
        }
        Threshold::BelowReference { by_points } => {
            against(area, reference, &mut sources, |c| Number::ZERO.minus(c.difference) > by_points)?
        }
        Threshold::StandsOutAbove => against(area, reference, &mut sources, |c| c.stands_out == StandsOut::Above)?,
    };
    Some(Trigger {
        indicator: condition.indicator,
        threshold: condition.comparison,
        year: area.year,
        value,
        interval: area.interval,
        reference: level,
        reference_value,
        difference: value.minus(reference_value),
        known_parts: area.completeness.known_parts,
        total_parts: area.completeness.total_parts,
        sources,
    })
}

/// Compares `area` with the reference's figure for the same indicator and,
/// if `holds`, adds the reference's sources and returns what it compared with.
fn against(
    area: &Aggregate,
    reference: &Reference,
    sources: &mut Vec<Source>,
    holds: impl Fn(&Comparison) -> bool,
) -> Option<(Option<ReferenceLevel>, Number)> {
    let theirs = reference.profile.get(area.indicator)?;
    let comparison = compare(area, theirs, reference.level).filter(holds)?;
    for s in &theirs.sources {
        if !sources.contains(s) {
            sources.push(s.clone());
        }
    }
    sources.sort();
    Some((Some(reference.level), comparison.reference_value))
}
