//! The default filters over a page's DOM blocks (the `fast` backend): the DOM rules'
//! matches go first, then the rule steps as on a text, the DOM block model (it never empties
//! a page the rules left text in, and keeps the headline block), and the site furniture
//! above the headline; the output has a blank line between paragraphs.

use super::headline::{headline_line, is_furniture, paragraph_breaks, Shape};
use super::{rule_steps, Decision, Judge, Outcome, Step};
use crate::dom_features::{dom_features, DomBlock};
use crate::html::Block;
use crate::lines::build_output;
use crate::model::ModelError;
use crate::rules::RuleSet;

/// What the DOM features read of one block.
fn dom_block(block: &Block) -> DomBlock<&str> {
    DomBlock {
        chars: block.text.chars().count(),
        link_chars: block.link_chars,
        heading: i64::from(block.heading),
        in_list: block.in_list,
        in_table: block.in_table,
        path: block.path.iter().map(String::as_str).collect(),
        tokens: block.tokens.iter().map(String::as_str).collect(),
        ancestors: block
            .ancestors
            .iter()
            .map(|&a| i64::try_from(a).unwrap_or(i64::MAX))
            .collect(),
    }
}

/// Run the filters over a page's `blocks` (`titles`: what its head calls it).
pub fn run_page<'b>(
    blocks: &'b [Block],
    titles: &[String],
    rules: &RuleSet,
    judge: Option<&Judge>,
) -> Result<Outcome<'b>, ModelError> {
    let lines: Vec<&str> = blocks.iter().map(|block| block.text.as_str()).collect();
    let removed: Vec<bool> = blocks.iter().map(|block| block.hit.is_some()).collect();
    let decisions = (0..blocks.len())
        .filter(|&line| removed[line])
        .map(|line| Decision::line(line, Step::DomRule))
        .collect();
    let mut outcome = rule_steps(&lines, removed, decisions, rules);
    let headings: Vec<u8> = blocks.iter().map(|block| block.heading).collect();
    if let Some(judge) = judge {
        judge_blocks(&mut outcome, blocks, titles, &headings, judge)?;
    }
    if let Some(headline) = headline_line(titles, &headings, &outcome.texts, &outcome.removed) {
        for (line, block) in blocks.iter().enumerate().take(headline) {
            if !outcome.removed[line] && is_furniture(block) {
                outcome.remove(line, Decision::line(line, Step::Furniture));
            }
        }
    }
    Ok(outcome)
}

/// The DOM block model's removals (`Judge::remove_rows`), the headline block kept.
fn judge_blocks(
    outcome: &mut Outcome<'_>,
    blocks: &[Block],
    titles: &[String],
    headings: &[u8],
    judge: &Judge,
) -> Result<(), ModelError> {
    let dom: Vec<DomBlock<&str>> = blocks.iter().map(dom_block).collect();
    let page = dom_features(
        &outcome.texts,
        &outcome.removed,
        &outcome.cut,
        &judge.languages,
        &dom,
        judge.model.uses_words(),
    );
    let (rows, _, probability) = judge.model.judge(page, judge.min_words)?;
    if probability.is_empty() {
        return Ok(()); // too few words: the model abstains
    }
    let headline = headline_line(titles, headings, &outcome.texts, &outcome.removed);
    judge.remove_rows(outcome, &rows, &probability, headline);
    Ok(())
}

impl Outcome<'_> {
    /// The output of a page: kept blocks, a blank line between paragraphs.
    pub fn page_output(&self, blocks: &[Block]) -> String {
        let shapes: Vec<Shape<'_, String>> = blocks.iter().map(Shape::from).collect();
        let kept: Vec<bool> = self.removed.iter().map(|&gone| !gone).collect();
        let breaks = paragraph_breaks(&shapes, &kept);
        let mut lines: Vec<Option<&str>> = Vec::with_capacity(blocks.len() * 2);
        for ((text, &gone), &blank) in self.texts.iter().zip(&self.removed).zip(&breaks) {
            if blank {
                lines.push(Some(""));
            }
            lines.push((!gone).then_some(text.as_ref()));
        }
        build_output(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::run_page;
    use crate::html::page_blocks;
    use crate::rules::{RuleSet, RuleSpec, Scope};

    /// Rules only: the menu above the headline goes as furniture, a label line by its rule,
    /// and paragraphs get a blank line between them.
    #[test]
    fn furniture_above_the_headline_goes_and_paragraphs_break() {
        let rules = RuleSet::new(&[RuleSpec::new(Scope::Line, "advertisement")]).unwrap();
        let html = "<html><body><ul><li><a href='/'>Home</a></li></ul>\
            <h1>Ferry crews vote to strike</h1><p>Crews voted on Tuesday.</p>\
            <p>Advertisement</p><p>The strike starts in May.</p></body></html>";
        let blocks = page_blocks(html, None);
        let titles = vec!["Ferry crews vote to strike | Harbour Post".to_owned()];
        let outcome = run_page(&blocks, &titles, &rules, None).unwrap();
        assert_eq!(
            outcome.page_output(&blocks),
            "Ferry crews vote to strike\n\nCrews voted on Tuesday.\n\nThe strike starts in May."
        );
    }
}
