//! Whether a subtree holds the page: the test that keeps a page's own text from being dropped
//! whole as furniture or as an invisible container.
//!
//! Nothing that holds most of a page's text is dropped whole (`HOLDS_PAGE`): not an invisible
//! container (an unclosed `<button>` swallows all that follows it, in HTML5 as in HTML4;
//! forum software serves its posts to script-less readers in `<noscript>`), which the walk
//! then reads as a `div`; and not a subtree a DOM rule matched unless it is mostly links
//! (pages wrapped in a `sidebar-right` or `menu-top` container) or an article body lies
//! outside it. On wcxb_dev's training folds (with lxml's parser) this raised the `fast`
//! backend's mean F1 from 0.847 to 0.873.
//! Nor is a subtree that holds most of the page's paragraphs and is mostly paragraphs itself
//! (`HOLDS_PROSE`), unless its rule may hold them (`DomRules::may_hold_prose`).
//!
//! All counts are characters (code points) of visible text, counted once per page in one
//! pass over the arena, so each question is a look-up; at most `MAX_PAGE_HOLDERS` matched
//! subtrees are asked about per page.

use super::rules::class_id_tokens;
use std::cell::OnceCell;

use super::tree::{Data, Tree, NONE};
use super::{is_formatting, is_invisible, is_invisible_container, is_never_text};

/// A share of the page's text that no furniture holds (see the module docs).
pub const HOLDS_PAGE: f64 = 0.5;
/// Pages shorter than this (characters) are never judged by that share: a snippet that is
/// nothing but an ad slot is all ad slot (the DOM packs' own examples are such).
pub const HOLDS_PAGE_MIN_CHARS: usize = 1000;
/// ... and whose text is less than this share link text (menus and rails are mostly links).
pub const HOLDS_PAGE_MAX_LINK_SHARE: f64 = 0.5;
/// Matched subtrees checked for holding the page, at most, per page: of the 4,256 scored
/// pages of ../shared/data, 289 have one to seven such wrappers, one has 12 and one 15.
pub const MAX_PAGE_HOLDERS: usize = 64;
/// Below this many characters a subtree cannot hold a page that `holds_page` judges.
pub const HOLDER_MIN_CHARS: usize = 500;
/// A share of the page's paragraph text (`prose_chars`) that no furniture holds: modern
/// pages carry more menu, rail and footer text than article, so a container holding the
/// article can hold well under half the page's text yet nearly all of its paragraphs
/// (class `paywall` or `pmc-paywall` around a body, an `<aside class="rightcolumn">` or a
/// `<footer class="meta-data">` holding the story).
pub const HOLDS_PROSE: f64 = 0.5;
/// ... and whose own text is at least this share paragraphs: an article body is, a sidebar
/// whose few paragraphs are most of a page written in `<div>`s is not.
pub const PROSE_DENSITY: f64 = 0.8;
/// Pages with less paragraph text than this (characters) are never judged by that share.
pub const HOLDS_PROSE_MIN_CHARS: usize = 1000;
/// Class/id tokens that name an article's own body (as does `itemprop="articleBody"`).
pub const ARTICLE_TOKENS: [&str; 27] = [
    "article",
    "article-body",
    "articlebody",
    "article_body",
    "article-content",
    "article_content",
    "article-text",
    "article_text",
    "articletext",
    "entry-content",
    "entry_content",
    "post-content",
    "post_content",
    "post-body",
    "post_body",
    "postbody",
    "story-body",
    "story_body",
    "storybody",
    "story-content",
    "story-text",
    "storytext",
    "main-text",
    "main_text",
    "maintext",
    "body-text",
    "bodytext",
];

/// Whether `chars` characters are more than `HOLDS_PAGE` of a page of `page_chars` (a page
/// under `HOLDS_PAGE_MIN_CHARS` is never judged).
pub fn holds_page(chars: usize, page_chars: usize) -> bool {
    page_chars >= HOLDS_PAGE_MIN_CHARS && chars as f64 > HOLDS_PAGE * page_chars as f64
}

/// Per node: characters of text under it, and (asked for rarely, so counted on first use)
/// its place in document order, so that containment is two comparisons.
/// `unwrapped[i]`: an invisible container that holds the page and is read as a `div`.
pub struct Counts {
    /// Visible characters in the subtree (never-text and invisible subtrees left out,
    /// unwrapped containers counted).
    pub visible: Vec<usize>,
    pub unwrapped: Vec<bool>,
    order: OnceCell<(Vec<usize>, Vec<usize>)>,
}

fn text_len(tree: &Tree, id: usize) -> usize {
    match &tree.node(id).data {
        Data::Text(text) => text.chars().count(),
        _ => 0,
    }
}

/// Push `id`'s children onto `stack`, last first, so that they pop in document order.
pub(super) fn push_children<T>(
    tree: &Tree,
    id: usize,
    stack: &mut Vec<T>,
    item: impl Fn(usize) -> T,
) {
    let mut child = tree.node(id).last_child;
    while child != NONE {
        stack.push(item(child));
        child = tree.node(child).prev;
    }
}

/// Visits every node not left out by `enter` (nor under one) after its children, without
/// recursion: what per-subtree sums need.
fn post_order(tree: &Tree, enter: impl Fn(usize) -> bool, mut visit: impl FnMut(usize)) {
    let mut stack: Vec<(usize, bool)> = vec![(0, false)];
    while let Some((id, done)) = stack.pop() {
        if done {
            visit(id);
        } else if enter(id) {
            stack.push((id, true));
            push_children(tree, id, &mut stack, |c| (c, false));
        }
    }
}

/// Post-order sums of text characters: `all` counts every subtree but the never-text ones;
/// `shown` leaves out what `hidden` says too (its own count for a hidden node is still its
/// subtree's, never read).
fn subtree_chars(tree: &Tree, hidden: impl Fn(usize) -> bool) -> (Vec<usize>, Vec<usize>) {
    let n = tree.nodes.len();
    let (mut all, mut shown) = (vec![0usize; n], vec![0usize; n]);
    let enter = |id: usize| !is_never_text(tree.node(id).tag().unwrap_or(""));
    post_order(tree, enter, |id| {
        let own = text_len(tree, id);
        let (mut sum_all, mut sum_shown) = (own, own);
        for child in tree.children(id) {
            sum_all += all[child];
            if !hidden(child) {
                sum_shown += shown[child];
            }
        }
        all[id] = sum_all;
        shown[id] = sum_shown;
    });
    (all, shown)
}

impl Counts {
    pub fn new(tree: &Tree) -> Counts {
        let tag = |id: usize| tree.node(id).tag().unwrap_or("");
        // `raw`, without code and metadata, is what an invisible container is sized by.
        let (raw, visible) = subtree_chars(tree, |id| is_invisible(tag(id)));
        let page = raw[0];
        let unwrapped: Vec<bool> = (0..tree.nodes.len())
            .map(|id| {
                raw[id] > HOLDER_MIN_CHARS
                    && is_invisible_container(tag(id))
                    && holds_page(raw[id], page)
            })
            .collect();
        let visible = if unwrapped.iter().any(|&u| u) {
            subtree_chars(tree, |id| is_invisible(tag(id)) && !unwrapped[id]).1
        } else {
            visible
        };
        Counts {
            visible,
            unwrapped,
            order: OnceCell::new(),
        }
    }

    /// Whether `inner` lies strictly inside `outer`.
    pub fn within(&self, tree: &Tree, inner: usize, outer: usize) -> bool {
        let (order, last) = self.order.get_or_init(|| document_order(tree));
        order[outer] < order[inner] && order[inner] <= last[outer]
    }
}

/// Each node's pre-order number and the number of its subtree's last node.
fn document_order(tree: &Tree) -> (Vec<usize>, Vec<usize>) {
    let n = tree.nodes.len();
    let mut order = vec![0usize; n];
    let mut last = vec![0usize; n];
    let mut next = 0usize;
    let mut stack: Vec<(usize, bool)> = vec![(0, false)];
    while let Some((id, done)) = stack.pop() {
        if done {
            last[id] = next.saturating_sub(1);
            continue;
        }
        order[id] = next;
        next += 1;
        stack.push((id, true));
        push_children(tree, id, &mut stack, |c| (c, false));
    }
    (order, last)
}

/// The visible elements under `root` (itself included) in document order, skipping
/// never-text and invisible subtrees as the walk does.
fn visible_elements(tree: &Tree, counts: &Counts, root: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        let Some(tag) = tree.node(id).tag() else {
            if id == root {
                stack.extend(tree.children(id));
            }
            continue;
        };
        if is_never_text(tag) || (is_invisible(tag) && !counts.unwrapped[id]) {
            continue;
        }
        out.push(id);
        let children: Vec<usize> = tree.children(id).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The page-holding test for one page's matched subtrees: the page's article bodies are
/// found on first use (most pages have no match large enough to ask), and it answers at
/// most `MAX_PAGE_HOLDERS` times: past that, a match is a match.
pub struct PageHolders<'a> {
    tree: &'a Tree,
    counts: &'a Counts,
    checks_left: usize,
    bodies: Option<Vec<(usize, usize)>>,
    prose: Option<Prose>,
}

impl<'a> PageHolders<'a> {
    pub fn new(tree: &'a Tree, counts: &'a Counts) -> PageHolders<'a> {
        PageHolders {
            tree,
            counts,
            checks_left: MAX_PAGE_HOLDERS,
            bodies: None,
            prose: None,
        }
    }

    /// The page's elements named as an article's body that hold more than
    /// `HOLDER_MIN_CHARS`, with their characters.
    fn bodies(&mut self) -> &[(usize, usize)] {
        let (tree, counts) = (self.tree, self.counts);
        self.bodies.get_or_insert_with(|| {
            visible_elements(tree, counts, 0)
                .into_iter()
                .filter(|&id| !is_formatting(tree.node(id).tag().unwrap_or("")))
                .filter(|&id| counts.visible[id] > HOLDER_MIN_CHARS && is_article_body(tree, id))
                .map(|id| (id, counts.visible[id]))
                .collect()
        })
    }

    /// Whether a subtree a DOM rule matched is the page or its article rather than
    /// furniture: it holds the page's article, or it holds most of the page, mostly not as
    /// links, and no article body lies outside it.
    pub fn is_page_holder(&mut self, id: usize, by_prose: bool) -> bool {
        let chars = self.counts.visible[id];
        if chars <= HOLDER_MIN_CHARS || self.checks_left == 0 {
            return false;
        }
        self.checks_left -= 1;
        let (tree, counts) = (self.tree, self.counts);
        let bodies = self.bodies().to_vec();
        if holds_article(tree, counts, id, chars, &bodies) {
            return true;
        }
        (self.holds_text(id, chars) || (by_prose && self.holds_prose(id)))
            && !bodies.iter().any(|&(body, _)| {
                body != id && !counts.within(tree, body, id) && !counts.within(tree, id, body)
            })
    }

    /// More than `HOLDS_PROSE` of the page's paragraph text (`prose_chars`, counted on
    /// first use).
    fn holds_prose(&mut self, id: usize) -> bool {
        let (tree, counts) = (self.tree, self.counts);
        let Prose { prose, text } = self.prose.get_or_insert_with(|| prose_chars(tree, counts));
        prose[0] >= HOLDS_PROSE_MIN_CHARS
            && prose[id] as f64 > HOLDS_PROSE * prose[0] as f64
            && prose[id] as f64 >= PROSE_DENSITY * text[id] as f64
    }

    /// `holds_page` of the whole page, and mostly outside links.
    fn holds_text(&self, id: usize, chars: usize) -> bool {
        if !holds_page(chars, self.counts.visible[0]) {
            return false;
        }
        let links: usize = visible_elements(self.tree, self.counts, id)
            .into_iter()
            .filter(|&e| self.tree.node(e).tag() == Some("a"))
            .map(|e| self.counts.visible[e])
            .sum();
        (links as f64) < HOLDS_PAGE_MAX_LINK_SHARE * chars as f64
    }
}

/// Per node: the visible non-space characters of its subtree (`text`) and of those the ones
/// inside a `<p>` (`prose`). Spaces are left out because a template's indentation between
/// blocks would otherwise count as text that is not paragraphs.
struct Prose {
    prose: Vec<usize>,
    text: Vec<usize>,
}

fn prose_chars(tree: &Tree, counts: &Counts) -> Prose {
    let n = tree.nodes.len();
    let (mut prose, mut text) = (vec![0usize; n], vec![0usize; n]);
    let enter = |id: usize| {
        let tag = tree.node(id).tag().unwrap_or("");
        !is_never_text(tag) && (!is_invisible(tag) || counts.unwrapped[id])
    };
    post_order(tree, enter, |id| {
        let node = tree.node(id);
        if let Data::Text(value) = &node.data {
            text[id] = value.chars().filter(|c| !c.is_whitespace()).count();
            return;
        }
        text[id] = tree.children(id).map(|c| text[c]).sum();
        // All text under a `<p>` is its paragraph's, whatever inline elements wrap it.
        prose[id] = if node.tag() == Some("p") {
            text[id]
        } else {
            tree.children(id).map(|c| prose[c]).sum()
        };
    });
    Prose { prose, text }
}

fn is_article_body(tree: &Tree, id: usize) -> bool {
    let node = tree.node(id);
    if node.attr("itemprop") == Some("articleBody") {
        return true;
    }
    let (classes, ident) = (node.attr("class"), node.attr("id"));
    if classes.is_none() && ident.is_none() {
        return false;
    }
    class_id_tokens(classes, ident)
        .iter()
        .any(|t| ARTICLE_TOKENS.contains(&t.as_str()))
}

/// Whether `id` (of `chars` characters) holds the page's article: an article body inside it
/// holds most of its text, or the largest article body lies inside it (site skins: an
/// `ad-wallpaper` around the whole layout).
fn holds_article(
    tree: &Tree,
    counts: &Counts,
    id: usize,
    chars: usize,
    bodies: &[(usize, usize)],
) -> bool {
    if bodies
        .iter()
        .any(|&(body, size)| holds_page(size, chars) && counts.within(tree, body, id))
    {
        return true;
    }
    // The first of the largest, as Python's `max` picks.
    let mut largest: Option<(usize, usize)> = None;
    for &(body, size) in bodies {
        if largest.is_none_or(|(_, best)| size > best) {
            largest = Some((body, size));
        }
    }
    largest.is_some_and(|(body, _)| counts.within(tree, body, id))
}
