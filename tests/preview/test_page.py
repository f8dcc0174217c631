"""The preview page's HTML: golden bytes (deterministic), self-contained, the embedded JSON equal
to the page data, and every text escaped."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import GOLDEN, WORKSPACE
from tests.preview.nasty import NASTY_ALT, NASTY_NAME, nasty_tenant
from toolkit.preview import page_data, preview, render_page
from toolkit.workspace import Tenant, tenant


@pytest.fixture(scope="module")
def dev() -> Tenant:
    return tenant(WORKSPACE, "contoso-dev")


def embedded(html: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script type="application/json" id="omm-data">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


@pytest.mark.parametrize(("product", "tier", "name"), [("93039", "cms", "93039.html"),
                                                       ("81120", "draft", "81120-draft.html")])
def test_golden_page(dev: Tenant, golden: Callable[[Path, bytes | str], None], product: str, tier: str,
                     name: str) -> None:
    html = preview(dev, product, tier)
    golden(GOLDEN / "preview" / name, html)
    assert preview(dev, product, tier) == html  # the same tenant, the same bytes


def test_embedded_json_is_the_page_data(dev: Tenant) -> None:
    data = page_data(dev, "93039-001", channel="OUN00001", locale="en-us")
    html = render_page(data)
    assert embedded(html) == data.to_json()
    assert embedded(html)["initial"] == {"product": "93039-001", "channel": "OUN00001", "locale": "en-us"}


def test_self_contained(dev: Tenant) -> None:
    html = preview(dev, "93039")
    assert re.findall(r"""(?:src|href)=["']?(?!data:)[a-z]+:""", html) == []
    assert "http://" not in html and "https://" not in html and "@import" not in html and "url(" not in html
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">") in html


def test_every_text_is_escaped(tmp_path: Path) -> None:
    t = nasty_tenant(tmp_path)
    data = page_data(t, "93039")
    html = render_page(data)
    assert data.name == NASTY_NAME
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "<b>" not in html and "<img" not in html
    assert ("<title>Jeans &lt;/script&gt;&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; &#x27;co&#x27; "
            "&lt;b&gt; (93039) — omm preview</title>") in html
    assert embedded(html) == data.to_json()
    assert embedded(html)["name"] == NASTY_NAME
    alts = {i["alt"] for g in embedded(html)["galleries"] for i in g["items"]}
    assert NASTY_ALT in alts
