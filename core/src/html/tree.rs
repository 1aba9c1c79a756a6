//! A page parsed by html5ever (the WHATWG tree-construction algorithm, what browsers run)
//! into a flat arena: nodes in one `Vec`, linked by index.
//!
//! Why an arena of our own rather than `markup5ever_rcdom` or `scraper`: the walk only needs
//! tag names, a few attributes, text and the links between nodes; one `Vec` costs one
//! allocation per node instead of an `Rc<RefCell<..>>` each, drops without recursion (an
//! `Rc` tree 10,000 deep overflows the stack when it is freed) and was the fastest of the
//! three when measured (docs/decisions.md). Comments and processing instructions become
//! `Other` nodes that the walk skips, their surroundings kept.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, Attribute, QualName};

/// No node: the end of a sibling list, or the document's parent.
pub const NONE: usize = usize::MAX;

/// What a node is. An element's tag is its `name`'s local name, as the parser gives it:
/// lower case for HTML (foreign SVG names such as `foreignObject` keep their case, and lie
/// in `<svg>`, which the walk skips); attributes stay as parsed (atoms and tendrils, no copy).
#[derive(Debug)]
pub enum Data {
    Document,
    Element(Vec<Attribute>),
    Text(StrTendril),
    Other,
}

#[derive(Debug)]
pub struct Node {
    pub parent: usize,
    pub first_child: usize,
    pub last_child: usize,
    pub prev: usize,
    pub next: usize,
    pub data: Data,
    name: QualName,
}

impl Node {
    fn new(data: Data, name: QualName) -> Node {
        Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev: NONE,
            next: NONE,
            data,
            name,
        }
    }

    /// The element's tag, or `None` for a non-element.
    pub fn tag(&self) -> Option<&str> {
        match &self.data {
            Data::Element(_) => Some(&self.name.local),
            _ => None,
        }
    }

    /// The value of the attribute `name` (lower case), if the element has it.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| &*a.value)
    }

    pub fn attrs(&self) -> &[Attribute] {
        match &self.data {
            Data::Element(attrs) => attrs,
            _ => &[],
        }
    }
}

/// A parsed page: `nodes[0]` is the document.
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    pub fn node(&self, id: usize) -> &Node {
        &self.nodes[id]
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: usize) -> Children<'_> {
        Children {
            tree: self,
            next: self.nodes[id].first_child,
        }
    }
}

pub struct Children<'a> {
    tree: &'a Tree,
    next: usize,
}

impl Iterator for Children<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.tree.nodes[id].next;
        Some(id)
    }
}

/// Parse a page as a browser with scripts would: any input gives a tree (at least a
/// document with `html`, `head` and `body`). With scripting on, `<noscript>` holds raw text,
/// so markup in it cannot swallow the page (`<noscript><iframe .../></noscript>`: a
/// script-less parse reads the rest of the page as the iframe's raw text). A `<noscript>`
/// with more than `NOSCRIPT_REPARSE_BYTES` of text is then parsed as markup in place: forum
/// software serves its posts to script-less readers there, and the walk reads them when
/// they hold the page (`holders`).
pub fn parse(html: &str) -> Tree {
    let sink = Sink {
        nodes: RefCell::new(vec![Node::new(Data::Document, empty_name())]),
    };
    let mut tree = html5ever::parse_document(sink, Default::default()).one(StrTendril::from(html));
    expand_noscripts(&mut tree);
    tree
}

/// A `<noscript>` holding fewer bytes of raw text than this holds no page (a tracking pixel,
/// "please enable JavaScript"): it stays text, which the walk skips.
pub const NOSCRIPT_REPARSE_BYTES: usize = 500;

/// Noscripts parsed as markup per page, at most: nested noscripts each hold the rest of the
/// page as text, so without a bound 10,000 of them would parse the page 10,000 times.
pub const MAX_NOSCRIPT_REPARSES: usize = 8;

/// Markup parsed as the children of a `<body>`: the fragment's nodes (index 0 its document,
/// whose `html` element holds them).
fn parse_fragment(markup: &str) -> Tree {
    let sink = Sink {
        nodes: RefCell::new(vec![Node::new(Data::Document, empty_name())]),
    };
    let context = QualName::new(None, ns!(html), local_name!("body"));
    html5ever::parse_fragment(sink, Default::default(), context, Vec::new(), true)
        .one(StrTendril::from(markup))
}

fn is_noscript(node: &Node) -> bool {
    matches!(node.data, Data::Element(_)) && &*node.name.local == "noscript"
}

/// Parse the text of every large `<noscript>` as markup, in place; noscripts found inside
/// are handled in turn (a work list, no recursion), `MAX_NOSCRIPT_REPARSES` in all.
fn expand_noscripts(tree: &mut Tree) {
    let mut pending: Vec<usize> = (0..tree.nodes.len())
        .filter(|&id| is_noscript(&tree.nodes[id]))
        .collect();
    let mut left = MAX_NOSCRIPT_REPARSES;
    while let Some(id) = pending.pop() {
        if left == 0 {
            // Past the bound a noscript's markup is never read: not even as text.
            let noscript = &mut tree.nodes[id];
            noscript.first_child = NONE;
            noscript.last_child = NONE;
            continue;
        }
        let mut markup = String::new();
        for child in tree.children(id) {
            if let Data::Text(text) = &tree.nodes[child].data {
                markup.push_str(text);
            }
        }
        if markup.len() <= NOSCRIPT_REPARSE_BYTES {
            continue;
        }
        left -= 1;
        let fragment = parse_fragment(&markup);
        let base = tree.nodes.len();
        let root = fragment.nodes[0].first_child; // the fragment's <html>
        if root == NONE {
            continue;
        }
        let shift = |i: usize| if i == NONE { NONE } else { i + base };
        let (first, last) = (
            shift(fragment.nodes[root].first_child),
            shift(fragment.nodes[root].last_child),
        );
        for (i, mut node) in fragment.nodes.into_iter().enumerate() {
            node.parent = if node.parent == root {
                id
            } else {
                shift(node.parent)
            };
            node.first_child = shift(node.first_child);
            node.last_child = shift(node.last_child);
            node.prev = shift(node.prev);
            node.next = shift(node.next);
            if is_noscript(&node) {
                pending.push(i + base);
            }
            tree.nodes.push(node);
        }
        let noscript = &mut tree.nodes[id];
        noscript.first_child = first;
        noscript.last_child = last;
    }
}

fn empty_name() -> QualName {
    QualName::new(None, ns!(), local_name!(""))
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
}

impl Sink {
    fn push(&self, node: Node) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(node);
        nodes.len() - 1
    }

    /// Unlink `id` from its parent and siblings.
    fn detach(nodes: &mut [Node], id: usize) {
        let (parent, prev, next) = (nodes[id].parent, nodes[id].prev, nodes[id].next);
        if parent == NONE {
            return;
        }
        if prev != NONE {
            nodes[prev].next = next;
        } else {
            nodes[parent].first_child = next;
        }
        if next != NONE {
            nodes[next].prev = prev;
        } else {
            nodes[parent].last_child = prev;
        }
        let node = &mut nodes[id];
        node.parent = NONE;
        node.prev = NONE;
        node.next = NONE;
    }

    /// Insert `id` (detached) into `parent` before `before` (`NONE`: at the end).
    fn insert(nodes: &mut [Node], parent: usize, id: usize, before: usize) {
        let prev = if before == NONE {
            nodes[parent].last_child
        } else {
            nodes[before].prev
        };
        nodes[id].parent = parent;
        nodes[id].prev = prev;
        nodes[id].next = before;
        if prev != NONE {
            nodes[prev].next = id;
        } else {
            nodes[parent].first_child = id;
        }
        if before != NONE {
            nodes[before].prev = id;
        } else {
            nodes[parent].last_child = id;
        }
    }

    /// Put `child` into `parent` before `before`; text next to a text node joins it.
    fn put(&self, parent: usize, child: NodeOrText<usize>, before: usize) {
        let mut nodes = self.nodes.borrow_mut();
        match child {
            NodeOrText::AppendText(text) => {
                let prev = if before == NONE {
                    nodes[parent].last_child
                } else {
                    nodes[before].prev
                };
                if prev != NONE {
                    if let Data::Text(existing) = &mut nodes[prev].data {
                        existing.push_tendril(&text);
                        return;
                    }
                }
                nodes.push(Node::new(Data::Text(text), empty_name()));
                let id = nodes.len() - 1;
                Sink::insert(&mut nodes, parent, id, before);
            }
            NodeOrText::AppendNode(id) => {
                Sink::detach(&mut nodes, id);
                Sink::insert(&mut nodes, parent, id, before);
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Tree;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Tree {
        Tree {
            nodes: self.nodes.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| &nodes[*target].name)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> usize {
        let id = self.push(Node::new(Data::Element(attrs), name));
        if flags.template {
            // The template's contents: a fragment that is never walked (<template> is never
            // text), kept as a child so that the parser can fill it.
            let contents = self.push(Node::new(Data::Other, empty_name()));
            let mut nodes = self.nodes.borrow_mut();
            Sink::insert(&mut nodes, id, contents, NONE);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        self.push(Node::new(Data::Other, empty_name()))
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.push(Node::new(Data::Other, empty_name()))
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        self.put(*parent, child, NONE);
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        let has_parent = self.nodes.borrow()[*element].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        _name: StrTendril,
        _public: StrTendril,
        _system: StrTendril,
    ) {
    }

    fn get_template_contents(&self, target: &usize) -> usize {
        let nodes = self.nodes.borrow();
        let first = nodes[*target].first_child;
        match nodes.get(first) {
            Some(node) if matches!(node.data, Data::Other) => first,
            _ => *target,
        }
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        let parent = self.nodes.borrow()[*sibling].parent;
        if parent != NONE {
            self.put(parent, new_node, *sibling);
        }
    }

    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let Data::Element(existing) = &mut nodes[*target].data {
            for attr in attrs {
                if !existing.iter().any(|a| a.name == attr.name) {
                    existing.push(attr);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &usize) {
        Sink::detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let mut nodes = self.nodes.borrow_mut();
        let mut child = nodes[*node].first_child;
        while child != NONE {
            let next = nodes[child].next;
            Sink::detach(&mut nodes, child);
            Sink::insert(&mut nodes, *new_parent, child, NONE);
            child = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(tree: &Tree) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![0];
        while let Some(id) = stack.pop() {
            if let Some(tag) = tree.node(id).tag() {
                out.push(tag.to_owned());
            }
            let children: Vec<usize> = tree.children(id).collect();
            stack.extend(children.into_iter().rev());
        }
        out
    }

    #[test]
    fn builds_the_browser_tree() {
        let tree = parse("<p>one<p>two<table><td>cell</table>");
        assert_eq!(
            tags(&tree),
            ["html", "head", "body", "p", "p", "table", "tbody", "tr", "td"]
        );
    }

    #[test]
    fn a_large_noscript_holds_markup_and_a_small_one_text() {
        let post = format!("<p>{}</p>", "A forum post. ".repeat(40));
        let tree = parse(&format!(
            "<body><noscript>{post}<noscript>{post}</noscript></noscript>"
        ));
        assert_eq!(
            tags(&tree),
            ["html", "head", "body", "noscript", "p", "noscript", "p"]
        );
        let tree = parse("<body><noscript><iframe src=x /></noscript><p>page</p>");
        assert_eq!(tags(&tree), ["html", "head", "body", "noscript", "p"]);
    }

    #[test]
    fn misnested_formatting_is_adopted() {
        let tree = parse("<b><p>x</b>y</p>");
        assert!(tags(&tree).ends_with(&["b".to_owned(), "p".to_owned(), "b".to_owned()]));
    }
}
