"""Cleaning records (dicts) and batches of them, the same way everywhere they come from.

JSONL shards, a `dask.bag` of dicts and a `datasets.Dataset.map(batched=True)` batch all go
through `clean_record` / `clean_batch`, so a record comes out the same whichever engine ran
it. A Cleaner holds compiled closures and cannot be pickled; what crosses to another process
is its `CleanerConfig`, and `cleaner_for` builds one Cleaner per config per process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from cleaner.api import Cleaner
from cleaner.config import CleanerConfig
from cleaner.corpus.files import Decoded, decode_bytes, drop_controls, not_text_problem
from cleaner.document import Cleaned
from cleaner.html.decode import decode_html
from cleaner.profiles.profile import SITE_FIELD, record_site

DEFAULT_TEXT_FIELD = "text"
# The record field whose value names a document in audit files, when a record has one.
ID_FIELD = "id"
# The field whose value, if a string, tells trafilatura the page's address (it resolves
# relative links and recognises some sites by it).
URL_FIELD = "url"
# The field a cleaned record's confidence is written to (`Cleaned.confidence`), when it has one.
CONFIDENCE_FIELD = "confidence"
# A process rarely needs more than one configuration; a few allow tests and notebooks to
# switch without rebuilding every time.
CLEANERS_PER_PROCESS = 4


@dataclass(frozen=True, slots=True)
class Fields:
    """Which record fields to read and write.

    `text`: the field holding the text to clean, and the field the cleaned text goes to.
    `html`: when set, the field holding a page's HTML; its main text is extracted, cleaned
    and written to `text`, and the HTML itself is left as it was.
    """

    text: str = DEFAULT_TEXT_FIELD
    html: str | None = None

    @property
    def source(self) -> str:
        """The field the document is read from."""
        return self.html if self.html is not None else self.text


@lru_cache(maxsize=CLEANERS_PER_PROCESS)
def cleaner_for(config: CleanerConfig) -> Cleaner:
    """The Cleaner for `config`, built once per process (workers receive only the config)."""
    return Cleaner(config=config)


class RecordOutcome(NamedTuple):
    """A cleaned record (a new dict; the input is not modified), what `explain` said, and
    `problem` when the record could not be cleaned (it is then returned unchanged)."""

    record: dict[str, Any]
    cleaned: Cleaned | None
    problem: str | None


def clean_value(
    value: str | bytes, cleaner: Cleaner, fields: Fields, url: object, site: str | None = None
) -> Cleaned:
    """Clean one document: text as it is, or HTML through extraction first. `site` is the
    page's site for a profile filter (see `cleaner.profiles.profile.record_site`).
    Control characters that never belong in text (NUL, ESC...) are dropped first."""
    if isinstance(value, str):  # a stray NUL or ESC never belongs in a corpus
        value = drop_controls(value)
    if fields.html is None:
        if not isinstance(value, str):
            raise TypeError(f"field {fields.text!r} holds bytes; text fields must be strings")
        return cleaner.explain(value, site=site)
    return cleaner.explain_html(value, url if isinstance(url, str) else None, site=site)


class NotText(Exception):
    """Bytes that are not a document to clean (binary, another encoding): `kind` and
    `message` are its entry in a run's report."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


def clean_bytes(
    data: bytes, html: bool, cleaner: Cleaner, site: str | None = None
) -> tuple[Decoded, str, Cleaned]:
    """Clean one document file's bytes: decoded as a browser would for HTML, else as text;
    refused with NotText when they are not text; stray controls dropped. Returns the
    decoding, the text cleaned and the result: the one way a folder run and `cleaner clean
    FILE` read a document."""
    decoded = decode_html(data) if html else decode_bytes(data)
    problem = not_text_problem(decoded)
    if problem is not None:
        raise NotText(*problem)
    text = drop_controls(decoded.text)
    if html:
        return decoded, text, cleaner.explain_html(text, site=site)
    return decoded, text, cleaner.explain(text, site=site)


def clean_record(
    record: Mapping[str, Any], cleaner: Cleaner, fields: Fields, site: str | None = None
) -> RecordOutcome:
    """Clean the document in one record; every other field is kept as it is, in order, and
    the result's confidence (when it has one) is written to `CONFIDENCE_FIELD`.
    The page's site (for a profile filter) is its url's host, else its `site` field, else
    `site` (a batch run passes the shard's folder name).

    A record without a string in the source field cannot be cleaned: it comes back
    unchanged with a problem that says what to do, so the caller can report it and still
    keep the record.
    """
    value = record.get(fields.source)
    if not isinstance(value, str):
        found = "no such field" if fields.source not in record else type(value).__name__
        flag = "--html-field" if fields.html is not None else "--text-field"
        return RecordOutcome(
            dict(record),
            None,
            f"field {fields.source!r} is not a string ({found}); the record is kept "
            f"unchanged (name the right field with {flag})",
        )
    url = record.get(URL_FIELD)
    if cleaner.site_aware:  # parsing the url is work only a profile filter needs
        site = record_site(record, SITE_FIELD, site)
    cleaned = clean_value(value, cleaner, fields, url, site)
    out = dict(record)
    out[fields.text] = cleaned.text
    if cleaned.confidence is not None:
        out[CONFIDENCE_FIELD] = cleaned.confidence
    return RecordOutcome(out, cleaned, None)


def clean_item(item: object, cleaner: Cleaner, fields: Fields) -> object:
    """Clean a text (str in, str out) or a record (dict in, dict out), for collections that
    mix neither (a dask bag holds one or the other). Records that cannot be cleaned come
    back unchanged, as from `clean_record`."""
    if isinstance(item, str) and fields.html is None:
        return cleaner.clean(item)
    if isinstance(item, str | bytes):
        return clean_value(item, cleaner, fields, None).text
    if isinstance(item, Mapping):
        return clean_record(item, cleaner, fields).record
    raise TypeError(
        f"cannot clean a {type(item).__name__}: give texts (str) or records (dicts with a "
        f"{fields.source!r} field)"
    )


def clean_batch(
    batch: Mapping[str, Sequence[Any]],
    *,
    text_field: str = DEFAULT_TEXT_FIELD,
    html_field: str | None = None,
    config: CleanerConfig | None = None,
) -> dict[str, list[Any]]:
    """Clean a column batch: a dict of equal-length lists in, the cleaned column out.

    Fits `datasets.Dataset.map(clean_batch, batched=True)` (pass options with
    `fn_kwargs={"text_field": "body"}`), which merges the returned column into the
    dataset; it needs no Hugging Face package. A None in the column stays None. With
    `html_field`, the pages in that column are extracted and cleaned into `text_field`.
    The function and its arguments pickle, so `num_proc=N` works.
    """
    fields = Fields(text_field, html_field)
    if fields.source not in batch:
        raise KeyError(
            f"the batch has no column {fields.source!r} (columns: {sorted(batch)}); "
            "pass text_field= or html_field="
        )
    cleaner = cleaner_for(config or CleanerConfig())
    urls = batch.get(URL_FIELD) or [None] * len(batch[fields.source])
    cleaned: list[Any] = []
    for value, url in zip(batch[fields.source], urls, strict=True):
        if value is None:
            cleaned.append(None)
        elif isinstance(value, str | bytes):
            cleaned.append(clean_value(value, cleaner, fields, url).text)
        else:
            raise TypeError(
                f"column {fields.source!r} holds {type(value).__name__}, not text; "
                "pass the name of a text column as text_field="
            )
    return {fields.text: cleaned}
