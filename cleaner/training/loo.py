"""Leave-one-dataset-out models: for each licence-eligible dataset, a line model and a DOM
block model trained on the eligible others; and one pair trained on all of them.

In-fold scores flatter: sites differ within a dataset far less than datasets differ from
each other (old English news against modern multilingual pages), and the blind sets are
other datasets again. So a dataset we may train on is scored only by models that never saw
it (`holdout_group`), and a dataset we may not train on (design.md section 3) by the models
trained on every eligible one (`ALL`), which are also the candidates for shipping.

Training follows the shipped recipes exactly (`cleaner.training.fitting`): the line model
on both renderings of article pages (and untyped ones) plus trimmed copies; the DOM model
on every page, its thresholds tuned on articles. Fitting all groups takes most of an hour,
so each model is kept under `.cache/loo/<key>/`, where the key digests the examples and
the fitting code: a change to a rule, feature or dataset that changes the examples
retrains, any other change does not.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from cleaner.api import Cleaner
from cleaner.models.dom_model import load_dom_model, save_dom_model
from cleaner.models.line_model import LineModel, load_model
from cleaner.pipeline import Filter
from cleaner.training.datasets import (
    CACHE_DIR_ENV,
    MIN_GOLD_RECALL,
    SHIPPABLE_DATASETS,
    dataset_names,
    load_dataset,
    rendered_pages,
    repo_root,
)
from cleaner.training.evaluate_text import of_types
from cleaner.training.train_lines import Example

# Eligible datasets held out on their own (100 pages or more with full gold). The others,
# the small extra sets (under 30 each), are held out together: one training stands for six,
# and each is still scored by models that never saw any of them.
OWN_GROUPS = frozenset(("wcxb_dev", "readability", "extra_fundus", "extra_newspaper"))
# The group of a dataset that is not licence-eligible: the models trained on every
# eligible dataset.
ALL = "all"
# The line model trains on these page types (untyped pages always count), as shipped.
LINE_PAGE_TYPES = frozenset(("article",))
RENDERINGS = ("innertext", "soup")
LOO_CACHE = Path(".cache") / "loo"
# The code under cleaner/ that turns examples into models (what builds the examples is
# covered by digesting the examples themselves: `training_key`).
FITTING_CODE = (
    "training/fitting.py",
    "training/train_lines.py",
    "training/train_dom.py",
    "training/logistic.py",
    "models/line_model.py",
    "models/dom_model.py",
    "models/trees.py",
)


def holdout_group(name: str) -> str:
    """The group whose models score dataset `name`: the small extras together, any other
    eligible dataset alone, `ALL` for the datasets we may not train on."""
    if name not in SHIPPABLE_DATASETS:
        return ALL
    return name if name in OWN_GROUPS else "small_extras"


def is_held_out(name: str, group: str) -> bool:
    """Whether the models of `group` must not train on dataset `name`."""
    return group != ALL and holdout_group(name) == group


@dataclass(frozen=True)
class TrainingData:
    """The examples of every eligible dataset, built once and shared by all groups."""

    line: tuple[Example, ...]
    dom: tuple[Example, ...]
    dom_tuning: frozenset[str]  # page ids the DOM thresholds are tuned on
    # The dataset file (`extra_fundus`) of each dataset name the pages carry (`fundus`).
    files: Mapping[str, str] = field(default_factory=dict)

    def file_of(self, example: Example) -> str:
        return self.files.get(example.dataset, example.dataset)

    def without(self, group: str) -> TrainingData:
        """The examples a group's models train on."""
        return TrainingData(
            tuple(e for e in self.line if not is_held_out(self.file_of(e), group)),
            tuple(e for e in self.dom if not is_held_out(self.file_of(e), group)),
            self.dom_tuning,
            self.files,
        )


def eligible_names(data_dir: Path) -> list[str]:
    """The licence-eligible datasets present in `data_dir`."""
    return sorted(SHIPPABLE_DATASETS.intersection(dataset_names(data_dir)))


def training_data(
    data_dir: Path, limit: int | None, rule_filters: Sequence[Filter]
) -> TrainingData:
    """Line and DOM examples of every eligible dataset in `data_dir` (first `limit` pages
    of each), built the way `cleaner train` and the DOM trainer build them."""
    from cleaner.training.train_dom import dom_examples
    from cleaner.training.train_lines import page_examples

    line: list[Example] = []
    dom: list[Example] = []
    tuning: set[str] = set()
    files: dict[str, str] = {}
    for name in eligible_names(data_dir):
        for renderer in RENDERINGS:
            rendered = rendered_pages(
                name, renderer, data_dir, limit=limit, min_gold_recall=MIN_GOLD_RECALL
            )
            typed = [p for p in rendered if of_types(p, LINE_PAGE_TYPES)]
            line.extend(page_examples(typed, rule_filters, augment=True))
        pages = load_dataset(name, data_dir, limit, MIN_GOLD_RECALL)
        for page in pages:
            if files.setdefault(page.dataset, name) != name:
                raise ValueError(
                    f"pages of dataset {page.dataset!r} are in {files[page.dataset]} and {name}; "
                    "give each dataset one file"
                )
        found, tuned = dom_examples(pages, rule_filters)
        dom.extend(found)
        tuning |= tuned
        print(f"loo: examples of {name} built", file=sys.stderr, flush=True)
    return TrainingData(tuple(line), tuple(dom), frozenset(tuning), files)


def _example_bytes(example: Example) -> Iterable[bytes]:
    features = example.features
    yield (
        f"{example.page_id}|{example.dataset}|{example.fold}|{example.trimmed}"
        f"|{example.narrow_gold}"
    ).encode()
    for array in (features.dense, features.hash_rows, features.hash_buckets, example.labels):
        yield array.tobytes()
    yield example.weights.tobytes() + example.kept_by_rules.tobytes()
    yield "\n".join(" ".join(row) for row in example.row_tokens).encode()
    yield " ".join(example.gold_tokens).encode()


def training_key(data: TrainingData) -> str:
    """A digest of what shapes the models: the examples themselves (so any change to rules,
    features, labels, data or page limit that changes them retrains, and nothing else does),
    the fitting code and the versions of the libraries that fit."""
    import sklearn

    digest = hashlib.sha256(f"{np.__version__}|{sklearn.__version__}".encode())
    package = repo_root() / "cleaner"
    for name in FITTING_CODE:
        digest.update(name.encode() + (package / name).read_bytes())
    for example in (*data.line, *data.dom):
        for part in _example_bytes(example):
            digest.update(part)
    digest.update(" ".join(sorted(data.dom_tuning)).encode())
    digest.update(repr(sorted(data.files.items())).encode())  # which group holds out what
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class GroupModels:
    """The line and DOM models of one group (`holdout_group`; `ALL`: trained on every
    eligible dataset)."""

    group: str
    line: LineModel
    dom: LineModel

    def cleaner(self, preset: str) -> Cleaner:
        """The default Cleaner with these models in place of the shipped ones."""
        from cleaner.filters.learned import LearnedFilter

        ours = LearnedFilter(self.line, preset, self.dom)
        filters = [
            ours if isinstance(step, LearnedFilter) else step
            for step in Cleaner(preset=preset).default_filters()
        ]
        return Cleaner(filters=filters, preset=preset)


def fit_group(data: TrainingData, group: str) -> GroupModels:
    """Train both models without the group's datasets (all eligible ones for `ALL`)."""
    from cleaner.training.fitting import LINE_RECIPE, fit
    from cleaner.training.train_dom import DOM_RECIPE

    kept = data.without(group)
    info = {"renderers": list(RENDERINGS), "page_types": sorted(LINE_PAGE_TYPES)}
    line = fit(kept.line, LINE_RECIPE, {**info, "augmented": True, "held_out": group})
    dom = fit(kept.dom, DOM_RECIPE, {"held_out": group}, kept.dom_tuning)
    return GroupModels(group, line.model, dom.model)


def cache_dir(key: str) -> Path:
    """Where the models of one training key live: under `$CLEANER_CACHE_DIR/loo` when that
    is set (as for rendered pages), else `<repo root>/.cache/loo`."""
    override = os.environ.get(CACHE_DIR_ENV)
    root = Path(override) / "loo" if override else repo_root() / LOO_CACHE
    return root / key


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """`write(temporary)` then rename, so a killed run never leaves half a model cached."""
    temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    write(temporary)
    os.replace(temporary, path)


def group_models(groups: Sequence[str], data: TrainingData) -> dict[str, GroupModels]:
    """Each group's models, from the cache when fitted the same way on the same examples
    (`training_key`), else fitted now and cached. The examples are built either way: a
    few minutes, against most of an hour for fitting every group."""
    folder = cache_dir(training_key(data))
    found: dict[str, GroupModels] = {}
    for group in groups:
        line_file, dom_file = folder / f"line-{group}.npz", folder / f"dom-{group}.npz"
        if line_file.is_file() and dom_file.is_file():
            found[group] = GroupModels(group, load_model(line_file), load_dom_model(dom_file))
            continue
        print(f"loo: training the models of group {group}", file=sys.stderr, flush=True)
        models = fit_group(data, group)
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(line_file, models.line.save)
        _write_atomically(dom_file, partial(save_dom_model, models.dom))
        found[group] = models
    return found


@dataclass(frozen=True)
class LabelCount:
    """What one dataset gives the models: pages, and rows labelled content and boilerplate
    (rows with words only: the others weigh nothing), for lines (both renderings, trimmed
    copies included) and for DOM blocks."""

    line_pages: int
    content_lines: int
    boilerplate_lines: int
    dom_pages: int
    content_blocks: int
    boilerplate_blocks: int


def _counts(examples: Iterable[Example]) -> tuple[int, int, int]:
    pages: set[str] = set()
    content = boilerplate = 0
    for example in examples:
        pages.add(example.page_id)
        weighed = example.weights > 0
        content += int((example.labels[weighed] == 1).sum())
        boilerplate += int((example.labels[weighed] == 0).sum())
    return len(pages), content, boilerplate


def label_counts(data: TrainingData) -> dict[str, LabelCount]:
    """Per eligible dataset, what the models of `ALL` (the shipped candidates) learn from."""
    names = sorted({data.file_of(e) for e in (*data.line, *data.dom)})
    return {
        name: LabelCount(
            *_counts(e for e in data.line if data.file_of(e) == name),
            *_counts(e for e in data.dom if data.file_of(e) == name),
        )
        for name in names
    }
