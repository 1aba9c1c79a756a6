"""Plain-text and markdown tables of evaluation results (`cleaner eval --loo`)."""

from __future__ import annotations

from collections.abc import Sequence


def titled_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    markdown: bool,
    left: int,
) -> str:
    """A titled table, markdown or aligned text; the first `left` columns left-aligned."""
    if markdown:
        lines = [f"#### {title}", "", "| " + " | ".join(columns) + " |"]
        lines.append("|" + "|".join(["---"] * left + ["---:"] * (len(columns) - left)) + "|")
        lines.extend("| " + " | ".join(cells) + " |" for cells in rows)
        return "\n".join(lines)
    widths = [max(len(c[i]) for c in [columns, *rows]) for i in range(len(columns))]
    lines = [title]
    for cells in [columns, *rows]:
        lines.append(
            "  "
            + "  ".join(
                c.ljust(w) if i < left else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    return "\n".join(lines)
