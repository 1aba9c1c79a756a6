"""The DOM-rule filter: removes the blocks of a page that lie in a subtree a DOM rule named.

The DOM rules are matched while the page is walked (`cleaner.html.walk`), because a rule's
selectors read the elements; each block records the match as one of its features
(`Block.match`). This filter turns those matches into removals, so that they are decided in
the pipeline like every other removal, and a user's filter list without it keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable

from cleaner.document import Document, Removal
from cleaner.packs.dom_pack import DomMatch
from cleaner.pipeline import Draft

DOM_FILTER_NAME = "dom-rules"


class DomRuleFilter:
    """Removes each block a DOM rule matched; the removal names the rule (`pack/rule`) and
    its selector. Documents without DOM blocks pass untouched."""

    name = DOM_FILTER_NAME

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        return [
            self.removal(i, block.match)
            for i, block in enumerate(document.blocks)
            if block.match is not None
        ]

    def removal(self, line: int, match: DomMatch) -> Removal:
        """The removal of block `line`, which lies in a subtree `match` names."""
        return Removal(line, None, self.name, match.rule.id, match.reason())
