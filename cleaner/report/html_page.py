"""Render a report (a `ReportView`) as one self-contained HTML page.

The page is read by people deciding whether to trust the cleaner, so it shows the original
text with every removal struck through, coloured by filter *and* labelled with filter and
rule (colour is never the only signal), with the reason on hover, focus or tap.

Document text is scraped from the web and therefore hostile: every piece of it goes through
`esc` (html.escape), and a Content-Security-Policy allows only the script and style shipped
here (by their sha256), no network and no images, so a `<script>` or `onerror=` that slipped
through escaping still could not run. Rendering is pure: a view in, a string out.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cleaner.document import Removal

# Documents per page: a page of 20 documents renders at once even on a phone.
PAGE_SIZE = 20
# Filter colours (tint for the text, strong for bars and borders); dark text on the tints
# keeps contrast above WCAG AA. Filters past the palette share its last, neutral entry.
PALETTE_SIZE = 8

STYLE = """
:root{--fg:#1a1a1a;--muted:#555;--bg:#fff;--line:#ddd}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);
background:var(--bg);margin:0 auto;padding:1rem;max-width:70rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem;margin:0}
.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.5rem;
padding:0;margin:0}
.totals div{border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem}
.totals dt{font-size:.85rem;color:var(--muted)}.totals dd{margin:0;font-size:1.2rem;
font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}
figure{margin:0}figcaption{font-weight:600;margin:.5rem 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.2rem .4rem;
vertical-align:middle;border-bottom:1px solid var(--line)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bar{width:40%}td.bar svg{display:block;width:100%;height:.9rem}
.chart th{font-weight:normal;word-break:break-word}.chart thead th{white-space:nowrap}
.toplines td.text{word-break:break-word;font-family:ui-monospace,monospace;font-size:.9rem}
.doc{border:1px solid var(--line);border-radius:6px;padding:.75rem;margin:1rem 0}
.doc .meta{color:var(--muted);font-size:.85rem;margin:.25rem 0 .5rem}
ol.lines{margin:0;padding-left:3.2rem;font-family:ui-monospace,monospace;font-size:.9rem}
ol.lines li{white-space:pre-wrap;word-break:break-word;min-height:1.35em}
ol.lines li::marker{color:var(--muted)}
.cut{display:inline}
del{text-decoration:line-through;text-decoration-thickness:2px;border-radius:3px;
padding:0 .1rem;color:#222;cursor:help}
del:focus{outline:3px solid #1d4ed8;outline-offset:1px}
.tag{font-family:system-ui,sans-serif;font-size:.75rem;border:1px solid;border-radius:4px;
padding:0 .3rem;margin-left:.3rem;white-space:nowrap;color:#222}
.reason{display:none;font-family:system-ui,sans-serif;font-size:.8rem;background:#222;
color:#fff;border-radius:4px;padding:.1rem .4rem;margin-left:.3rem}
.cut:hover .reason,.cut:focus-within .reason{display:inline-block}
.f0 del,.f0.sw{background:#fde2e1}.f0 .tag,.f0.sw{border-color:#b42318}rect.f0{fill:#b42318}
.f1 del,.f1.sw{background:#fff1c2}.f1 .tag,.f1.sw{border-color:#8a6100}rect.f1{fill:#8a6100}
.f2 del,.f2.sw{background:#dbeafe}.f2 .tag,.f2.sw{border-color:#1d4ed8}rect.f2{fill:#1d4ed8}
.f3 del,.f3.sw{background:#e3f5d8}.f3 .tag,.f3.sw{border-color:#2f7d1f}rect.f3{fill:#2f7d1f}
.f4 del,.f4.sw{background:#efe1fb}.f4 .tag,.f4.sw{border-color:#7e22ce}rect.f4{fill:#7e22ce}
.f5 del,.f5.sw{background:#fde6d2}.f5 .tag,.f5.sw{border-color:#b45309}rect.f5{fill:#b45309}
.f6 del,.f6.sw{background:#d9f3f1}.f6 .tag,.f6.sw{border-color:#0f766e}rect.f6{fill:#0f766e}
.f7 del,.f7.sw{background:#eee}.f7 .tag,.f7.sw{border-color:#555}rect.f7{fill:#555}
.sw{display:inline-block;width:1rem;height:1rem;border:3px solid #888;vertical-align:middle}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
.note{color:var(--muted)}
nav.pager{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
nav.pager button{font:inherit;padding:.4rem .9rem;min-height:44px}
@media (max-width:40rem){body{padding:.5rem}ol.lines{padding-left:2.4rem}td.bar{width:30%}}
"""

# Client-side pagination: every sampled document is in the page, 20 shown at a time. Without
# script (or with it blocked) all of them show, which is still correct, only longer.
SCRIPT = """
(function () {
  var docs = document.querySelectorAll("article.doc");
  var size = PAGE_SIZE;
  var pages = Math.ceil(docs.length / size);
  var nav = document.getElementById("pager");
  if (!nav || pages < 2) { return; }
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var label = document.getElementById("page-label");
  var page = 0;
  function show(wanted, scroll) {
    page = Math.max(0, Math.min(pages - 1, wanted));
    for (var i = 0; i < docs.length; i++) {
      docs[i].hidden = Math.floor(i / size) !== page;
    }
    label.textContent = "Page " + (page + 1) + " of " + pages;
    prev.disabled = page === 0;
    next.disabled = page === pages - 1;
    if (scroll) { nav.scrollIntoView(); }
  }
  prev.addEventListener("click", function () { show(page - 1, true); });
  next.addEventListener("click", function () { show(page + 1, true); });
  nav.hidden = false;
  show(0, false);
})();
""".replace("PAGE_SIZE", str(PAGE_SIZE))


@dataclass(frozen=True, slots=True)
class DocView:
    """One document as the report shows it. `lines` is the original text, or None when it
    could not be recovered (then `note` says why and only the removed `texts` are shown);
    `texts[i]` is what `removals[i]` took away."""

    title: str
    lines: tuple[str, ...] | None
    removals: tuple[Removal, ...]
    texts: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything on the page, already counted and sampled (see cleaner.report.view)."""

    title: str
    totals: tuple[tuple[str, str], ...]
    by_filter: dict[str, int]
    by_rule: dict[str, int]
    top_lines: tuple[tuple[str, int], ...]
    docs: tuple[DocView, ...]
    docs_note: str
    # Said instead of the most removed lines when they were not counted (no audit).
    top_note: str | None = None
    # Documents per confidence bin ("0.0" ... "1.0"); empty when no document had one.
    confidence: tuple[tuple[str, int], ...] = ()


def esc(value: object) -> str:
    """The only way text reaches the page: escaped, quotes included (it also fills
    attributes)."""
    return html.escape(str(value), quote=True)


def csp_hash(source: str) -> str:
    """A CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy() -> str:
    """Nothing loads, nothing but our own script and style runs: the second line of
    defence behind escaping."""
    return (
        f"default-src 'none'; script-src {csp_hash(SCRIPT)}; style-src {csp_hash(STYLE)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def filter_classes(view: ReportView) -> dict[str, str]:
    """A colour class per filter, in the chart's order, so chart, legend and text agree."""
    names = sorted(view.by_filter) + sorted(
        {r.filter for doc in view.docs for r in doc.removals} - set(view.by_filter)
    )
    return {name: f"f{min(i, PALETTE_SIZE - 1)}" for i, name in enumerate(names)}


def decided_by(removal: Removal) -> str:
    """The label beside a removal: filter and rule, or filter and score for the model."""
    if removal.rule is not None:
        return f"{removal.filter} · {removal.rule}"
    score = "" if removal.score is None else f" · score {removal.score:.2f}"
    return f"{removal.filter}{score}"


def pages(count: int, size: int = PAGE_SIZE) -> int:
    """How many pages the pager shows for `count` documents."""
    return max(1, -(-count // size))


def render_report(view: ReportView) -> str:
    """The whole page."""
    classes = filter_classes(view)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(view.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{esc(view.title)}</h1>",
        render_totals(view.totals),
        render_charts(view, classes),
        render_confidence(view.confidence),
        render_top_lines(view.top_lines, view.top_note),
        render_documents(view, classes),
        "</main>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def render_totals(totals: Sequence[tuple[str, str]]) -> str:
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in totals)
    return (
        f'<section aria-labelledby="h-totals"><h2 id="h-totals">Totals</h2>'
        f'<dl class="totals">{items}</dl></section>'
    )


def render_charts(view: ReportView, classes: dict[str, str]) -> str:
    """Bars with their numbers as text, in tables: readable without colour or sight."""
    rule_class = {rule: _rule_class(rule, view, classes) for rule in view.by_rule}
    legend = "".join(
        f'<li><span class="sw {classes[name]}" aria-hidden="true"></span> {esc(name)}</li>'
        for name in sorted(view.by_filter)
    )
    by_rule = sorted(view.by_rule.items(), key=lambda item: (-item[1], item[0]))
    return (
        '<section aria-labelledby="h-chart"><h2 id="h-chart">Removals by filter and rule</h2>'
        f'<ul class="legend" aria-label="Filter colours">{legend}</ul><div class="charts">'
        + _bar_table("Removals by filter", sorted(view.by_filter.items()), classes)
        + _bar_table("Removals by rule", by_rule, rule_class)
        + "</div></section>"
    )


def render_confidence(histogram: Sequence[tuple[str, int]]) -> str:
    """Documents by confidence (the predicted F1 of their cleaning), in tenths."""
    if not any(count for _, count in histogram):
        return ""
    rows = [(f"{low} and up" if low == "1.0" else f"{low}-{low[:-1]}9", n) for low, n in histogram]
    return (
        '<section aria-labelledby="h-confidence"><h2 id="h-confidence">Confidence</h2>'
        + _bar_table("Documents by confidence (predicted F1)", rows, {})
        + "</section>"
    )


def _rule_class(rule: str, view: ReportView, classes: dict[str, str]) -> str:
    """A rule's bar takes the colour of the filter that used it (first seen in the sample)."""
    for doc in view.docs:
        for removal in doc.removals:
            if removal.rule == rule:
                return classes.get(removal.filter, f"f{PALETTE_SIZE - 1}")
    return f"f{PALETTE_SIZE - 1}"


def _bar_table(caption: str, rows: Sequence[tuple[str, int]], classes: dict[str, str]) -> str:
    if not rows:
        return (
            f'<figure class="chart"><figcaption>{esc(caption)}</figcaption>'
            '<p class="note">No removals.</p></figure>'
        )
    top = max(count for _, count in rows) or 1
    body = "".join(
        f'<tr><th scope="row">{esc(name)}</th><td class="num">{count:,}</td>'
        f'<td class="bar"><svg viewBox="0 0 100 10" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false"><rect class="{classes.get(name, "f7")}" '
        f'width="{max(1.0, 100 * count / top):.1f}" height="10"/></svg></td></tr>'
        for name, count in rows
    )
    return (
        f'<figure class="chart"><figcaption>{esc(caption)}</figcaption><table>'
        '<thead><tr><th scope="col">Name</th><th scope="col">Count</th>'
        '<th scope="col">Relative</th></tr>'
        f"</thead><tbody>{body}</tbody></table></figure>"
    )


def render_top_lines(top_lines: Sequence[tuple[str, int]], note: str | None = None) -> str:
    """The most removed texts; `note` says why there are none when they were not counted
    (rather than "Nothing was removed", which would be false)."""
    rows = "".join(
        f'<tr><td class="text">{esc(text)}</td><td class="num">{count:,}</td></tr>'
        for text, count in top_lines
    )
    table = (
        '<table class="toplines"><thead><tr><th scope="col">Removed text</th>'
        f'<th scope="col">Times</th></tr></thead><tbody>{rows}</tbody></table>'
        if rows
        else f'<p class="note">{esc(note or "Nothing was removed.")}</p>'
    )
    return (
        f'<section aria-labelledby="h-top"><h2 id="h-top">Most often removed</h2>{table}</section>'
    )


def render_documents(view: ReportView, classes: dict[str, str]) -> str:
    count = len(view.docs)
    pager = (
        '<nav class="pager" id="pager" aria-label="Document pages" hidden>'
        '<button type="button" id="prev">Previous</button>'
        '<span id="page-label" aria-live="polite"></span>'
        '<button type="button" id="next">Next</button></nav>'
        if pages(count) > 1
        else ""
    )
    docs = "".join(render_document(doc, number, classes) for number, doc in enumerate(view.docs, 1))
    return (
        '<section aria-labelledby="h-docs"><h2 id="h-docs">Documents</h2>'
        f'<p class="note">{esc(view.docs_note)}</p>{pager}{docs}</section>'
    )


def render_document(doc: DocView, number: int, classes: dict[str, str]) -> str:
    """A document's lines, kept ones plain; or, without the original, its removals."""
    meta = f"{len(doc.removals)} removal(s)" + (f" · {doc.note}" if doc.note else "")
    if doc.lines is None:
        items = "".join(
            f"<li>{_cut(text, removal, f'{number}-{i}', classes)}</li>"
            for i, (removal, text) in enumerate(zip(doc.removals, doc.texts, strict=True))
        )
        body = f'<ul class="lines">{items}</ul>'
    else:
        body = f'<ol class="lines">{"".join(_lines(doc, number, classes))}</ol>'
    return (
        f'<article class="doc" id="doc-{number}" aria-labelledby="doc-{number}-h">'
        f'<h3 id="doc-{number}-h">{esc(doc.title)}</h3><p class="meta">{esc(meta)}</p>'
        f"{body}</article>"
    )


def _lines(doc: DocView, number: int, classes: dict[str, str]) -> Iterable[str]:
    lines = doc.lines or ()
    whole: dict[int, Removal] = {}
    spans: dict[int, list[Removal]] = {}
    for removal in doc.removals:
        if removal.span is None:
            whole.setdefault(removal.line, removal)
        else:
            spans.setdefault(removal.line, []).append(removal)
    for index, line in enumerate(lines):
        key = f"{number}-{index}"
        if index in whole:
            yield f"<li>{_cut(line, whole[index], key, classes)}</li>"
        elif index in spans:
            yield f"<li>{marked_line(line, spans[index], key, classes)}</li>"
        else:
            yield f"<li>{esc(line)}</li>"


def marked_line(line: str, cuts: Sequence[Removal], key: str, classes: dict[str, str]) -> str:
    """A line with its span cuts struck through in place; overlapping cuts (a later pass
    cutting inside an earlier cut) are shown as the first that covers the text."""
    out, at = [], 0
    for i, cut in enumerate(sorted(cuts, key=lambda r: r.span or (0, 0))):
        start, end = cut.span or (0, 0)
        start, end = max(start, at), min(end, len(line))
        if end <= start:
            continue
        out.append(esc(line[at:start]))
        out.append(_cut(line[start:end], cut, f"{key}-{i}", classes))
        at = end
    out.append(esc(line[at:]))
    return "".join(out)


def _cut(text: str, removal: Removal, key: str, classes: dict[str, str]) -> str:
    """Removed text in `<del>`, its filter/rule as a visible label, and the reason as a
    title (hover) and a described-by note shown on focus or tap."""
    css = classes.get(removal.filter, f"f{PALETTE_SIZE - 1}")
    reason = removal.reason or "no reason given"
    return (
        f'<span class="cut {css}"><del tabindex="0" title="{esc(reason)}" '
        f'aria-describedby="why-{key}">{esc(text)}</del>'
        f'<span class="tag">{esc(decided_by(removal))}</span>'
        f'<span class="reason" id="why-{key}" role="tooltip">{esc(reason)}</span></span>'
    )
