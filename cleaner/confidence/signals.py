"""Cheap signals of how good one cleaning result is: what the quality predictor reads.

No gold is known at run time, but a result gives itself away. An extraction that kept 3% of
a long page, or mostly link text, or nothing inside the page's `<article>`, or text that
disagrees with the page's own `articleBody`, is likely wrong; one that another extractor
reproduces word for word is likely right. Each function here turns one result (and, for
HTML, the page and a second extractor's result) into a fixed row of floats, named by the
`*_SIGNALS` tuples, so the predictor's files can say which columns they were trained on.
Everything is computed from the Cleaned result and the page, never from the filters' inner
state: any backend's result can be judged.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Container, Sequence

import regex

from cleaner.document import DOM, Cleaned
from cleaner.text.lines import has_unspaced, split_counts, word_tokens

# A kept block of at least this many words is a paragraph, not a label or a link.
PARAGRAPH_WORDS = 20
# Containers that mark a page's main content where the page uses them.
CONTENT_TAGS = frozenset(("article", "main"))
# Where a page's JSON-LD states its article text; matched in the raw HTML (a regex, not a
# JSON parse of every script: most pages have none, and the string is all we need).
_ARTICLE_BODY = regex.compile(r'"articleBody"\s*:\s*"((?:[^"\\]|\\.){40,})"')
_OG_ARTICLE = regex.compile(r'<meta[^>]+og:type[^>]+content\s*=\s*["\']article', regex.I)

TEXT_SIGNALS: tuple[str, ...] = (
    "log_lines",
    "log_words",
    "kept_word_share",
    "kept_line_share",
    "log_kept_words",
    "rule_word_share",
    "model_word_share",
    "span_cut_share",
    "model_mean_score",
    "model_close_share",
    "paragraph_word_share",
    "log_longest_kept",
    "kept_paragraphs",
    "kept_runs",
    "unspaced",
)
PAGE_SIGNALS: tuple[str, ...] = (
    "page_link_share",
    "kept_link_share",
    "dropped_link_share",
    "content_tag_share",
    "kept_in_content_tag",
    "content_tag_kept",
    "has_article_body",
    "article_body_f1",
    "og_article",
    "headline_kept",
)
HTML_SIGNALS: tuple[str, ...] = (*TEXT_SIGNALS, *PAGE_SIGNALS)
# A second extractor's result on its own (its Document is its text: no blocks to look at).
OTHER_SIGNALS: tuple[str, ...] = (
    "other_log_words",
    "other_log_lines",
    "other_kept_word_share",
    "other_paragraph_word_share",
    "other_log_longest_kept",
    "other_has_article_body",
    "other_article_body_f1",
    "other_og_article",
    "other_headline_kept",
)
PAIR_SIGNALS: tuple[str, ...] = (
    *(f"fast_{name}" for name in HTML_SIGNALS),
    *OTHER_SIGNALS,
    "word_ratio",
    "agreement_precision",
    "agreement_recall",
)


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def overlap(first: Sequence[str], second: Sequence[str]) -> int:
    """Size of the multiset intersection of two token lists (the score's overlap)."""
    return sum((Counter(first) & Counter(second)).values())


def token_f1(output: Sequence[str], reference: Sequence[str]) -> float:
    """Bag-of-tokens F1 of `output` against `reference` (0 when either is empty)."""
    shared = overlap(output, reference)
    if not shared:
        return 0.0
    return 2 * shared / (len(output) + len(reference))


def text_signals(cleaned: Cleaned) -> list[float]:
    """`TEXT_SIGNALS` of any result: how much went, by what, how sure the model was, and
    whether what stayed reads like prose."""
    document = cleaned.document
    lines = document.lines
    words = split_counts(lines)
    total = sum(words)
    removed = cleaned.removed_lines()
    gone_rule = gone_model = 0
    scores: list[float] = []
    for index, removal in removed.items():
        if removal.score is None:
            gone_rule += words[index]
        else:
            gone_model += words[index]
            scores.append(removal.score)
    cut_lines = len(cleaned.spans_by_line())
    kept = [words[i] for i in range(len(lines)) if i not in removed and words[i]]
    kept_words = sum(kept)
    paragraphs = [w for w in kept if w >= PARAGRAPH_WORDS]
    return [
        math.log1p(len(lines)),
        math.log1p(total),
        _share(kept_words, total),
        _share(len(kept), sum(1 for w in words if w)),
        math.log1p(kept_words),
        _share(gone_rule, total),
        _share(gone_model, total),
        _share(cut_lines, len(lines)),
        sum(scores) / len(scores) if scores else 0.0,
        _share(sum(1 for s in scores if s >= 0.2), len(scores)),
        _share(sum(paragraphs), kept_words),
        math.log1p(max(kept, default=0)),
        math.log1p(len(paragraphs)),
        math.log1p(_kept_runs(len(lines), removed)),
        1.0 if has_unspaced(cleaned.text[:2000]) else 0.0,
    ]


def _kept_runs(size: int, removed: Container[int]) -> int:
    """How many separate stretches of kept lines there are: one article is one or two; a
    result stitched from many places on the page is suspect."""
    runs, inside = 0, False
    for index in range(size):
        kept = index not in removed
        runs += kept and not inside
        inside = kept
    return runs


def article_body(html: str) -> list[str]:
    """Word tokens of the page's JSON-LD `articleBody`, or [] when it states none."""
    if '"articleBody"' not in html:
        return []
    found = _ARTICLE_BODY.search(html)
    if found is None:
        return []
    try:
        text = json.loads(f'"{found.group(1)}"')
    except ValueError:
        text = found.group(1)
    return word_tokens(text)


def page_signals(
    cleaned: Cleaned, html: str, output: Sequence[str], body: Sequence[str]
) -> list[float]:
    """`PAGE_SIGNALS` of a result on a page's DOM blocks (zeros but the metadata for any
    other Document): link text kept and dropped, agreement with `<article>`/`<main>` and
    with the page's `articleBody` (`body`, its tokens; `output`, the result's tokens)."""
    metadata = [
        1.0 if body else 0.0,
        token_f1(output, body) if body else 0.0,
        1.0 if _OG_ARTICLE.search(html[:20000]) else 0.0,
        headline_kept(cleaned.text, cleaned.document.titles),
    ]
    document = cleaned.document
    if document.origin != DOM or not document.blocks:
        return [0.0] * (len(PAGE_SIGNALS) - len(metadata)) + metadata
    removed = cleaned.removed_lines()
    chars = links = kept_chars = kept_links = 0
    content = kept_content = 0
    for index, block in enumerate(document.blocks):
        size = len(block.text)
        inside = not CONTENT_TAGS.isdisjoint(block.path)
        chars += size
        links += block.link_chars
        content += size if inside else 0
        if index not in removed:
            kept_chars += size
            kept_links += block.link_chars
            kept_content += size if inside else 0
    return [
        _share(links, chars),
        _share(kept_links, kept_chars),
        _share(links - kept_links, chars - kept_chars),
        _share(content, chars),
        _share(kept_content, kept_chars),
        _share(kept_content, content),
        *metadata,
    ]


def headline_kept(text: str, titles: Sequence[str]) -> float:
    """1 when `text` holds the first of the page's titles whole (or the page has none of at
    least three words), else 0: a result that lost the headline often lost more."""
    title = word_tokens(titles[0]) if titles else []
    if len(title) < 3:
        return 1.0
    return 1.0 if " ".join(title) in " ".join(word_tokens(text[:5000])) else 0.0


def html_signals(
    cleaned: Cleaned, html: str, body: Sequence[str], output: Sequence[str]
) -> list[float]:
    """`HTML_SIGNALS` of one extractor's result on a page (`body`: `article_body(html)`;
    `output`: the result's word tokens, which the router also compares)."""
    return [*text_signals(cleaned), *page_signals(cleaned, html, output, body)]


def other_signals(
    other: Cleaned, html: str, output: Sequence[str], body: Sequence[str], titles: Sequence[str]
) -> list[float]:
    """`OTHER_SIGNALS` of a second extractor's result (`output`: its tokens; `titles`: the
    page's, `cleaner.html.titles.page_titles`; its own text Document has none)."""
    row = text_signals(other)
    return [
        math.log1p(len(output)),
        row[TEXT_SIGNALS.index("log_lines")],
        row[TEXT_SIGNALS.index("kept_word_share")],
        row[TEXT_SIGNALS.index("paragraph_word_share")],
        row[TEXT_SIGNALS.index("log_longest_kept")],
        1.0 if body else 0.0,
        token_f1(output, body) if body else 0.0,
        1.0 if _OG_ARTICLE.search(html[:20000]) else 0.0,
        headline_kept(other.text, titles),
    ]


def pair_signals(
    fast_row: Sequence[float],
    fast_tokens: Sequence[str],
    other_row: Sequence[float],
    other_tokens: Sequence[str],
) -> list[float]:
    """`PAIR_SIGNALS`: the `fast` result's row, a second extractor's (`other_signals`), and
    how far the two agree (the share of each one's words the other also has)."""
    shared = overlap(fast_tokens, other_tokens)
    return [
        *fast_row,
        *other_row,
        math.log((len(other_tokens) + 1) / (len(fast_tokens) + 1)),
        _share(shared, len(fast_tokens)),
        _share(shared, len(other_tokens)),
    ]
