"""Identity check: the native core's line features and content probabilities against the
numpy implementation they replaced, on every page of the shared datasets.

    python bench/feature_identity.py [--rev REV] [--datasets a,b] [--renderers innertext,soup]
                                  [--limit N]

The reference is the Python code of `cleaner/text/features.py`, `cleaner/models/trees.py`
and `cleaner/models/line_model.py` at git revision REV (default: the commit before the
port), loaded from git into private modules. Each page runs through a real
`Cleaner().explain_text`; the learned filter's drafts (the text after the rules, as the
model sees it) are captured and scored by both. Printed per dataset and rendering: pages
compared, pages whose features differ (dense bit patterns, hashed words, rows), the largest
probability difference, pages whose stage-one logits differ, and how many line decisions
flip at each preset's threshold.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cleaner  # noqa: E402
import cleaner.text.features  # noqa: E402
from cleaner.document import DOM, TEXT, Document  # noqa: E402
from cleaner.filters.learned import ModelFilter  # noqa: E402
from cleaner.models.dom_model import DOM_FEATURES, default_dom_model, dom_features  # noqa: E402
from cleaner.models.line_model import default_model  # noqa: E402
from cleaner.pipeline import Draft  # noqa: E402
from cleaner.text.features import page_features  # noqa: E402
from cleaner.training.datasets import (  # noqa: E402
    dataset_names,
    dataset_path,
    load_dataset,
    rendered_pages,
)
from cleaner.training.render import render  # noqa: E402

BASE_REVISION = "c667d36"
PRESETS = ("precision", "balanced", "recall")
DOM_EXTRA = tuple(DOM_FEATURES)


def _module(name: str, source: str) -> ModuleType:
    module = ModuleType(name)
    sys.modules[name] = module  # dataclasses look their module up while decorating
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def reference_modules(revision: str) -> tuple[ModuleType, ModuleType]:
    """The features and line-model modules at `revision`, importing each other (not the
    current package's)."""

    def show(path: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{revision}:{path}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    features = _module("_reference_features", show("cleaner/text/features.py"))
    swap = ("from cleaner.text.features import", "from _reference_features import")
    trees = _module("_reference_trees", show("cleaner/models/trees.py").replace(*swap))
    line_model = show("cleaner/models/line_model.py").replace(*swap)
    line_model = line_model.replace(
        "from cleaner.models.trees import", "from _reference_trees import"
    )
    del trees
    return features, _module("_reference_line_model", line_model)


@dataclass
class Tally:
    pages: int = 0
    judged: int = 0
    differing: int = 0
    stage_one: int = 0
    max_diff: float = 0.0
    flips: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRESETS, 0))
    examples: list[str] = field(default_factory=list)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a32 = np.ascontiguousarray(a, np.float32)
    b32 = np.ascontiguousarray(b, np.float32)
    return a32.shape == b32.shape and bool((a32.view(np.uint32) == b32.view(np.uint32)).all())


def compare(
    drafts: Iterable[tuple[Document, Draft]], ref_features: Any, ref_model: Any, tally: Tally
) -> None:
    model = default_model()
    thresholds = {preset: model.threshold(preset) for preset in PRESETS}
    for document, draft in drafts:
        old = ref_features.page_features(document, draft)
        new = page_features(document, draft)
        same = (
            old.lines == new.lines
            and _same(old.dense, new.dense)
            and np.array_equal(old.hash_rows, new.hash_rows)
            and np.array_equal(old.hash_buckets, new.hash_buckets)
        )
        if not same:
            tally.differing += 1
            if len(tally.examples) < 3 and old.dense.shape == new.dense.shape:
                bad = np.argwhere(old.dense.view(np.uint32) != new.dense.view(np.uint32))
                tally.examples.append(f"{len(bad)} cells, first {bad[:3].tolist()}")
        if not old.lines or old.word_count() < 40:
            continue
        tally.judged += 1
        if not np.array_equal(ref_model.first.logits(old.dense), model.first.logits(new.dense)):
            tally.stage_one += 1
        p_old = np.asarray(ref_model.content_probability(old), np.float64)
        _, _, p_new32 = model.judge_text(draft, 0)
        p_new = p_new32.astype(np.float64)
        if len(p_old) != len(p_new):
            tally.differing += same
            continue
        tally.max_diff = max(tally.max_diff, float(np.abs(p_old - p_new).max(initial=0.0)))
        for preset, threshold in thresholds.items():
            tally.flips[preset] += int(((p_old < threshold) != (p_new < threshold)).sum())


def compare_dom(drafts: Iterable[tuple[Document, Draft]], ref_model: Any, tally: Tally) -> None:
    """The DOM block model on the DOM path's rows (its features are computed once: their
    text part is the core's, checked above): reference numpy scoring against the core."""
    model = default_dom_model()
    assert model is not None
    thresholds = {preset: model.threshold(preset) for preset in PRESETS}
    for document, draft in drafts:
        features = dom_features(document, draft)
        if not features.lines or features.word_count() < 40:
            continue
        tally.judged += 1
        p_old = np.asarray(ref_model.content_probability(features), np.float64)
        p_new = model.content_probability(features).astype(np.float64)
        first_old = ref_model.first.logits(features.dense, features)
        if not np.array_equal(first_old, model.first.logits(features.dense, features)):
            tally.stage_one += 1
        tally.max_diff = max(tally.max_diff, float(np.abs(p_old - p_new).max(initial=0.0)))
        for preset, threshold in thresholds.items():
            tally.flips[preset] += int(((p_old < threshold) != (p_new < threshold)).sum())


def run_dom(names: list[str], ref_model: Any, captured: list[tuple[Document, Draft]]) -> None:
    """`--dom`: every page's HTML through `clean_html` with the `fast` backend."""
    for name in names:
        tally = Tally()
        for page in load_dataset(name):
            captured.clear()
            cleaner.clean_html(page.html, page.url, backend="fast")
            tally.pages += 1
            compare_dom(captured, ref_model, tally)
        flips = "/".join(str(tally.flips[p]) for p in PRESETS)
        print(
            f"{name} dom {tally.pages} {tally.judged} - {tally.stage_one} "
            f"{tally.max_diff:.3g} {flips}",
            flush=True,
        )


def gold_less_texts(name: str, renderer: str) -> Iterator[str]:
    """Rendered texts of the records of `name` that have no gold (the loader skips them)."""
    with gzip.open(dataset_path(name), "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line) if line.strip() else {}
            if record and not isinstance(record.get("gold"), str):
                yield render(renderer, record["html"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default=BASE_REVISION)
    parser.add_argument("--datasets", default="")
    parser.add_argument("--renderers", default="innertext,soup")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--dom", action="store_true", help="check the DOM block model instead")
    parser.add_argument(
        "--without-gold",
        action="store_true",
        help="check the records the dataset loader skips (no gold), rendered here",
    )
    args = parser.parse_args()
    ref_features, ref_line_model = reference_modules(args.rev)
    ref_model = ref_line_model.load_model(
        ROOT / "cleaner" / "models" / "default.npz", ref_features.FEATURE_NAMES
    )
    assert tuple(ref_features.FEATURE_NAMES) == tuple(cleaner.text.features.FEATURE_NAMES)
    captured: list[tuple[Document, Draft]] = []
    original = ModelFilter.propose

    def capture(self: ModelFilter, document: Document, draft: Draft) -> Any:
        if document.origin == (DOM if args.dom else TEXT):
            captured.append((document, draft))
        return original(self, document, draft)

    ModelFilter.propose = capture  # type: ignore[method-assign]
    names = args.datasets.split(",") if args.datasets else dataset_names()
    if args.dom:
        dom_model = ref_line_model.load_model(
            ROOT / "cleaner" / "models" / "dom.npz", ref_features.FEATURE_NAMES + DOM_EXTRA
        )
        print("dataset mode pages judged - stage1_differing max|dp| flips(prec/bal/rec)")
        run_dom(names, dom_model, captured)
        return
    print("dataset renderer pages judged differing stage1_differing max|dp| flips(prec/bal/rec)")
    for name in names:
        for renderer in args.renderers.split(","):
            tally = Tally()
            texts = (
                gold_less_texts(name, renderer)
                if args.without_gold
                else (p.text for p in rendered_pages(name, renderer, limit=args.limit, processes=1))
            )
            for text in texts:
                captured.clear()
                cleaner.explain_text(text)
                tally.pages += 1
                compare(captured, ref_features, ref_model, tally)
            flips = "/".join(str(tally.flips[p]) for p in PRESETS)
            print(
                f"{name} {renderer} {tally.pages} {tally.judged} {tally.differing} "
                f"{tally.stage_one} {tally.max_diff:.3g} {flips} {'; '.join(tally.examples)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
