"""cleaner: strip ads, video-player text and site tails from scraped articles.

Public API: `clean_text`, `explain_text`, `clean_html`, `explain_html`, `Cleaner`, and the
nouns `Document`, `Removal`, `Cleaned`. See README.md for usage.
"""

from importlib.metadata import PackageNotFoundError, version

from cleaner.api import (
    Cleaner,
    CleanerConfig,
    clean_html,
    clean_text,
    explain_html,
    explain_text,
)
from cleaner.document import Cleaned, Document, Removal
from cleaner.packs.text_pack import Rule, RuleError, RulePack, load_pack

try:
    __version__ = version("cleaner")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "Cleaned",
    "Cleaner",
    "CleanerConfig",
    "Document",
    "Removal",
    "Rule",
    "RuleError",
    "RulePack",
    "__version__",
    "clean_html",
    "clean_text",
    "explain_html",
    "explain_text",
    "load_pack",
]
