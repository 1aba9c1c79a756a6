"""Original HTML pages the HTML-mode tests share: one article about a footbridge vote, plain
or with the furniture sites wrap around it (ad slot, share bar, most-read rail)."""

from __future__ import annotations

PROSE_1 = (
    "The council voted five to two on Tuesday to fund the new footbridge over the river, "
    "ending a debate that had divided the two neighbourhoods for most of the year."
)
PROSE_2 = (
    "Construction starts in March and the bridge should open to walkers and cyclists by the "
    "end of next summer, the city engineer told residents at a packed meeting."
)
_TOP = """<!doctype html>
<html><head><meta charset="utf-8"><title>Footbridge vote</title></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Council backs the footbridge</h1>
"""
_BOTTOM = """<footer>Copyright The Riverside Post. All rights reserved.</footer>
</body></html>"""

# The article with an ad label line between its paragraphs, and a site's nav and footer.
PLAIN_PAGE = f"""{_TOP}<p>{PROSE_1}</p>
<p>ADVERTISEMENT</p>
<p>{PROSE_2}</p>
</article>
{_BOTTOM}"""

# The same with an ad slot, a share bar and a most-read rail (what the DOM pack names).
PAGE = f"""{_TOP}<p>{PROSE_1}</p>
<div class="ad-slot" data-ad-slot="top">Advertisement</div>
<p>{PROSE_2}</p>
<p>ADVERTISEMENT</p>
<div class="share-bar"><a>Facebook</a> <a>Twitter</a> <a>Email</a></div>
</article>
<aside class="most-read"><h3>Most read</h3><ul><li><a>Other story</a></li></ul></aside>
{_BOTTOM}"""
