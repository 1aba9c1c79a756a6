"""One config path: every setting means the same by keyword, by config object and by CLI flag,
and a bad value is one error that names it and the choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, CleanerConfig
from cleaner.cli.common import CliError, config_from_args
from cleaner.cli.main import build_parser, main
from cleaner.config import resolve_config
from cleaner.document import EXTRACT
from cleaner.filters.learned import LearnedFilter
from cleaner.filters.repeated import ProfileFilter
from cleaner.models.line_model import default_model
from cleaner.packs.dom_pack import load_any_pack
from cleaner.profiles.profile import Profile
from cleaner.text.lines import split_lines
from tests.html_pages import PAGE

MODEL_FILE = str(Path(__file__).resolve().parents[2] / "cleaner" / "models" / "default.npz")
TEXT_PACK = """\
[pack]
name = "harbour"
description = "Our own site's promo line."

[[rules]]
name = "promo"
scope = "line"
pattern = "Harbour Deals of the Week"
reason = "the site's weekly promo line"
examples = ["Harbour Deals of the Week"]
"""
DOM_PACK = """\
[pack]
name = "harbour-dom"
description = "Our own site's promo box."

[[rules]]
name = "promo-box"
tokens = ["harbour-promo"]
reason = "the site's promo box"
examples = ['<div class="harbour-promo">Deals</div>']
"""
ARTICLE = (
    "Budget passes after long debate\n"
    "The council voted five to two on Tuesday to fund the new footbridge over the river.\n"
    "ADVERTISEMENT\n"
    "Harbour Deals of the Week\n"
    "Construction starts in March and the bridge should open by the end of next summer."
)


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("packs")
    text, dom = folder / "harbour.toml", folder / "harbour-dom.toml"
    text.write_text(TEXT_PACK, encoding="utf-8")
    dom.write_text(DOM_PACK, encoding="utf-8")
    return str(text), str(dom)


@pytest.fixture(scope="module")
def profile_file(tmp_path_factory) -> str:
    profile = Profile()
    for n in range(3):
        profile.add_page("harbour.example", split_lines(f"Story {n}\nSubscribe to the Harbour"))
    path = tmp_path_factory.mktemp("profile") / "harbour.profile"
    profile.write(path)
    return str(path)


def _cli_config(*flags: str) -> CleanerConfig:
    return config_from_args(build_parser().parse_args(["clean", "page.txt", *flags]))


def _learned(cleaner: Cleaner) -> LearnedFilter | None:
    return next((f for f in cleaner.pipeline.filters if isinstance(f, LearnedFilter)), None)


def _three_ways(keywords: dict, config: CleanerConfig, flags: list[str]) -> list[Cleaner]:
    """The same setting given by keyword, by config object and by CLI flag: one config."""
    cleaners = [Cleaner(**keywords), Cleaner(config=config), Cleaner(config=_cli_config(*flags))]
    assert cleaners[0].config == cleaners[1].config == cleaners[2].config
    return cleaners


def test_rules_only_three_ways():
    for cleaner in _three_ways({"model": None}, CleanerConfig(model=None), ["--rules-only"]):
        assert cleaner.config.model is None and _learned(cleaner) is None
        assert "ADVERTISEMENT" not in cleaner.clean(ARTICLE)


def test_model_file_three_ways():
    for cleaner in _three_ways(
        {"model": MODEL_FILE}, CleanerConfig(model=MODEL_FILE), ["--model", MODEL_FILE]
    ):
        learned = _learned(cleaner)
        assert cleaner.config.model == MODEL_FILE and learned is not None
        assert learned.model is not default_model() and learned.dom_model is None


def test_preset_three_ways():
    for cleaner in _three_ways(
        {"preset": "recall"}, CleanerConfig(preset="recall"), ["--preset", "recall"]
    ):
        learned = _learned(cleaner)
        assert cleaner.config.preset == "recall" and learned is not None
        assert learned.on_text.threshold == default_model().threshold("recall")


def test_text_rules_three_ways(packs):
    text, _ = packs
    pack = load_any_pack(text)
    for cleaner in _three_ways({"rules": [text]}, CleanerConfig(rules=(pack,)), ["--rules", text]):
        assert "harbour" in {p.name for p in cleaner.config.packs()}
        assert "Harbour Deals" not in cleaner.clean(ARTICLE)
    assert "Harbour Deals" in Cleaner().clean(ARTICLE)


def test_dom_rules_three_ways(packs):
    _, dom = packs
    pack = load_any_pack(dom)
    page = PAGE.replace("</article>", '<div class="harbour-promo">Harbour deals inside</div>')
    config = CleanerConfig(dom_rules=(pack,))
    for cleaner in _three_ways({"rules": [dom]}, config, ["--rules", dom]):
        assert "harbour-dom" in {p.name for p in cleaner.config.dom_packs()}
        assert "Harbour deals" not in cleaner.clean_html(page, backend="fast")


def test_builtin_rules_three_ways(packs):
    text, _ = packs
    for cleaner in _three_ways(
        {"builtin_rules": False, "rules": [text]},
        CleanerConfig(builtin_rules=False, rules=(load_any_pack(text),)),
        ["--no-builtin-rules", "--rules", text],
    ):
        assert [p.name for p in cleaner.config.packs()] == ["harbour"]
        assert cleaner.config.dom_packs() == ()


def test_disabled_rules_three_ways():
    for cleaner in _three_ways(
        {"model": None, "disabled_rules": ["ads"]},
        CleanerConfig(model=None, disabled_rules=frozenset({"ads"})),
        ["--rules-only", "--disable", "ads"],
    ):
        assert "ADVERTISEMENT" in cleaner.clean(ARTICLE)
    one_rule = Cleaner(model=None, disabled_rules=["ads/ad-label"])
    assert "ads/ad-label" not in {r.rule for r in one_rule.explain(ARTICLE).removals}


def test_profile_three_ways(profile_file):
    for cleaner in _three_ways(
        {"profile": profile_file}, CleanerConfig(profile=profile_file), ["--profile", profile_file]
    ):
        assert isinstance(cleaner.pipeline.filters[-1], ProfileFilter)
        assert cleaner.site_aware


def test_backend_three_ways():
    for cleaner in _three_ways(
        {"backend": "trafilatura"},
        CleanerConfig(html_backend="trafilatura"),
        ["--backend", "trafilatura"],
    ):
        assert cleaner.explain_html(PAGE).document.origin == EXTRACT


def test_a_config_object_keeps_every_field_it_sets():
    # Regression: keyword defaults used to override the config (model and preset came back).
    cleaner = Cleaner(config=CleanerConfig(model=None, preset="recall"))
    assert cleaner.config.model is None and cleaner.config.preset == "recall"
    assert _learned(cleaner) is None
    # keywords given beside a config win over it; those not given keep it
    both = Cleaner(config=CleanerConfig(model=None, preset="recall"), preset="precision")
    assert both.config.model is None and both.config.preset == "precision"


def test_workers_rebuild_the_same_cleaner():
    config = resolve_config(model=None, preset="recall", disabled_rules=["ads"], backend="fast")
    assert Cleaner.from_config(config).config == config
    assert resolve_config(config) == config


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"preset": "greedy"}, "unknown preset 'greedy'; choose one of precision, balanced"),
        ({"backend": "lxml"}, "unknown HTML backend 'lxml'; choose one of auto, trafilatura, fast"),
        ({"model": "no/such/model.npz"}, "unknown model 'no/such/model.npz': use 'default', None"),
        ({"disabled_rules": ["ads/no-such"]}, "unknown rule or pack 'ads/no-such' to disable"),
        ({"profile": "no/such.profile"}, "no site profile file 'no/such.profile'"),
    ],
)
def test_bad_values_name_the_value_and_the_choices(keywords, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")) as error:
        Cleaner(**keywords)
    assert "\n" not in str(error.value)


def test_the_cli_says_a_bad_value_in_one_line(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE, encoding="utf-8")
    assert main(["clean", str(page), "--disable", "ads/no-such"]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown rule or pack 'ads/no-such'" in err and "\n" not in err
    with pytest.raises(CliError, match="contradict"):
        _cli_config("--rules-only", "--model", MODEL_FILE)
