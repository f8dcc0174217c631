"""The preview page: one self-contained HTML file from :class:`PreviewData`.

No network at all: images are ``data:`` URIs, style and script are inline, no fonts are fetched,
and a Content-Security-Policy forbids anything else. Every text is HTML-escaped here, or set with
``textContent`` by the script; the embedded JSON escapes ``<``, ``>`` and ``&`` so no value can
end its ``<script>`` element. No timestamps or random ids: the same tenant gives the same bytes.
"""

from __future__ import annotations

import json
from html import escape

from toolkit.preview.data import PreviewData
from toolkit.preview.script import CSS, SCRIPT

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
TIER_NAMES = {"cms": "published sets (tier cms)", "draft": "as if every draft were published (tier draft)"}


def _json(data: PreviewData) -> str:
    text = json.dumps(data.to_json(), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _option(value: str, label: str, selected: bool = False) -> str:
    return f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'


def _pickers(data: PreviewData) -> str:
    product, channel, _ = data.selected
    variants = [_option(data.product, f"{data.product} (master)" if data.variants else data.product,
                        product == data.product)]
    variants += [_option(v.product, f"{v.product} — {' · '.join(v.dimensions.values()) or 'no dimensions'}",
                         product == v.product) for v in data.variants]
    parts = ['<label for="variant">Product</label>', f'<select id="variant">{"".join(variants)}</select>']
    chosen = next((v.dimensions for v in data.variants if v.product == product), {})
    for name, values in data.dimensions:
        options = [_option("", "master", name not in chosen)]
        options += [_option(v, v, chosen.get(name) == v) for v in values]
        parts += [f'<label for="dim-{escape(name)}">{escape(name)}</label>',
                  f'<select id="dim-{escape(name)}" data-dimension="{escape(name)}">{"".join(options)}</select>']
    channels = [_option(c.id, "Omnichannel" if not c.id else f"{c.id} · {c.name}", c.id == channel)
                for c in data.channels]
    parts += ['<label for="channel">Channel</label>', f'<select id="channel">{"".join(channels)}</select>',
              '<label for="locale">Locale</label>', '<select id="locale"></select>']
    return "\n".join(parts)


def render_page(data: PreviewData) -> str:
    """The HTML of the preview page (module doc)."""
    title = f"{data.name} ({data.product}) — omm preview"
    counts = (f"{len(data.variants)} variant{'s' if len(data.variants) != 1 else ''}, "
              f"{sum(len(c.locales) for c in data.channels)} channel/locale pairs")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="omm preview">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(data.name)}<small>{escape(data.product)}</small></h1>
<p>Tenant <strong>{escape(data.tenant)}</strong> · {escape(TIER_NAMES[data.tier])} · {escape(counts)} ·
the same answers as <code>omm resolve</code></p>
</header>
<noscript><p style="padding:0 1.5rem">This page draws the gallery with JavaScript; turn it on to see it.</p></noscript>
<main id="preview" data-product="{escape(data.selected[0])}">
<aside>
<form id="pickers" onsubmit="return false">
{_pickers(data)}
<div id="swatches" hidden></div>
</form>
<div id="why"></div>
</aside>
<div class="stage">
<section class="card"><figure id="hero"></figure></section>
<section class="card" id="gallery"></section>
</div>
</main>
<script type="application/json" id="omm-data">{_json(data)}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
