"""The HTML report of a run (`cleaner report OUT`) or of one document (`explain --html`).

A run's output folder has what the page needs but the original text: `_report.json` gives
the totals, the `_removals/` audit files give every removal with the text it took. The
original lines come from the inputs themselves, found through the `input` folder the report
records (or one given by hand), and are checked against the audit: a removal whose text is
not at its line means the input changed since the run, and that document is then shown as
its removals only, rather than with removals struck through at the wrong places.

A corpus may have millions of documents with removals; the page shows a deterministic
sample (the same run gives the same page) of at most `MAX_DOCUMENTS`, read in one streaming
pass, and counts the most often removed lines over all of them.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner.batch.plan import REMOVALS_DIR, REPORT_NAME, STATE_DIR
from cleaner.corpus.files import (
    ShardLines,
    decode_bytes,
    drop_controls,
    read_document,
    write_atomic,
)
from cleaner.corpus.inputs import input_kind, is_gzip
from cleaner.corpus.records import Fields
from cleaner.document import Cleaned, Document, Removal, line_index
from cleaner.report.html_page import DocView, ReportView, render_report

# Documents on the page: 200 renders in well under a second and is 10 pages of 20.
MAX_DOCUMENTS = 200
# Rows in "most often removed"; longer removed texts are shortened to keep the table narrow.
TOP_LINES = 25
TOP_LINE_CHARS = 160
# Distinct removed texts counted before rare ones are dropped, so memory stays flat.
MAX_DISTINCT_LINES = 200_000


class ReportError(ValueError):
    """A report that cannot be made; the message says what to do instead."""


def audit_removal(entry: dict[str, Any]) -> tuple[Removal, str]:
    """A Removal and its removed text from one audit line's removal entry (whose `line` is
    1-based, `Removal.to_dict`)."""
    span = entry.get("span")
    removal = Removal(
        line_index(int(entry["line"])),
        (int(span[0]), int(span[1])) if span else None,
        str(entry["filter"]),
        entry.get("rule"),
        str(entry.get("reason") or ""),
        entry.get("score"),
    )
    return removal, str(entry.get("text", ""))


def sample_key(entry: dict[str, Any]) -> str:
    """Where a document falls in the sample: a hash, so the sample spreads over the whole
    corpus and is the same on every run."""
    name = f"{entry.get('source')}\0{entry.get('record')}"
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def audit_entries(output: Path) -> Iterator[dict[str, Any]]:
    """Every audit line of a run, file by file in name order; broken lines are skipped (an
    audit is rebuilt on rerun, and a report should not fail on one bad line)."""
    folder = output / REMOVALS_DIR
    for path in sorted(folder.rglob("*.jsonl")) if folder.is_dir() else ():
        with path.open("rb") as stream:
            for raw in stream:
                try:
                    entry = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(entry, dict) and well_formed(entry.get("removals")):
                    yield entry


def well_formed(removals: object) -> bool:
    """Whether an audit line's removals can be shown: each names its filter and a line
    number from 1 (`Removal.to_dict`)."""
    return isinstance(removals, list) and all(
        isinstance(item, dict)
        and isinstance(item.get("filter"), str)
        and type(item.get("line")) is int
        and item["line"] >= 1
        for item in removals
    )


def count_top_lines(counter: Counter[str], texts: list[str]) -> None:
    """Add removed texts to the count, dropping the rarest half when it grows too big."""
    counter.update(text.strip()[:TOP_LINE_CHARS] for text in texts if text.strip())
    if len(counter) > MAX_DISTINCT_LINES:
        for text, _ in counter.most_common()[MAX_DISTINCT_LINES // 2 :]:
            del counter[text]


def lines_match(lines: tuple[str, ...], removals: list[tuple[Removal, str]]) -> bool:
    """Whether every removal's text is where the audit says: the original is the one that
    was cleaned."""
    for removal, text in removals:
        if removal.line >= len(lines):
            return False
        line = lines[removal.line]
        found = line if removal.span is None else line[removal.span[0] : removal.span[1]]
        if found != text:
            return False
    return True


def document_text(value: object, fields: Fields, url: object = None) -> str | None:
    """The text that was cleaned, from a record's source field or a file's contents."""
    if not isinstance(value, str):
        return None
    if fields.html is None:
        return value
    from cleaner.html.backends.trafilatura import extract_text  # trafilatura only for HTML runs

    return extract_text(value, url if isinstance(url, str) else None)


def read_file_document(path: Path, fields: Fields) -> str | None:
    """A text or HTML input file's document, decoded as the run decoded it."""
    if input_kind(path.name) == "html":
        from cleaner.html.backends.trafilatura import extract_text
        from cleaner.html.decode import decode_html

        return extract_text(drop_controls(decode_html(read_document(path).data).text))
    text = drop_controls(decode_bytes(read_document(path).data).text)
    return document_text(text, Fields(fields.text))


def read_shard_documents(path: Path, wanted: set[int], fields: Fields) -> dict[int, str]:
    """The documents at the wanted line numbers of a shard, in one streaming pass."""
    found: dict[int, str] = {}
    lines = ShardLines(path, compressed=is_gzip(path.name))
    for number, raw in lines:
        if number in wanted:
            try:
                record = json.loads(raw.decode("utf-8", errors="replace"))
            except ValueError:
                continue
            if isinstance(record, dict):
                text = document_text(record.get(fields.source), fields, record.get("url"))
                if text is not None:
                    found[number] = text
            if len(found) == len(wanted):
                break
    return found


def recover_originals(
    root: Path | None, entries: list[dict[str, Any]], fields: Fields
) -> dict[tuple[str, int | None], str]:
    """Original documents of the sampled entries by (source, record); missing when the
    input is gone or unreadable (the page then says so)."""
    if root is None:
        return {}
    by_source: dict[str, set[int]] = {}
    for entry in entries:
        by_source.setdefault(str(entry["source"]), set())
        if entry.get("record") is not None:
            by_source[str(entry["source"])].add(int(entry["record"]))
    originals: dict[tuple[str, int | None], str] = {}
    for source, records in by_source.items():
        path = root / source
        try:
            if records:
                for number, text in read_shard_documents(path, records, fields).items():
                    originals[(source, number)] = text
            else:
                document = read_file_document(path, fields)
                if document is not None:
                    originals[(source, None)] = document
        except (OSError, ValueError):
            continue
    return originals


def doc_view(entry: dict[str, Any], original: str | None) -> DocView:
    """One sampled document: its original with the removals, or the removals alone."""
    removals = [audit_removal(item) for item in entry["removals"]]
    title = str(entry.get("id") or entry["source"])
    if entry.get("record") is not None:
        title = f"{entry['source']} · line {entry['record']} · {entry.get('id')}"
    lines = Document.from_text(original).lines if original is not None else None
    note = None
    if lines is None:
        note = "the original could not be read; only the removed text is shown"
    elif not lines_match(lines, removals):
        lines, note = None, "the input changed since the run; only the removed text is shown"
    return DocView(
        title,
        lines,
        tuple(r for r, _ in removals),
        tuple(t for _, t in removals),
        note,
    )


def find_input(output: Path, report: dict[str, Any], given: Path | None) -> Path | None:
    """The run's input folder: given by hand, or as recorded (a relative path is tried from
    here and from where the run was started, worked out from the recorded output)."""
    if given is not None:
        return given
    recorded = Path(str(report.get("input", "")))
    if not str(report.get("input", "")):
        return None
    candidates = [recorded]
    out_recorded = Path(str(report.get("output", "")))
    if not recorded.is_absolute() and not out_recorded.is_absolute():
        parts = len(out_recorded.parts)
        resolved = output.resolve()
        if parts and resolved.parts[-parts:] == out_recorded.parts:
            candidates.append(resolved.parents[parts - 1] / recorded)
    return next((path for path in candidates if path.is_dir()), None)


def read_run(output: Path) -> dict[str, Any]:
    """The run's `_report.json`, or a ReportError saying what the folder is missing."""
    if not output.is_dir():
        raise ReportError(f"{output}: no such folder; give the -o folder of a `cleaner clean` run")
    path = output / REPORT_NAME
    if not path.is_file():
        raise ReportError(
            f"{output} is not a cleaner output folder (no {REPORT_NAME}); "
            f"run `cleaner clean DIR -o {output} --removals` first"
        )
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot read it ({exc}); rerun the clean command") from None
    if not isinstance(report, dict):
        raise ReportError(f"{path} is not a cleaner report; rerun the clean command")
    return report


def run_fields(output: Path) -> Fields:
    """The text and HTML fields the run read, from its recorded settings."""
    try:
        job = json.loads((output / STATE_DIR / "job.json").read_text(encoding="utf-8"))
        return Fields(str(job.get("text_field") or "text"), job.get("html_field"))
    except (OSError, ValueError, AttributeError):
        return Fields()


# What the page says where a number needs the removals audit and the run wrote none.
NEEDS_AUDIT = "needs --removals"
NO_AUDIT_NOTE = (
    "This run wrote no removals audit, so which documents and lines were removed is not "
    "known here (the totals above are the run's own): rerun the clean with --removals to see "
    "them."
)


def run_totals(report: dict[str, Any], with_removals: int | None) -> tuple[tuple[str, str], ...]:
    """The run's numbers; `with_removals` is None when there is no audit to count it in."""
    documents, files = report.get("documents", {}), report.get("files", {})
    removals, errors = report.get("removals", {}), report.get("errors", {})
    size = report.get("bytes", {})
    kept = size.get("out", 0) / size["in"] if size.get("in") else 1.0
    return (
        ("Documents in", f"{documents.get('in', 0):,}"),
        ("Documents out", f"{documents.get('out', 0):,}"),
        ("Documents emptied", f"{documents.get('emptied', 0):,}"),
        ("Documents with removals", NEEDS_AUDIT if with_removals is None else f"{with_removals:,}"),
        ("Removals", f"{removals.get('total', 0):,}"),
        ("Text kept", f"{kept:.1%}"),
        ("Files cleaned", f"{files.get('cleaned', 0):,} of {files.get('total', 0):,}"),
        ("Problems", f"{errors.get('total', 0):,}"),
        *confidence_totals(report.get("confidence", {})),
    )


def confidence_totals(confidence: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The documents judged and, with `--min-confidence`, those rejected."""
    if not confidence.get("judged"):
        return ()
    judged = ("Documents with a confidence", f"{confidence['judged']:,}")
    bar = confidence.get("min_confidence")
    if bar is None:
        return (judged,)
    return (judged, (f"Rejected (confidence below {bar:g})", f"{confidence.get('rejected', 0):,}"))


def run_view(output: Path, input_dir: Path | None = None, limit: int = MAX_DOCUMENTS) -> ReportView:
    """Everything the page of a run shows, in one pass over its audit files."""
    report = read_run(output)
    top: Counter[str] = Counter()
    sample: list[tuple[str, int, dict[str, Any]]] = []  # a heap of the `limit` lowest keys
    seen = 0
    for seen, entry in enumerate(audit_entries(output), 1):
        count_top_lines(top, [str(item.get("text", "")) for item in entry["removals"]])
        keep = (_neg(sample_key(entry)), seen, entry)
        if len(sample) < limit:
            heapq.heappush(sample, keep)
        elif keep[0] > sample[0][0]:
            heapq.heapreplace(sample, keep)
    chosen = [entry for _, _, entry in sorted(sample, key=lambda kept: kept[1])]
    originals = recover_originals(find_input(output, report, input_dir), chosen, run_fields(output))
    docs = tuple(
        doc_view(entry, originals.get((str(entry["source"]), entry.get("record"))))
        for entry in chosen
    )
    removals = report.get("removals", {})
    audited = (output / REMOVALS_DIR).is_dir()
    return ReportView(
        title=f"cleaner report: {output.name or output}",
        totals=run_totals(report, seen if audited else None),
        by_filter=dict(removals.get("by_filter", {})),
        by_rule=dict(removals.get("by_rule", {})),
        top_lines=tuple(top.most_common(TOP_LINES)),
        docs=docs,
        docs_note=docs_note(len(docs), seen, output),
        top_note=None if audited else NO_AUDIT_NOTE,
        confidence=tuple(report.get("confidence", {}).get("histogram", {}).items()),
    )


def _neg(key: str) -> str:
    """Invert a hex key so a min-heap keeps the lowest keys (its root is the highest kept)."""
    return key.translate(str.maketrans("0123456789abcdef", "fedcba9876543210"))


def docs_note(shown: int, total: int, output: Path) -> str:
    if total == 0:
        if (output / REMOVALS_DIR).is_dir():
            return "No document had removals."
        return NO_AUDIT_NOTE
    if shown < total:
        return (
            f"{shown:,} of {total:,} documents with removals, a fixed sample (the same on "
            "every report of this run), in corpus order."
        )
    return f"All {total:,} documents with removals, in corpus order."


def explain_view(cleaned: Cleaned, name: str) -> ReportView:
    """The page of one document, as `cleaner explain` sees it."""
    lines = cleaned.document.lines
    texts = tuple(
        lines[r.line] if r.span is None else lines[r.line][r.span[0] : r.span[1]]
        for r in cleaned.removals
    )
    by_filter = Counter(r.filter for r in cleaned.removals)
    by_rule = Counter(r.rule for r in cleaned.removals if r.rule is not None)
    top: Counter[str] = Counter()
    count_top_lines(top, list(texts))
    dropped = len(cleaned.removed_lines())
    totals: tuple[tuple[str, str], ...] = (
        ("Lines", f"{len(lines):,}"),
        ("Lines removed", f"{dropped:,}"),
        ("Lines cut inside", f"{len(cleaned.spans_by_line()):,}"),
        ("Removals", f"{len(cleaned.removals):,}"),
        ("Emptied", "yes" if lines and not cleaned.text.strip() else "no"),
    )
    if cleaned.confidence is not None:
        totals += (("Confidence (predicted F1)", f"{cleaned.confidence:.2f}"),)
    if cleaned.route is not None:
        totals += (("Extractor", f"{cleaned.route.extractor}: {cleaned.route.reason}"),)
    doc = DocView(name, lines, cleaned.removals, texts)
    return ReportView(
        title=f"cleaner explain: {name}",
        totals=totals,
        by_filter=dict(sorted(by_filter.items())),
        by_rule=dict(sorted(by_rule.items())),
        top_lines=tuple(top.most_common(TOP_LINES)),
        docs=(doc,),
        docs_note="The whole document; removed text is struck through.",
    )


def write_report(path: Path, view: ReportView, flag: str = "-o") -> None:
    """Write the page, all or nothing; `flag` is the option that named `path`."""
    try:
        write_atomic(path, render_report(view))
    except OSError as exc:
        raise ReportError(
            f"cannot write {path} ({exc.strerror or exc}); choose a writable path with {flag}"
        ) from None
