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

# A Chinese news page (our own text): four paragraphs with no spaces in them under a menu,
# then a popular-articles box and a footer.
ZH_PARAGRAPHS = (
    "本市今年夏天遭遇了近十年来最严重的高温天气，多个区县的气温连续一周超过三十八摄氏度，市气象台为此发布了橙色预警。",
    "气象专家表示，这次高温主要是受副热带高压持续控制的影响，预计下周中期随着冷空气南下，气温将逐步回落到正常水平。",
    "为了应对高温，市政府在各个社区开设了避暑中心，为老年人和户外工作者提供免费的饮用水和休息场所，并延长了公共图书馆的开放时间。",
    "市民王女士告诉记者，她每天早上都会带着孩子去附近的公园散步，尽量避开中午最热的时段，晚上则在家里开空调休息。",
)
ZH_PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><title>高温</title></head><body>'
    '<div class="header"><ul><li><a href="/">首页</a></li><li><a href="/news">新闻</a></li>'
    '<li><a href="/sport">体育</a></li><li><a href="/fun">娱乐</a></li></ul></div>'
    '<div class="main"><h1>本市遭遇十年来最强高温</h1>'
    '<div class="info">2026年7月20日 来源：城市晚报</div>'
    + "".join(f"<p>{p}</p>" for p in ZH_PARAGRAPHS)
    + '</div><div class="box"><h3>热门文章</h3><ul>'
    '<li><a href="/a">地铁五号线今天开通</a></li><li><a href="/b">暑期游泳馆延长开放</a></li>'
    '<li><a href="/c">市区新增三个停车场</a></li></ul></div>'
    '<div class="foot">关于我们 | 联系我们 | 版权所有 城市晚报</div></body></html>'
)
