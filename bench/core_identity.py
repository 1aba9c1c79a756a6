"""Identity check: the native core's line features and content probabilities against the
numpy implementation they replaced, on every page of the shared datasets.

    python bench/core_identity.py [--rev REV] [--datasets a,b] [--renderers innertext,soup]
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
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cleaner  # noqa: E402
import cleaner.text.features  # noqa: E402
from cleaner.document import TEXT, Document  # noqa: E402
from cleaner.filters.learned import ModelFilter  # noqa: E402
from cleaner.models.line_model import default_model  # noqa: E402
from cleaner.pipeline import Draft  # noqa: E402
from cleaner.text.features import page_features  # noqa: E402
from cleaner.training.datasets import dataset_names, rendered_pages  # noqa: E402

BASE_REVISION = "c667d36"
PRESETS = ("precision", "balanced", "recall")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default=BASE_REVISION)
    parser.add_argument("--datasets", default="")
    parser.add_argument("--renderers", default="innertext,soup")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    ref_features, ref_line_model = reference_modules(args.rev)
    ref_model = ref_line_model.load_model(
        ROOT / "cleaner" / "models" / "default.npz", ref_features.FEATURE_NAMES
    )
    assert tuple(ref_features.FEATURE_NAMES) == tuple(cleaner.text.features.FEATURE_NAMES)
    captured: list[tuple[Document, Draft]] = []
    original = ModelFilter.propose

    def capture(self: ModelFilter, document: Document, draft: Draft) -> Any:
        if document.origin == TEXT:
            captured.append((document, draft))
        return original(self, document, draft)

    ModelFilter.propose = capture  # type: ignore[method-assign]
    names = args.datasets.split(",") if args.datasets else dataset_names()
    print("dataset renderer pages judged differing stage1_differing max|dp| flips(prec/bal/rec)")
    for name in names:
        for renderer in args.renderers.split(","):
            tally = Tally()
            for page in rendered_pages(name, renderer, limit=args.limit, processes=1):
                captured.clear()
                cleaner.explain_text(page.text)
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
