"""Identity check: the native core's DOM block model features and probabilities against the
numpy implementation they replaced, on every page of the shared datasets.

    python bench/dom_feature_identity.py [--rev REV] [--datasets a,b] [--limit N]

The reference is `cleaner/models/dom_model.py` at git revision REV (default: the commit
before the port), loaded from git into a private module (its text features are the core's,
checked by bench/feature_identity.py). Each page runs through a real
`Cleaner().explain_html(..., backend="fast")`; the learned filter's inputs on the DOM path
(the document and the draft after the rules) are captured and featurized by both. Printed
per dataset: pages, pages whose DOM features differ (dense bit patterns, hashed keys, rows),
pages the model judged, the largest probability difference (reference: numpy features
scored by the core model; new: the one-call `judge_dom`), and line decisions that flip at
each preset's threshold.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.document import DOM, Document  # noqa: E402
from cleaner.filters.learned import MIN_PAGE_WORDS, ModelFilter  # noqa: E402
from cleaner.models.dom_model import (  # noqa: E402
    ALL_FEATURES,
    default_dom_model,
    dom_features,
    judge_dom,
)
from cleaner.pipeline import Draft  # noqa: E402
from cleaner.training.datasets import dataset_names, load_dataset  # noqa: E402

BASE_REVISION = "13275ae"
PRESETS = ("precision", "balanced", "recall")


def reference_module(revision: str) -> ModuleType:
    """`cleaner.models.dom_model` at `revision`, as a private module."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:cleaner/models/dom_model.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = ModuleType("_reference_dom_model")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "<_reference_dom_model>", "exec"), module.__dict__)
    return module


@dataclass
class Tally:
    pages: int = 0
    differing: int = 0
    judged: int = 0
    max_diff: float = 0.0
    flips: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRESETS, 0))
    examples: list[str] = field(default_factory=list)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a32 = np.ascontiguousarray(a, np.float32)
    b32 = np.ascontiguousarray(b, np.float32)
    return a32.shape == b32.shape and bool((a32.view(np.uint32) == b32.view(np.uint32)).all())


def compare(document: Document, draft: Draft, reference: ModuleType, tally: Tally) -> None:
    model = default_dom_model()
    assert model is not None
    old = reference.dom_features(document, draft)
    new = dom_features(document, draft)
    same = (
        old.lines == new.lines
        and _same_bits(old.dense, new.dense)
        and np.array_equal(old.hash_rows, new.hash_rows)
        and np.array_equal(old.hash_buckets, new.hash_buckets)
    )
    if not same:
        tally.differing += 1
        if len(tally.examples) < 3 and old.dense.shape == new.dense.shape:
            bad = np.argwhere(old.dense.view(np.uint32) != new.dense.view(np.uint32))
            columns = sorted({reference.ALL_FEATURES[c] for c in bad[:, 1].tolist()})
            tally.examples.append(f"{len(bad)} cells in {columns[:4]}")
    if not old.lines or old.word_count() < MIN_PAGE_WORDS:
        return
    tally.judged += 1
    p_old = model.content_probability(old).astype(np.float64)
    lines, _, p_new32 = judge_dom(model, document, draft, MIN_PAGE_WORDS)
    p_new = p_new32.astype(np.float64)
    if tuple(lines) != old.lines or len(p_new) != len(p_old):
        tally.examples.append("judge_dom rows differ")
        return
    tally.max_diff = max(tally.max_diff, float(np.abs(p_old - p_new).max(initial=0.0)))
    for preset in PRESETS:
        threshold = model.threshold(preset)
        tally.flips[preset] += int(((p_old < threshold) != (p_new < threshold)).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default=BASE_REVISION)
    parser.add_argument("--datasets", default="")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    reference = reference_module(args.rev)
    assert tuple(reference.ALL_FEATURES) == ALL_FEATURES
    captured: list[tuple[Document, Draft]] = []
    original = ModelFilter.propose

    def capture(self: ModelFilter, document: Document, draft: Draft) -> Any:
        if document.origin == DOM:
            captured.append((document, draft))
        return original(self, document, draft)

    ModelFilter.propose = capture  # type: ignore[method-assign]
    cleaner = Cleaner()
    print("dataset pages differing judged max|dp| flips(prec/bal/rec) examples")
    for name in args.datasets.split(",") if args.datasets else dataset_names():
        tally = Tally()
        for page in load_dataset(name, limit=args.limit):
            captured.clear()
            cleaner.explain_html(page.html, page.url, backend="fast")
            tally.pages += 1
            for document, draft in captured:
                compare(document, draft, reference, tally)
        flips = "/".join(str(tally.flips[p]) for p in PRESETS)
        print(
            f"{name} {tally.pages} {tally.differing} {tally.judged} {tally.max_diff:.3g} "
            f"{flips} {'; '.join(tally.examples)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
