"""Reference line filters that every cleaner result is compared against.

- ``keep_everything``: the floor. A cleaner that scores below it on precision removed
  nothing useful; its recall is the most any line filter can keep.
- ``c4_line_filter``: the line rules of C4 (Raffel et al. 2020, "Exploring the Limits of
  Transfer Learning with a Unified Text-to-Text Transformer", JMLR 21(140), section 2.2),
  the most widely used heuristic cleaner of web text. The reference points in design.md and
  data/README.md are measured with it.

Both run in-process on plain text, so their speed compares directly with ``cleaner``'s.
"""

from __future__ import annotations

import re

# The C4 line rules, as datatrove's ``C4QualityFilter`` (huggingface/datatrove,
# src/datatrove/pipeline/filters/c4_filters.py, v0.10) applies them with its defaults,
# which follow the TensorFlow Datasets C4 code (tensorflow_datasets/text/c4_utils.py).
# Its whole-page rules (fewer than 5 sentences, "lorem ipsum", a curly bracket anywhere) are
# deliberately absent: they drop pages, and a preprocessor must return every page.

# Lines must end like a sentence: navigation, labels, buttons and bylines rarely do.
# C4 lists . ! ? and the double quote; datatrove also accepts a closing single quote.
END_PUNCTUATION = (".", "!", "?", '"', "'")
# ...but a trailing ellipsis marks a truncated teaser ("Read more of this story..."),
# not a finished sentence.
ELLIPSIS = "..."
# Fewer words than this is a label or a heading, not prose (datatrove min_words_per_line).
MIN_WORDS_PER_LINE = 3
# A longer "word" is a URL, base64 blob or minified code, not language (max_word_length).
MAX_WORD_LENGTH = 1000
# A line about JavaScript is nearly always "please enable JavaScript" chrome.
JAVASCRIPT = "javascript"
# Legal and cookie notices; matched lower-cased anywhere in the line.
POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
# Wikipedia-style citation marks ("[12]", "[edit]", "[citation needed]") are cut out before
# the punctuation test, so "...was born in 1900.[3]" still counts as ending a sentence.
# This is the one rule that edits text; the cut marks are absent from the output too.
_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")


def keep_everything(text: str) -> str:
    """Return ``text`` unchanged: the do-nothing baseline."""
    return text


def _c4_judge(line: str) -> tuple[str, str | None]:
    """The line as C4 would keep it and the reason to drop it (None = keep).

    The order of the checks follows datatrove so that the first reason reported matches its
    ``line-filter-*`` statistics.
    """
    stripped = line.strip()
    # Words are counted on the line before citation marks are cut, as datatrove does.
    words = stripped.split()
    if any(len(word) > MAX_WORD_LENGTH for word in words):
        return stripped, "too_long_word"
    kept = _CITATION.sub("", stripped)
    if not kept.endswith(END_PUNCTUATION) or kept.endswith(ELLIPSIS):
        return kept, "no_terminal_punct"
    if len(words) < MIN_WORDS_PER_LINE:
        return kept, "too_few_words"
    lowered = kept.lower()
    if JAVASCRIPT in lowered:
        return kept, "javascript"
    if any(phrase in lowered for phrase in POLICY_SUBSTRINGS):
        return kept, "policy"
    return kept, None


def c4_drop_reason(line: str) -> str | None:
    """Why C4's line rules drop ``line`` (``"no_terminal_punct"``, ...), or None to keep it."""
    return _c4_judge(line)[1]


def c4_line_filter(text: str) -> str:
    """Keep the lines of ``text`` that pass C4's line rules, page-level drops off.

    Kept lines are stripped of surrounding whitespace and citation marks and joined with
    ``"\\n"``, as datatrove's ``C4QualityFilter(min_num_sentences=-1,
    filter_lorem_ipsum=False, filter_curly_bracket=False)`` does, so the two give the same
    text. Our own implementation: no dependency on datatrove (or nltk) and no per-document
    statistics bookkeeping, which keeps the speed comparison with ``cleaner`` fair.
    """
    kept_lines = []
    for line in text.splitlines():
        kept, reason = _c4_judge(line)
        if reason is None:
            kept_lines.append(kept)
    return "\n".join(kept_lines).strip()
