"""Site furniture above the headline: on a page's DOM blocks, the link lists and menus that
sit above the block the page's titles name as its headline (`cleaner.html.headline`).

A reader's article starts at its headline; what a page puts above it is the site's name,
its sections menu, breadcrumbs, a "Top stories" strip. Those are links or list items; a
byline, dateline or kicker above the headline is neither, and stays (gold texts often keep
it). Measured on held-out sets, with the headline kept by the DOM block model
(docs/decisions.md, "Headlines"): removing every block above the headline cost l3s_gn1 a
point of recall, removing only link-dense and list blocks cost none.
"""

from __future__ import annotations

from collections.abc import Iterable

from cleaner.document import DOM, Block, Document, Removal
from cleaner.html.headline import headline_line
from cleaner.pipeline import Draft

HEADLINE_FILTER_NAME = "headline"
RULE = "headline/furniture-above"
# A block is furniture when at least this share of its characters is link text.
MIN_LINK_DENSITY = 0.5
REASON = "link list or menu above the page's headline (site furniture)"


def is_furniture(block: Block) -> bool:
    """Links or list items: what menus, breadcrumbs and story strips are made of."""
    return block.in_list or block.link_density >= MIN_LINK_DENSITY


class HeadlineFilter:
    """Removes furniture blocks above the headline of a page (DOM blocks only: text has no
    titles to find the headline by)."""

    name = HEADLINE_FILTER_NAME

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if document.origin != DOM:
            return ()
        headline = headline_line(document, draft)
        if headline is None:
            return ()
        return [
            self.removal(line)
            for line in range(headline)
            if not draft.removed[line] and is_furniture(document.blocks[line])
        ]

    def removal(self, line: int) -> Removal:
        """The removal of furniture block `line`."""
        return Removal(line, None, self.name, RULE, REASON)
