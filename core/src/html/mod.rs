//! A page -> text blocks that carry what the DOM knows: parse (html5ever, as browsers do),
//! then one walk with an explicit stack.
//!
//! A block is what a reader sees as one paragraph: the text between two block-level tags
//! (`p`, `div`, `li`, `h2`, `td`, `br`, ...). Each block keeps the DOM facts a boilerplate
//! decision leans on and plain text has lost: the tag path, the heading level, how much of
//! it is link text, whether it sits in a list or a table, the class/id tokens around it, and
//! the walk numbers of its ancestors. Subtrees that a DOM rule matches (`rules`) become one
//! block each, marked with the rule, so the pipeline can remove them and say which selector
//! did it; unless the subtree holds the page or its article (`holders`).
//!
//! What a reader never sees is skipped (`is_never_text`, `is_invisible`), except an
//! invisible container holding most of the page, read as a `div`; inline formatting
//! (`is_formatting`) is transparent: its text is its parent's, it names no furniture.

mod holders;
pub mod rules;
pub mod tree;

pub use rules::{DomRules, Hit, RuleSpec, Selector};

use holders::{Counts, PageHolders};
use tree::{Data, Tree, NONE};

/// Never text a reader sees: code and metadata (and `noembed`/`noframes`, whose content
/// HTML5 parses as raw text, markup and all).
fn is_never_text(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "template"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "noembed"
            | "noframes"
    )
}

/// Invisible: skipped with their subtrees, unless one holds the page (`is_invisible_container`).
fn is_invisible(tag: &str) -> bool {
    matches!(
        tag,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "audio"
            | "video"
            | "select"
            | "button"
            | "input"
            | "textarea"
            | "map"
            | "title"
            | "meta"
            | "link"
            | "base"
    )
}

/// Invisible containers that can hold a page: an unclosed `<button>` or `<object>` swallows
/// all after it, and some sites serve their text to script-less readers only inside
/// `<noscript>`. (Not `<iframe>`, whose content HTML5 parses as raw text; not `<select>`:
/// its options are a dropdown, however long.)
fn is_invisible_container(tag: &str) -> bool {
    matches!(
        tag,
        "head"
            | "noscript"
            | "button"
            | "object"
            | "embed"
            | "svg"
            | "math"
            | "canvas"
            | "audio"
            | "video"
            | "map"
    )
}

/// Inline formatting that never starts a block, names no furniture and holds no links:
/// transparent to the walk.
fn is_formatting(tag: &str) -> bool {
    matches!(
        tag,
        "b" | "i"
            | "em"
            | "strong"
            | "u"
            | "s"
            | "small"
            | "big"
            | "font"
            | "sup"
            | "sub"
            | "abbr"
            | "cite"
            | "time"
            | "mark"
            | "q"
            | "tt"
            | "nobr"
            | "wbr"
            | "img"
            | "bdi"
            | "bdo"
            | "dfn"
            | "kbd"
            | "samp"
            | "var"
            | "strike"
    )
}

/// Tags that start and end a block of text (block boxes, table cells and `<br>`).
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// Lists: their blocks are `in_list`.
fn is_list(tag: &str) -> bool {
    matches!(tag, "ul" | "ol" | "dl" | "menu" | "dir")
}

/// Class/id tokens kept per block: the nearest ancestors' say the most.
pub const MAX_TOKENS: usize = 12;

/// Levels of `path` and `ancestors` a block carries. Real pages nest 20-60 deep; a hostile
/// one nests 10,000 deep with text at every level, and copying every level into every block
/// made its cost blocks x depth (minutes for 70 KB). Deeper than this, a block keeps the
/// outermost levels and its own element, so every element still sits at one level and the
/// deep blocks share one container (see `capped`).
pub const MAX_BLOCK_DEPTH: usize = 128;

/// A block's copy of an open-element stack: whole up to `MAX_BLOCK_DEPTH` levels, else the
/// outermost `MAX_BLOCK_DEPTH - 1` and the innermost (the block's own element).
fn capped<T: Clone>(stack: &[T]) -> Vec<T> {
    if stack.len() <= MAX_BLOCK_DEPTH {
        return stack.to_vec();
    }
    let mut kept = stack[..MAX_BLOCK_DEPTH - 1].to_vec();
    kept.extend(stack.last().cloned());
    kept
}

fn heading_level(tag: &str) -> u8 {
    match tag {
        "h1" => 1,
        "h2" => 2,
        "h3" => 3,
        "h4" => 4,
        "h5" => 5,
        "h6" => 6,
        _ => 0,
    }
}

/// One text block of a page and its DOM features (Python's `cleaner.document.Block`).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub text: String,
    pub path: Vec<String>,
    pub heading: u8,
    pub link_chars: usize,
    pub in_list: bool,
    pub in_table: bool,
    /// Class/id tokens of the nearest ancestors, innermost first.
    pub tokens: Vec<String>,
    pub hit: Option<Hit>,
    /// Walk numbers of the elements from the root down to the block's own element.
    pub ancestors: Vec<usize>,
}

/// The text blocks of a page in document order (see the module docs); `rules`: the DOM
/// rules in force, if any. Never panics, never recurses: any input gives blocks or none.
pub fn page_blocks(html: &str, rules: Option<&DomRules>) -> Vec<Block> {
    if html.chars().all(crate::lines::is_py_space) {
        return Vec::new();
    }
    let tree = if html.contains('\0') {
        tree::parse(&html.replace('\0', ""))
    } else {
        tree::parse(html)
    };
    walk(&tree, rules.filter(|r| !r.is_empty()))
}

/// The text gathered since the last block boundary and the facts of the open elements that
/// the next block carries; `end_block` is the walk's one way of making a block.
#[derive(Default)]
struct Blocks {
    blocks: Vec<Block>,
    parts: String,
    link_chars: usize,
    path: Vec<String>,
    ids: Vec<usize>,
    tokens: Vec<String>,
    heading: u8,
    lists: usize,
    tables: usize,
    pre: usize,
}

/// Python's `str.strip()`.
fn py_strip(text: &str) -> &str {
    text.trim_matches(crate::lines::is_py_space)
}

impl Blocks {
    fn add_text(&mut self, text: &str, links: usize) {
        self.parts.push_str(text);
        if links > 0 {
            self.link_chars += text.chars().count();
        }
    }

    /// A block boundary: the text gathered becomes a block (one per line inside `<pre>`),
    /// unless it is all whitespace; `hit`: the DOM rule whose subtree the text is.
    fn end_block(&mut self, hit: Option<Hit>) {
        if self.parts.is_empty() {
            return;
        }
        let raw = std::mem::take(&mut self.parts);
        let link_chars = std::mem::take(&mut self.link_chars);
        if raw.chars().all(crate::lines::is_py_space) {
            return;
        }
        let texts: Vec<String> = if self.pre > 0 {
            raw.replace("\r\n", "\n")
                .split(crate::lines::is_line_break)
                .map(|line| py_strip(line).to_owned())
                .collect()
        } else {
            let words: Vec<&str> = raw
                .split(crate::lines::is_py_space)
                .filter(|w| !w.is_empty())
                .collect();
            vec![words.join(" ")]
        };
        let start = self.tokens.len().saturating_sub(MAX_TOKENS);
        let tokens: Vec<String> = self.tokens[start..].iter().rev().cloned().collect();
        let (path, ancestors) = (capped(&self.path), capped(&self.ids));
        for text in texts {
            if text.is_empty() {
                continue;
            }
            let len = text.chars().count();
            self.blocks.push(Block {
                text,
                path: path.clone(),
                heading: self.heading,
                link_chars: link_chars.min(len),
                in_list: self.lists > 0,
                in_table: self.tables > 0,
                tokens: tokens.clone(),
                hit: hit.clone(),
                ancestors: ancestors.clone(),
            });
        }
    }

    /// An element opens: its facts apply to the blocks inside it.
    fn open(&mut self, tag: &str, number: usize, tokens: &[String], links: &mut usize) {
        self.path.push(tag.to_owned());
        self.ids.push(number);
        self.tokens.extend_from_slice(tokens);
        match tag {
            "a" => *links += 1,
            "table" => self.tables += 1,
            "pre" => self.pre += 1,
            _ if heading_level(tag) > 0 => self.heading = heading_level(tag),
            _ if is_list(tag) => self.lists += 1,
            _ => {}
        }
    }

    /// An element closes; `added`: how many tokens it opened with.
    fn close(&mut self, tag: &str, added: usize, links: &mut usize) {
        self.path.pop();
        self.ids.pop();
        let keep = self.tokens.len().saturating_sub(added);
        self.tokens.truncate(keep);
        match tag {
            "a" => *links = links.saturating_sub(1),
            "table" => self.tables = self.tables.saturating_sub(1),
            "pre" => self.pre = self.pre.saturating_sub(1),
            _ if heading_level(tag) > 0 => self.heading = 0,
            _ if is_list(tag) => self.lists = self.lists.saturating_sub(1),
            _ => {}
        }
    }
}

/// What the walk does with an element.
enum Kind<'a> {
    Skip,
    Transparent,
    Element(&'a str),
}

fn kind<'a>(tree: &'a Tree, counts: &Counts, id: usize) -> Kind<'a> {
    let Some(tag) = tree.node(id).tag() else {
        return Kind::Skip;
    };
    if counts.unwrapped[id] {
        return Kind::Element("div");
    }
    if is_never_text(tag) || is_invisible(tag) {
        Kind::Skip
    } else if is_formatting(tag) {
        Kind::Transparent
    } else {
        Kind::Element(tag)
    }
}

/// The text of a matched subtree as lxml's `" ".join(itertext())` gave it: text pieces
/// joined by a space where an element starts or ends, formatting transparent.
fn subtree_text(tree: &Tree, counts: &Counts, root: usize) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    // (node, entering): an element's end is a boundary too.
    let mut stack: Vec<(usize, bool)> = Vec::new();
    holders::push_children(tree, root, &mut stack, |c| (c, true));
    while let Some((id, entering)) = stack.pop() {
        if !entering {
            if !piece.is_empty() {
                pieces.push(std::mem::take(&mut piece));
            }
            continue;
        }
        match &tree.node(id).data {
            Data::Text(text) => piece.push_str(text),
            Data::Element { .. } => {
                let boundary = match kind(tree, counts, id) {
                    Kind::Skip => continue,
                    Kind::Transparent => false,
                    Kind::Element(_) => true,
                };
                if boundary {
                    if !piece.is_empty() {
                        pieces.push(std::mem::take(&mut piece));
                    }
                    stack.push((id, false));
                }
                holders::push_children(tree, id, &mut stack, |c| (c, true));
            }
            _ => {}
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces.join(" ")
}

/// An open element on the walk's stack: transparent (formatting) or one the walk opened,
/// with its tag and how many class/id tokens it added.
struct Frame {
    id: usize,
    opened: Option<(String, usize)>,
}

/// The walk: parent/sibling links and an explicit stack of open elements, so depth costs
/// heap, never the call stack.
fn walk(tree: &Tree, rules: Option<&DomRules>) -> Vec<Block> {
    let counts = Counts::new(tree);
    let mut holders = PageHolders::new(tree, &counts);
    let mut out = Blocks::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut number = 0usize;
    let mut links = 0usize;
    let mut cursor = tree.node(0).first_child;
    loop {
        while cursor != NONE {
            let id = cursor;
            let node = tree.node(id);
            cursor = node.next;
            let tag = match &node.data {
                Data::Text(text) => {
                    out.add_text(text, links);
                    continue;
                }
                Data::Element { .. } => match kind(tree, &counts, id) {
                    Kind::Skip => continue,
                    Kind::Transparent => {
                        stack.push(Frame { id, opened: None });
                        cursor = node.first_child;
                        continue;
                    }
                    Kind::Element(tag) => tag,
                },
                _ => continue,
            };
            let (classes, ident) = (node.attr("class"), node.attr("id"));
            let tokens = if classes.is_none() && ident.is_none() {
                Vec::new()
            } else {
                rules::class_id_tokens(classes, ident)
            };
            let mut hit = rules.and_then(|r| r.matches(tag, &tokens, node.attrs()));
            if let (Some(found), Some(r)) = (&hit, rules) {
                let prose = !r.may_hold_prose(found.rule);
                if !r.may_hold_page(found.rule) && holders.is_page_holder(id, prose) {
                    hit = None; // the page or its article: not furniture
                }
            }
            let is_block = is_block(tag);
            if hit.is_some() || is_block {
                out.end_block(None);
            }
            out.open(tag, number, &tokens, &mut links);
            number += 1;
            if let Some(found) = hit {
                // A matched subtree is one block, placed in its parent: its removal is one
                // decision, and the walk does not go into it.
                let text = subtree_text(tree, &counts, id);
                out.add_text(&text, links);
                out.close(tag, tokens.len(), &mut links);
                out.end_block(Some(found));
                continue;
            }
            stack.push(Frame {
                id,
                opened: Some((tag.to_owned(), tokens.len())),
            });
            cursor = node.first_child;
        }
        let Some(frame) = stack.pop() else {
            break;
        };
        if let Some((tag, added)) = frame.opened {
            if is_block(&tag) {
                out.end_block(None);
            }
            out.close(&tag, added, &mut links);
        }
        cursor = tree.node(frame.id).next;
    }
    out.end_block(None);
    out.blocks
}

#[cfg(test)]
mod tests;
