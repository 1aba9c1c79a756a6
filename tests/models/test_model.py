"""The learned filter's parts: line labels, features, the model file, presets, explain."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import regex

import cleaner
from cleaner.document import Document
from cleaner.filters.learned import LEARNED_FILTER_NAME
from cleaner.models.line_model import (
    BINS,
    PRESETS,
    REVISION_FEATURES,
    LinearStage,
    LineModel,
    default_model,
    load_model,
)
from cleaner.pipeline import Draft
from cleaner.text.features import FEATURE_NAMES, HASH_BUCKETS, bucket, guess_language, page_features
from cleaner.text.lines import ends_like_sentence, has_unspaced, word_count
from cleaner.training.labels import align_lines, ceiling

PARAGRAPHS = (
    "The county council voted on Tuesday to rebuild the old river bridge, which has been "
    "closed to lorries since the spring floods damaged two of its piers.",
    "Engineers told the meeting that the work would take eighteen months and that a "
    "temporary footbridge would open in the first week.",
    "Residents who spoke at the meeting said the detour had added half an hour to the "
    "school run and asked for the work to start sooner.",
)
ARTICLE = "\n".join(
    [
        "Home | News | Sport | Weather",
        "Council approves the river bridge",
        "",
        "By Dana Whitfield",
        "",
        *(line for paragraph in PARAGRAPHS for line in (paragraph, "")),
        "Most read",
        "Five things to do this weekend",
        "Weather warning for the coast",
        "Share this article",
        "",
    ]
)
GOLD = "\n".join(["Council approves the river bridge", "By Dana Whitfield", *PARAGRAPHS])
GERMAN = (
    "Der Gemeinderat hat am Dienstag die Brücke für den Verkehr gesperrt und das ist nicht gut."
)


def _draft(document: Document) -> Draft:
    return Draft(document.lines, tuple(False for _ in document.lines))


def test_alignment_labels_article_lines_content_and_furniture_boilerplate() -> None:
    lines = ARTICLE.splitlines()
    labels = align_lines(lines, GOLD)
    verdict = dict(zip(lines, labels.content, strict=True))
    assert verdict["Council approves the river bridge"] is True
    assert verdict["By Dana Whitfield"] is True
    assert verdict["Home | News | Sport | Weather"] is False
    assert verdict["Weather warning for the coast"] is False
    assert verdict[""] is None  # blank lines carry no label
    assert labels.ambiguous == 0
    assert ceiling(lines, labels, GOLD).f1 == pytest.approx(1.0)


def test_alignment_follows_order_not_vocabulary() -> None:
    # "bridge" and "river" occur in the gold, but a nav line using them sits where the gold
    # has nothing: the order-aware diff must not call it content.
    lines = ["River bridge news", "Council approves the river bridge"]
    labels = align_lines(lines, "Council approves the river bridge")
    assert labels.content == (False, True)


def test_partial_line_is_ambiguous() -> None:
    labels = align_lines(
        ["The bridge reopens in May says the council spokesperson"], "The bridge reopens in May"
    )
    assert labels.ambiguous == 1


def test_features_have_one_row_per_non_blank_line_and_named_columns() -> None:
    document = Document.from_text(ARTICLE)
    features = page_features(document, _draft(document))
    non_blank = [i for i, line in enumerate(document.lines) if line.strip()]
    assert features.lines == tuple(non_blank)
    assert features.dense.shape == (len(non_blank), len(FEATURE_NAMES))
    assert np.isfinite(features.dense).all()
    assert features.hash_buckets.max() < HASH_BUCKETS
    assert set(features.hash_rows.tolist()) == set(range(len(non_blank)))


def test_empty_and_blank_documents_have_no_rows() -> None:
    for text in ("", "\n\n   \n"):
        document = Document.from_text(text)
        assert page_features(document, _draft(document)).lines == ()


def test_rule_hits_shape_the_sequence() -> None:
    # Lines a rule removed are not rows (the model judges the text as it will come out);
    # a line a span rule cut is flagged.
    document = Document.from_text(ARTICLE)
    removed = tuple(line == "Share this article" for line in document.lines)
    cut_line = document.lines.index(PARAGRAPHS[0])
    draft = Draft(document.lines, removed, frozenset({cut_line}))
    features = page_features(document, draft)
    assert document.lines.index("Share this article") not in features.lines
    column = FEATURE_NAMES.index("rule_cut")
    flagged = [i for i, v in zip(features.lines, features.dense[:, column], strict=True) if v]
    assert flagged == [cut_line]


# Our own lines: a Chinese paragraph with spaces nowhere but after one clause, and a menu.
CHINESE_PARAGRAPH = (
    "本市今年夏天遭遇了近十年来最严重的高温天气，多个区县的气温连续一周超过三十八摄氏度 "
    "市气象台为此发布了橙色预警。"
)
CHINESE_MENU = "首页 新闻 体育 娱乐"


def test_chinese_and_japanese_count_a_word_per_character() -> None:
    # Split on spaces, a Chinese paragraph is two "words" and reads as a label.
    assert word_count(CHINESE_PARAGRAPH) == len(CHINESE_PARAGRAPH.replace(" ", ""))
    assert word_count("コンピュータを使う") == 9
    assert word_count("GPS：新竹 N24") == 4  # "GPS：", two characters, "N24"
    # Spaced scripts are unchanged.
    for line in ("The council voted.", "café au lait", "Привет, мир", "한국어 문장입니다"):
        assert word_count(line) == len(line.split())
    # has_unspaced's quick range test lets no character of those scripts through unseen.
    unspaced = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
    assert not any(unspaced.match(chr(code)) for code in range(0x2E80))
    assert has_unspaced(f"“Quoted” — 5 € {CHINESE_MENU}") and not has_unspaced("“Quoted” — 5 €")
    assert ends_like_sentence(CHINESE_PARAGRAPH)
    assert ends_like_sentence("他说：「明天见。」")


def test_a_chinese_paragraph_reads_as_prose_and_a_menu_does_not() -> None:
    document = Document.from_text("\n".join([CHINESE_MENU, CHINESE_PARAGRAPH]))
    features = page_features(document, _draft(document))
    words = features.dense[:, FEATURE_NAMES.index("log_words")]
    prose = features.dense[:, FEATURE_NAMES.index("prose")]
    assert np.expm1(words).round().tolist() == [8, word_count(CHINESE_PARAGRAPH)]
    assert prose.tolist() == [0.0, 1.0]


def test_hash_buckets_are_stable_across_processes() -> None:
    # crc32, not hash(): the same bucket in every interpreter, whatever PYTHONHASHSEED says.
    assert bucket("line", "read more") == 93469  # pinned: a change breaks every model file
    assert bucket("first", "share") != bucket("last", "share")


def test_language_guess() -> None:
    assert guess_language([GOLD]) == "en"
    assert guess_language([GERMAN]) == "de"
    assert guess_language(["12:30 | 4-2 | 7/10"]) is None


def _tiny_model(thresholds: dict[str, float] | None = None) -> LineModel:
    d, r = len(FEATURE_NAMES), len(REVISION_FEATURES)
    rng = np.random.default_rng(0)
    return LineModel(
        first=LinearStage(
            rng.normal(size=d).astype(np.float32),
            np.sort(rng.normal(size=(d, BINS - 1)), axis=1).astype(np.float32),
            rng.normal(size=(d, BINS)).astype(np.float32),
            rng.normal(size=HASH_BUCKETS).astype(np.float32),
            0.1,
        ),
        revision=LinearStage(
            rng.normal(size=r).astype(np.float32),
            np.sort(rng.normal(size=(r, BINS - 1)), axis=1).astype(np.float32),
            rng.normal(size=(r, BINS)).astype(np.float32),
            np.zeros(0, np.float32),
            -0.2,
        ),
        thresholds=thresholds or {"precision": 0.2, "balanced": 0.5, "recall": 0.7},
        info={"note": "test"},
    )


def test_model_file_round_trip_gives_the_same_scores(tmp_path: Path) -> None:
    model = _tiny_model()
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = load_model(path)
    document = Document.from_text(ARTICLE)
    features = page_features(document, _draft(document))
    # hashed weights are stored as float16: scores agree to that precision
    assert np.allclose(
        model.content_probability(features), loaded.content_probability(features), atol=2e-2
    )
    assert loaded.thresholds == model.thresholds
    assert loaded.info == {"note": "test"}


def test_a_pickle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"dense_weights": [1.0]}))
    with pytest.raises(ValueError, match="cleaner train"):
        load_model(path)


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    _tiny_model().save(path)
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    header = bytes(arrays["header"]).decode().replace('"log_chars"', '"log_bytes"')
    arrays["header"] = np.frombuffer(header.encode(), np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="retrain"):
        load_model(path)


def test_shipped_model_loads_small_and_safe() -> None:
    source = Path(cleaner.__file__).parent / "models" / "default.npz"
    assert source.stat().st_size <= 5 * 1024 * 1024
    model = default_model()
    assert set(model.thresholds) == set(PRESETS)
    assert model.threshold("precision") <= model.threshold("balanced") <= model.threshold("recall")
    assert default_model() is model  # loaded once per process


# A masthead and a strip of other stories above the article, which no rule names.
PAGE_TOP = [
    "Riverside Gazette",
    "Subscribe | Log in",
    "Council leader resigns after budget row",
    "Harbour wall to be rebuilt before winter",
    "School bus timetable changes next month",
    "Letters: readers on the new car park",
    "",
]


def test_model_removals_say_so_with_score_in_explain() -> None:
    result = cleaner.explain_text("\n".join([*PAGE_TOP, ARTICLE]))
    by_model = [r for r in result.removals if r.filter == LEARNED_FILTER_NAME]
    assert by_model, "the default pipeline should remove some furniture with the model"
    assert "Council approves the river bridge" in result.text
    for removal in by_model:
        assert removal.rule is None
        assert removal.score is not None and 0.0 <= removal.score <= 1.0
        assert "content probability" in removal.reason and "threshold" in removal.reason
    assert "The county council voted on Tuesday" in result.text


def test_rules_only_has_no_model_removals() -> None:
    result = cleaner.Cleaner(model=None).explain(ARTICLE)
    assert all(r.filter != LEARNED_FILTER_NAME for r in result.removals)


def test_presets_order_how_much_goes() -> None:
    kept = {
        preset: len(cleaner.Cleaner(preset=preset).clean(ARTICLE).splitlines())
        for preset in PRESETS
    }
    assert kept["precision"] >= kept["balanced"] >= kept["recall"]


def test_unknown_preset_and_missing_model_file_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="precision, balanced, recall"):
        cleaner.Cleaner(preset="aggressive")
    with pytest.raises(ValueError, match="cleaner train"):
        cleaner.Cleaner(model=tmp_path / "missing.npz")


def test_a_model_file_can_be_passed_by_path(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    _tiny_model({"precision": 0.0, "balanced": 0.0, "recall": 0.0}).save(path)
    # threshold 0: the model removes nothing, so only the rules act
    assert cleaner.Cleaner(model=path).clean(ARTICLE) == cleaner.Cleaner(model=None).clean(ARTICLE)


def test_features_survive_lone_surrogates() -> None:
    # Text decoded with surrogateescape has no UTF-8; the core reads each surrogate as one
    # U+FFFD, so lengths in characters stay those Python counts.
    document = Document.from_text("caf\udcff au lait\nplain line")
    features = page_features(document, _draft(document))
    assert features.lines == (0, 1)
    assert np.isclose(np.expm1(features.dense[0, FEATURE_NAMES.index("log_chars")]), 12)


def test_core_features_follow_python_string_semantics() -> None:
    lines = ["İstanbul ΟΔΟΣ", "中文字 abc", "a\x1fb c", "²nd place", "ǅemal Ab"]
    document = Document.from_text("\n".join(lines))
    dense = page_features(document, _draft(document)).dense
    words = np.rint(np.expm1(dense[:, FEATURE_NAMES.index("log_words")])).tolist()
    assert words == [2, 4, 3, 2, 2]  # CJK characters count one each; \x1f splits words
    column = {name: dense[:, FEATURE_NAMES.index(name)].tolist() for name in FEATURE_NAMES}
    assert column["starts_digit"] == [0, 0, 0, 1, 0]  # "²".isdigit()
    assert column["title_ratio"][4] == 1.0  # "ǅemal".istitle(): a titlecase letter
    assert column["all_upper"] == [0, 0, 0, 0, 0]
    assert column["log_chars"][0] == np.log1p(np.float32(len(lines[0])), dtype=np.float32)


def test_python_names_match_the_core_columns() -> None:
    import cleaner._core as core

    assert len(REVISION_FEATURES) == core.REVISION_WIDTH
    assert tuple(core.feature_names()) == FEATURE_NAMES
    assert FEATURE_NAMES.index("position") == 64 and FEATURE_NAMES[20] == "log_words@-2"
