"""Records and column batches: the one code path shards, dask bags and
`datasets.Dataset.map(batched=True)` share, and the config that crosses to other processes."""

from __future__ import annotations

import pickle

import pytest

from cleaner import Cleaner, CleanerConfig
from cleaner.corpus.records import Fields, clean_batch, clean_item, clean_record, cleaner_for

RULES_ONLY = CleanerConfig(model=None)
DIRTY = "Bridge vote\n\nThe council voted 5-2.\n\nADVERTISEMENT\n\nThe bridge opens in May."
CLEAN = "Bridge vote\n\nThe council voted 5-2.\n\nThe bridge opens in May."
PAGE = (
    "<html><body><article><h1>Bridge vote</h1><p>The council voted 5-2 on Tuesday to fund "
    "the bridge after a long debate between the two banks of the river.</p><p>Advertisement"
    "</p><p>The bridge opens in May, the engineer said at the end of the meeting.</p>"
    "</article></body></html>"
)


def test_cleaner_for_rebuilds_the_same_cleaner_from_a_pickled_config():
    config = Cleaner(model=None, disabled_rules=["video"]).config
    rebuilt = cleaner_for(pickle.loads(pickle.dumps(config)))
    assert rebuilt.config == config
    assert rebuilt is cleaner_for(config), "one Cleaner per config per process"
    with pytest.raises(Exception, match="pickle"):
        pickle.dumps(rebuilt)  # why configs travel, not Cleaners


def test_clean_record_replaces_the_field_and_keeps_the_rest_in_order():
    record = {"id": 7, "text": DIRTY, "meta": {"lang": "en"}, "score": 0.5}
    outcome = clean_record(record, cleaner_for(RULES_ONLY), Fields())
    assert outcome.record == {"id": 7, "text": CLEAN, "meta": {"lang": "en"}, "score": 0.5}
    assert list(outcome.record) == ["id", "text", "meta", "score"]
    assert record["text"] == DIRTY, "the input record is not modified"
    assert outcome.problem is None and outcome.cleaned is not None
    assert [r.rule for r in outcome.cleaned.removals] == ["ads/ad-label"]


@pytest.mark.parametrize(
    ("record", "found"), [({"body": "x"}, "no such field"), ({"text": None}, "NoneType")]
)
def test_a_record_without_text_comes_back_unchanged_with_a_problem(record, found):
    outcome = clean_record(record, cleaner_for(RULES_ONLY), Fields())
    assert outcome.record == record and outcome.cleaned is None
    assert found in (outcome.problem or "") and "--text-field" in (outcome.problem or "")


def test_html_records_are_extracted_into_the_text_field():
    record = {"url": "https://example.org/a", "html": PAGE}
    outcome = clean_record(record, cleaner_for(RULES_ONLY), Fields(text="text", html="html"))
    assert outcome.record["html"] == PAGE, "the HTML is passed through"
    text = outcome.record["text"]
    assert "The council voted 5-2" in text and "Advertisement" not in text


def test_clean_item_takes_texts_or_records():
    cleaner = cleaner_for(RULES_ONLY)
    assert clean_item(DIRTY, cleaner, Fields()) == CLEAN
    assert clean_item({"text": DIRTY}, cleaner, Fields()) == {"text": CLEAN}
    with pytest.raises(TypeError, match="texts"):
        clean_item(42, cleaner, Fields())


def test_clean_batch_fits_datasets_map_batched():
    batch = {"text": [DIRTY, None, "Share\nOnly prose here."], "id": [1, 2, 3]}
    out = clean_batch(batch, config=RULES_ONLY)
    assert out == {"text": [CLEAN, None, "Only prose here."]}
    assert batch["text"][0] == DIRTY


def test_clean_batch_options_and_errors():
    out = clean_batch({"body": [DIRTY]}, text_field="body", config=RULES_ONLY)
    assert out == {"body": [CLEAN]}
    pages = clean_batch({"html": [PAGE]}, html_field="html", config=RULES_ONLY)
    assert "Advertisement" not in pages["text"][0]
    with pytest.raises(KeyError, match="text_field"):
        clean_batch({"body": [DIRTY]}, config=RULES_ONLY)
    with pytest.raises(TypeError, match="holds int"):
        clean_batch({"text": [3]}, config=RULES_ONLY)


def test_clean_batch_pickles_for_num_proc():
    # datasets pickles the function and fn_kwargs to run it in num_proc processes.
    function, kwargs = pickle.loads(pickle.dumps((clean_batch, {"config": RULES_ONLY})))
    assert function({"text": [DIRTY]}, **kwargs) == {"text": [CLEAN]}
