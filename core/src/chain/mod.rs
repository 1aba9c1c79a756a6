//! The default filters in one pass, as `cleaner.pipeline.Pipeline` runs them: on a text,
//! line rules, span rules, line rules again on the lines a cut changed, the tail, then the
//! line model; on a page's DOM blocks (`page`), the DOM rules' matches first and the DOM
//! block model, the headline and the site furniture above it after.
//!
//! `Cleaner.clean` and `explain` run this when the filters are exactly the default ones
//! (`cleaner.filters.chain`): one call a page instead of one a filter, and for `clean` no
//! line crosses into Python. The filters' Python classes stay the composable form (lists of
//! one's own), and tests hold both to the same text and removals on every page of the shared
//! data.

pub mod headline;
pub mod page;

use std::borrow::Cow;

use crate::features::{page_features, Languages};
use crate::lines::{build_output, cut_spans, line_key, split_lines};

use crate::model::{LineModel, ModelError};
use crate::rules::{RuleSet, TailCut};
pub use page::run_page;

/// The learned filter's part: the model, the stop lists its features read, the preset's
/// threshold (float64, as Python holds it: the spare test compares the best probability
/// with it as a float64, the removal test compares float32 probabilities with it in float32,
/// as numpy did), the fewest words a page needs to be judged at all, and, for the DOM block
/// model, how close to the best probability a line is spared when every line would go.
#[derive(Debug, Clone)]
pub struct Judge {
    pub model: LineModel,
    pub languages: Languages,
    pub threshold: f64,
    pub min_words: i64,
    pub spare_best: Option<f64>,
}

impl Judge {
    /// Remove the rows (`rows[k]` is a line, `probability[k]` its score) under the
    /// threshold, except `keep` and, when no row reaches the threshold and `spare_best` is
    /// set, the rows within it of the best one. No probabilities: the model abstained.
    fn remove_rows(
        &self,
        outcome: &mut Outcome<'_>,
        rows: &[usize],
        probability: &[f32],
        keep: Option<usize>,
    ) {
        let best = probability
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        // numpy: a Python float against float32 values is compared in float32.
        let spare_from = self
            .spare_best
            .filter(|_| f64::from(best) < self.threshold)
            .map(|spare| (f64::from(best) - spare) as f32);
        let threshold = self.threshold as f32;
        for (&line, &score) in rows.iter().zip(probability) {
            let spared = spare_from.is_some_and(|from| score >= from);
            if score < threshold && !spared && Some(line) != keep {
                outcome.remove(line, Decision::score(line, score));
            }
        }
    }
}

/// Which filter step removed a line or span (`Decision::step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A line rule judged the line whole.
    Line,
    /// A span rule cut `span` out of the line.
    Span,
    /// A line rule judged a line whole again after its cuts.
    CutLine,
    /// The line is the tail's marker.
    TailMarker,
    /// The line comes after the tail's marker.
    Tail,
    /// The line model scored the line below the threshold.
    Model,
    /// A DOM rule matched the block's subtree.
    DomRule,
    /// The block is a link list or menu above the page's headline.
    Furniture,
}

/// One removal as the pipeline records it: the line, the step, the rule (an index into the
/// rule specs; none for the model), the cut span (character offsets; span steps only) and
/// the model's content probability (model steps only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub line: usize,
    pub step: Step,
    pub rule: Option<usize>,
    pub span: Option<(usize, usize)>,
    pub score: Option<f32>,
}

impl Decision {
    fn rule(line: usize, step: Step, rule: usize) -> Self {
        Decision {
            line,
            step,
            rule: Some(rule),
            span: None,
            score: None,
        }
    }

    fn score(line: usize, score: f32) -> Self {
        Decision {
            line,
            step: Step::Model,
            rule: None,
            span: None,
            score: Some(score),
        }
    }

    fn line(line: usize, step: Step) -> Self {
        Decision {
            line,
            step,
            rule: None,
            span: None,
            score: None,
        }
    }
}

/// A page as the filters leave it: each line's text after span cuts, whether it goes, every
/// removal in the order the pipeline's filters propose them (`Pipeline.run` sorts them into
/// line order), and the tail the tail rules cut, if any.
#[derive(Debug, Clone)]
pub struct Outcome<'t> {
    pub texts: Vec<Cow<'t, str>>,
    pub removed: Vec<bool>,
    /// The lines a span rule cut (a feature of the models).
    pub cut: Vec<bool>,
    pub decisions: Vec<Decision>,
    pub tail: Option<TailCut<usize>>,
}

impl Outcome<'_> {
    /// Remove a line still in place, recording why.
    fn remove(&mut self, line: usize, decision: Decision) {
        self.removed[line] = true;
        self.decisions.push(decision);
    }

    /// The output text (`build_output` of the lines that stay).
    pub fn output(&self) -> String {
        build_output(
            self.texts
                .iter()
                .zip(&self.removed)
                .map(|(text, &gone)| (!gone).then_some(text.as_ref())),
        )
    }
}

/// Run the rules of `rules` and, with `judge`, the line model over `text`.
pub fn run<'t>(
    text: &'t str,
    rules: &RuleSet,
    judge: Option<&Judge>,
) -> Result<Outcome<'t>, ModelError> {
    let lines = split_lines(text);
    let mut outcome = rule_steps(&lines, vec![false; lines.len()], Vec::new(), rules);
    if let Some(judge) = judge {
        let page = page_features(
            &outcome.texts,
            &outcome.removed,
            &outcome.cut,
            &judge.languages,
            judge.model.uses_words(),
        );
        let (rows, _, probability) = judge.model.judge(page, judge.min_words)?;
        judge.remove_rows(&mut outcome, &rows, &probability, None);
    }
    Ok(outcome)
}

/// The rule filters over `lines`, some of which an earlier step `removed` (with those
/// `decisions`): line rules, span rules, line rules on the cut lines, the tail.
fn rule_steps<'t>(
    lines: &[&'t str],
    mut removed: Vec<bool>,
    mut decisions: Vec<Decision>,
    rules: &RuleSet,
) -> Outcome<'t> {
    let keys: Vec<Option<String>> = lines.iter().map(|line| line_key(line)).collect();
    for (index, key) in keys.iter().enumerate() {
        if removed[index] {
            continue;
        }
        if let Some(rule) = key.as_deref().and_then(|key| rules.line_rule(key)) {
            removed[index] = true;
            decisions.push(Decision::rule(index, Step::Line, rule));
        }
    }
    let mut texts: Vec<Cow<'t, str>> = lines.iter().map(|&line| Cow::Borrowed(line)).collect();
    let mut cut = vec![false; lines.len()];
    let mut again = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if removed[index] {
            continue;
        }
        let spans = rules.line_spans(line);
        if spans.is_empty() {
            continue;
        }
        let holes: Vec<(usize, usize)> =
            spans.iter().map(|&(start, end, _)| (start, end)).collect();
        decisions.extend(spans.iter().map(|&(start, end, rule)| Decision {
            line: index,
            step: Step::Span,
            rule: Some(rule),
            span: Some((start, end)),
            score: None,
        }));
        let (left, _) = cut_spans(line, &holes);
        cut[index] = true;
        // A cut line is judged again whole, by the text it was cut to.
        if left.is_empty() {
            removed[index] = true;
        } else if let Some(rule) = line_key(&left).and_then(|key| rules.line_rule(&key)) {
            removed[index] = true;
            again.push(Decision::rule(index, Step::CutLine, rule));
        }
        texts[index] = Cow::Owned(left);
    }
    decisions.append(&mut again);
    let tail = cut_tail(rules, &keys, &texts, &mut removed, &mut decisions);
    Outcome {
        texts,
        removed,
        cut,
        decisions,
        tail,
    }
}

/// The tail rules: when a marker starts a tail the guard lets go, it and every line after it
/// that would still be output go. Survivors are the lines not removed and not blank.
fn cut_tail(
    rules: &RuleSet,
    keys: &[Option<String>],
    texts: &[Cow<'_, str>],
    removed: &mut [bool],
    decisions: &mut Vec<Decision>,
) -> Option<TailCut<usize>> {
    let survivors: Vec<bool> = keys
        .iter()
        .zip(removed.iter())
        .map(|(key, &gone)| !gone && key.as_deref() != Some(""))
        .collect();
    let lines: Vec<Option<&str>> = texts
        .iter()
        .zip(&survivors)
        .map(|(text, &survives)| survives.then_some(text.as_ref()))
        .collect();
    let keys: Vec<Option<&str>> = keys.iter().map(Option::as_deref).collect();
    let tail = rules.tail_cut(&keys, &lines)?;
    // A line rule may have dropped the marker already: the first removal of a line wins.
    if !removed[tail.start] {
        removed[tail.start] = true;
        decisions.push(Decision::rule(tail.start, Step::TailMarker, tail.marker));
    }
    for (index, &survives) in survivors.iter().enumerate().skip(tail.start + 1) {
        if survives {
            removed[index] = true;
            decisions.push(Decision::rule(index, Step::Tail, tail.marker));
        }
    }
    Some(tail)
}

#[cfg(test)]
mod tests {
    use super::run;
    use crate::rules::{RuleSet, RuleSpec, Scope};

    /// Every rule step in its place: a label line goes whole, a span is cut out of prose, a
    /// line that a cut leaves as a label goes whole, and the tail goes from its marker on.
    #[test]
    fn rules_run_in_the_pipelines_order() {
        let mut span = RuleSpec::new(Scope::Span, r"\s?ADVERTISEMENT");
        span.case_sensitive = true;
        let rules = RuleSet::new(&[
            RuleSpec::new(Scope::Line, "share"),
            span,
            RuleSpec::new(Scope::Tail, "more in .+"),
        ])
        .unwrap();
        let prose = "The council voted on the budget after a long debate on Tuesday night.";
        let mut page = vec![
            "Share",
            "The mayor spoke first. ADVERTISEMENT",
            "Share ADVERTISEMENT",
        ];
        page.extend([prose; 8]);
        page.extend(["More in Local News", "A headline", "", "Another one"]);
        let text = page.join("\n");
        let outcome = run(&text, &rules, None).unwrap();
        let mut expected = vec!["The mayor spoke first."];
        expected.extend([prose; 8]);
        assert_eq!(outcome.output(), expected.join("\n"));
        assert_eq!(outcome.removed[..3], [true, false, true]);
        assert!(outcome.removed[11..]
            .iter()
            .enumerate()
            .all(|(k, &gone)| gone || k == 2));
        assert_eq!(run("", &rules, None).unwrap().output(), "");
    }
}
