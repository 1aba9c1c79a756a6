"""What most backends share: they make the page's Document, and the pipeline cleans it."""

from __future__ import annotations

from cleaner.document import Cleaned, Document
from cleaner.pipeline import Pipeline


class DocumentBackend:
    """A backend that only makes a Document (`document`); `clean` runs the pipeline on it.
    The router, which compares cleaned results, implements `clean` itself."""

    name: str

    def document(self, html: str, url: str | None) -> Document:
        raise NotImplementedError

    def clean(self, html: str, url: str | None, pipeline: Pipeline) -> Cleaned:
        return pipeline.run(self.document(html, url))

    def text(self, html: str, url: str | None, pipeline: Pipeline) -> str:
        """Only the cleaned text (`clean(...).text`; a backend may get it more cheaply)."""
        return self.clean(html, url, pipeline).text
