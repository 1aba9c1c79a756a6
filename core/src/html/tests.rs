//! The walk on small pages: block boundaries, features, rules, page holders, hostile input.

use super::*;

fn texts(blocks: &[Block]) -> Vec<&str> {
    blocks.iter().map(|b| b.text.as_str()).collect()
}

fn ad_rules() -> DomRules {
    DomRules::new(&[RuleSpec {
        words: vec!["ad".into(), "sidebar".into()],
        unless: vec!["content".into()],
        ..RuleSpec::default()
    }])
}

#[test]
fn blocks_and_their_features() {
    let page = "<html><body><div class='Main x'><h2>Title <b>bold</b></h2>\
        <ul><li><a href='/'>Home</a> page</li></ul><table><td>cell</td></table>\
        <script>var x;</script><p>after</p></div></body></html>";
    let blocks = page_blocks(page, None);
    assert_eq!(texts(&blocks), ["Title bold", "Home page", "cell", "after"]);
    assert_eq!(blocks[0].heading, 2);
    assert_eq!(blocks[0].path, ["html", "body", "div", "h2"]);
    assert_eq!(blocks[0].tokens, ["x", "main"]);
    assert_eq!(blocks[1].link_chars, 4);
    assert!(blocks[1].in_list && !blocks[1].in_table);
    assert!(blocks[2].in_table);
    assert_eq!(blocks[3].ancestors.len(), blocks[3].path.len());
}

#[test]
fn pre_keeps_lines() {
    let blocks = page_blocks("<pre>one\n  two\n\nthree</pre>", None);
    assert_eq!(texts(&blocks), ["one", "two", "three"]);
}

#[test]
fn a_matched_subtree_is_one_block_with_its_rule() {
    let page = "<p>before</p><div class='top-ad'><a>Buy</a><a>Now</a></div>tail";
    let rules = ad_rules();
    let blocks = page_blocks(page, Some(&rules));
    assert_eq!(texts(&blocks), ["before", "Buy Now", "tail"]);
    assert!(blocks[1].hit.is_some());
    assert_eq!(blocks[1].path, ["html", "body"]);
    assert!(blocks[2].hit.is_none());
}

#[test]
fn a_subtree_holding_the_page_is_not_furniture() {
    let article = "<p>".to_owned() + &"Words of the article itself. ".repeat(100) + "</p>";
    let page = format!("<div class='sidebar-wrap'>{article}</div><div class='ad'>Ad</div>");
    let rules = ad_rules();
    let blocks = page_blocks(&page, Some(&rules));
    assert!(blocks[0].hit.is_none());
    assert!(blocks[1].hit.is_some());
}

/// A modern page: more menu text than article, the article's paragraphs in a matched box.
fn menu() -> String {
    "<ul>".to_owned() + &"<li><a href='/'>Section link</a></li>".repeat(400) + "</ul>"
}

fn menu_heavy_page(box_class: &str, paragraphs: usize) -> String {
    let menu = menu();
    let body = "<p>A sentence of the story that runs on. </p>".repeat(paragraphs);
    format!("{menu}<div class='{box_class}'>{body}</div><div>Short line</div>")
}

#[test]
fn a_box_holding_most_paragraphs_is_not_furniture_unless_its_rule_may_hold_them() {
    let rules = |may_hold_prose: bool| {
        DomRules::new(&[RuleSpec {
            words: vec!["sidebar".into(), "comments".into()],
            may_hold_prose,
            ..RuleSpec::default()
        }])
    };
    let page = menu_heavy_page("sidebar-right", 40);
    let matched = |rules: &DomRules| {
        page_blocks(&page, Some(rules))
            .iter()
            .any(|b| b.hit.is_some())
    };
    assert!(
        !matched(&rules(false)),
        "the article's paragraphs are not a sidebar"
    );
    assert!(
        matched(&rules(true)),
        "a rule that may hold prose still removes the box"
    );
    let short = menu_heavy_page("sidebar-right", 10);
    assert!(
        page_blocks(&short, Some(&rules(false)))
            .iter()
            .any(|b| b.hit.is_some()),
        "under HOLDS_PROSE_MIN_CHARS of paragraphs the share is not judged"
    );
}

#[test]
fn a_box_of_few_paragraphs_among_other_text_stays_furniture() {
    let rules = DomRules::new(&[RuleSpec {
        words: vec!["sidebar".into()],
        ..RuleSpec::default()
    }]);
    let menu = menu();
    let rail = "<div>A teaser headline in a div, not a paragraph</div>".repeat(60);
    let paragraphs = "<p>A paragraph of the rail that runs on for a while. </p>".repeat(25);
    let page = format!(
        "{menu}<div>Article text in divs.</div><div class='sidebar'>{rail}{paragraphs}</div>"
    );
    let blocks = page_blocks(&page, Some(&rules));
    assert!(
        blocks.iter().any(|b| b.hit.is_some()),
        "most of the page's paragraphs, but mostly not paragraphs itself: PROSE_DENSITY"
    );
}

#[test]
fn an_invisible_container_holding_the_page_is_read() {
    let article = "Words of the forum post itself. ".repeat(100);
    let page = format!("<body><noscript><p>{article}</p></noscript><p>Enable JS</p>");
    let blocks = page_blocks(&page, None);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].path, ["html", "body", "div", "p"]);
    let small = page_blocks("<body><noscript><p>Enable JS</p></noscript><p>x</p>", None);
    assert_eq!(texts(&small), ["x"]);
}

#[test]
fn deep_nesting_keeps_the_text_around_it() {
    let page = format!(
        "<p>before</p>{}deep{}<p>after</p>",
        "<div>".repeat(10_000),
        "</div>".repeat(10_000)
    );
    let blocks = page_blocks(&page, Some(&ad_rules()));
    assert_eq!(texts(&blocks), ["before", "deep", "after"]);
    let spans = format!("<p>x</p>{}y", "<span><b>".repeat(5_000));
    assert_eq!(texts(&page_blocks(&spans, None)), ["x", "y"]);
}

#[test]
fn empty_and_junk_pages() {
    assert!(page_blocks("", None).is_empty());
    assert!(page_blocks("  \n", None).is_empty());
    assert!(page_blocks("<html></html>", None).is_empty());
    let junk: String = (0u32..2000).filter_map(char::from_u32).collect();
    let _ = page_blocks(&junk, Some(&ad_rules()));
}

#[test]
fn deep_blocks_carry_a_capped_path_with_their_own_element_last() {
    let depth = 2_000;
    let html = format!("{}<p>end</p>", "<div>x ".repeat(depth));
    let blocks = page_blocks(&html, None);
    assert_eq!(blocks.len(), depth + 1);
    for block in &blocks {
        assert!(block.path.len() <= MAX_BLOCK_DEPTH);
        assert_eq!(block.path.len(), block.ancestors.len());
    }
    let last = blocks
        .last()
        .map(|b| (b.text.as_str(), b.path.last().map(String::as_str)));
    assert_eq!(last, Some(("end", Some("p"))));
    let shallow = &blocks[10];
    assert_eq!(
        shallow.path.len(),
        13,
        "html, body and 11 divs: below the cap, all kept"
    );
}
