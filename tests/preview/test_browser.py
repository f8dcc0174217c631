"""``omm preview`` in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium):
pick a variant, a channel and a locale as a person would, and check that the tiles shown — ids in
order, groups, display orders, types, purposes, the default mark — and the winning set are
``resolve``'s answer; then every product × channel × locale of four pages (93039, 81120 in the
draft tier, 70050 with its Configuration, 1001 where nothing resolves).

The browser is installed by ``make browser`` (a prerequisite of ``make test``: apt-get, as root).
Without it this test FAILS, saying so; ``OMM_NO_BROWSER=1`` skips it, deliberately.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import WORKSPACE
from tests.preview.nasty import NASTY_ALT, NASTY_NAME, nasty_tenant
from toolkit.preview import page_data, preview
from toolkit.resolution.resolve import resolver
from toolkit.workspace import Tenant, tenant

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
         "--disable-extensions", "--window-size=1100,800"]

# What the page shows, read in one call once its images are decoded (data: URIs decode
# asynchronously): the visible tiles in order, the winning set, the large image.
READ = """
const done = arguments[arguments.length - 1];
function read() {
  const tiles = [...document.querySelectorAll('#gallery li.tile')].filter((li) => li.offsetParent !== null);
  const why = document.getElementById('why').dataset;
  const hero = document.getElementById('hero');
  return {
    selected: Object.assign({}, document.getElementById('preview').dataset),
    tiles: tiles.map((li) => {
      const img = li.querySelector('img');
      return {group: li.dataset.group, order: li.dataset.order, id: li.dataset.mediaId, type: li.dataset.type,
              purpose: li.dataset.purpose, default: li.dataset.default, badge: !!li.querySelector('.badge:not(.draft)'),
              image: img ? img.complete && img.naturalWidth > 0 : null};
    }),
    source: why.entityType ? [why.entityType, why.entityKey, why.channel, why.locale] : null,
    hero: hero.dataset.mediaId || null,
  };
}
Promise.all([...document.querySelectorAll('img')].map((i) => i.decode().catch(() => null))).then(() => done(read()));
"""
# Picks (product, channel, locale) through the selects' change events, as arguments 0-2.
CHOOSE = """
const [p, c, l] = arguments;
for (const [id, v] of [['variant', p], ['channel', c], ['locale', l]]) {
  const s = document.getElementById(id); s.value = v; s.dispatchEvent(new Event('change'));
}
"""


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if os.environ.get("OMM_NO_BROWSER") == "1":
        pytest.skip("OMM_NO_BROWSER=1: the browser test of omm preview is skipped on purpose")
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: run `make browser` (as root it installs Debian's chromium "
                    "and chromium-driver with apt-get), or set OMM_NO_BROWSER=1 to skip this test on purpose",
                    pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="omm-chromium-") as profile:
        for flag in [*FLAGS, f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        try:
            browser.set_page_load_timeout(60)
            browser.set_script_timeout(30)
            yield browser
        finally:
            browser.quit()


@pytest.fixture(scope="module")
def dev() -> Tenant:
    return tenant(WORKSPACE, "contoso-dev")


def open_page(driver: Any, path: Path, html: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    path.write_text(html, encoding="utf-8")
    driver.get(path.as_uri())
    WebDriverWait(driver, 20).until(lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "true")


def pick(driver: Any, select_id: str, value: str) -> None:
    """Choose an option the way a person does (Selenium clicks it; the page hears a change event)."""
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", select_id)).select_by_value(value)


def expected(resolution: dict[str, Any]) -> dict[str, Any]:
    """``resolve``'s JSON as the page should show it (READ's shape)."""
    source = resolution["source"]
    return {
        "selected": {"product": resolution["product"], "channel": resolution["channel"], "locale": resolution["locale"]},
        "tiles": [{"group": i["MediaGroup"], "order": "" if i["MediaDisplayOrder"] is None else str(i["MediaDisplayOrder"]),
                   "id": i["InternalMediaId"], "type": i["MediaType"] or "", "purpose": i["MediaPurpose"] or "",
                   "default": str(i["InternalMediaId"] == resolution["default_image"]).lower(),
                   "badge": i["InternalMediaId"] == resolution["default_image"],
                   "image": True if i["MediaType"] == "Image" else None}
                  for i in resolution["items"]],
        "source": None if source is None else [source["EntityType"], source["EntityKeyValue"], source["EntityChannel"],
                                               source["EntityLocale"]],
        "hero": resolution["default_image"] or (resolution["items"][0]["InternalMediaId"] if resolution["items"] else None),
    }


def shown(driver: Any) -> dict[str, Any]:
    return driver.execute_async_script(READ)  # type: ignore[no-any-return]


def test_pick_variants_channels_and_locales(driver: Any, dev: Tenant, tmp_path: Path) -> None:
    open_page(driver, tmp_path / "gallery.html", preview(dev, "93039"))
    cms = resolver(dev, "cms")
    assert shown(driver) == expected(cms.resolve("93039").to_dict())
    # 93039-001 by its dimensions: Color Black picks the first Black variant, Size and Style keep it.
    pick(driver, "dim-Color", "Black")
    pick(driver, "dim-Size", "32")
    pick(driver, "dim-Style", "Slim")
    pick(driver, "channel", "OUN00001")
    pick(driver, "locale", "en-us")
    cell = shown(driver)
    assert cell == expected(cms.resolve("93039-001", "OUN00001", "en-us").to_dict())
    assert cell["source"] == ["Product|DimensionMatrix", "93039|Color:Black", "", "system_neutral"]
    assert [(t["id"][:8], t["default"]) for t in cell["tiles"]] == [("7c522f2e", "true"), ("59c96fad", "false")]
    # 93039-006 the same way: Blue → 93039-004, 34 → 93039-005, Regular → 93039-006; Paris, in French.
    pick(driver, "dim-Color", "Blue")
    pick(driver, "dim-Size", "34")
    pick(driver, "dim-Style", "Regular")
    pick(driver, "channel", "OUN00003")
    pick(driver, "locale", "fr-fr")
    own = shown(driver)
    assert own == expected(cms.resolve("93039-006", "OUN00003", "fr-fr").to_dict())
    assert own["source"] == ["Product|Variant", "93039-006", "", "system_neutral"]
    # Back to the master: in OUN00003/fr-fr its own French set (with the fr-fr size chart, Additional).
    pick(driver, "dim-Style", "")
    master = shown(driver)
    assert master == expected(cms.resolve("93039", "OUN00003", "fr-fr").to_dict())
    assert [(t["group"], t["id"][:8]) for t in master["tiles"]] == [
        ("Primary", "4ee256fb"), ("Primary", "fe5dd18a"), ("Additional", "6cd6c9f6")]
    # A channel that does not serve the locale falls back to Neutral.
    pick(driver, "channel", "OUN00002")
    assert shown(driver) == expected(cms.resolve("93039", "OUN00002").to_dict())
    assert driver.current_url.endswith("#product=93039&channel=OUN00002&locale=system_neutral")


def test_swatches_and_placeholders(driver: Any, dev: Tenant, tmp_path: Path) -> None:
    open_page(driver, tmp_path / "gallery.html", preview(dev, "93039", channel="OUN00001", locale="en-us"))
    # The care guide (a PDF) is a placeholder tile with its id; the lifestyle photo is the default.
    page = shown(driver)  # (also waits for every image, the swatches' too, to be decoded)
    assert page == expected(resolver(dev, "cms").resolve("93039", "OUN00001", "en-us").to_dict())
    swatches = driver.execute_script(
        "return [...document.querySelectorAll('#swatches button.swatch')].map((b) => [b.dataset.dimension, "
        "b.dataset.value, getComputedStyle(b.querySelector('.chip')).backgroundColor, "
        "!!b.querySelector('img') && b.querySelector('img').naturalWidth > 0])")
    assert swatches == [["Color", "Black", "rgb(26, 26, 26)", False], ["Color", "Blue", "rgba(0, 0, 0, 0)", True]]
    placeholder = driver.find_element("css selector", '#gallery li[data-media-id="21143d16-a0e2-4cb2-a5ff-2bec03a05351"]')
    assert "21143d16-a0e2-4cb2-a5ff-2bec03a05351" in placeholder.text and "File" in placeholder.text
    # Clicking the Blue swatch picks the first Blue variant, whose matrix cell wins.
    driver.find_element("css selector", '#swatches button[data-value="Blue"]').click()
    assert shown(driver) == expected(resolver(dev, "cms").resolve("93039-004", "OUN00001", "en-us").to_dict())


@pytest.mark.parametrize(("product", "tier"), [("93039", "cms"), ("81120", "draft"), ("70050", "cms"), ("1001", "cms")])
def test_every_answer_in_the_browser(driver: Any, dev: Tenant, tmp_path: Path, product: str, tier: str) -> None:
    """Every product × channel × locale, picked through the selects' change events and read in one call each."""
    data = page_data(dev, product, tier)
    open_page(driver, tmp_path / "gallery.html", preview(dev, product, tier))
    cms = resolver(dev, tier)
    seen = {(p, c, loc): driver.execute_async_script(CHOOSE + READ, p, c, loc) for p, c, loc in data.answers}
    assert seen == {k: expected(cms.resolve(k[0], k[1] or None, k[2]).to_dict()) for k in data.answers}


def test_escaped_texts_reach_the_page_as_text(driver: Any, tmp_path: Path) -> None:
    open_page(driver, tmp_path / "nasty.html", preview(nasty_tenant(tmp_path), "93039"))
    assert driver.title == f"{NASTY_NAME} (93039) — omm preview"
    assert driver.find_element("css selector", "h1").text == f"{NASTY_NAME}93039"
    alts = driver.execute_script("return [...document.querySelectorAll('#gallery img')].map((i) => i.alt)")
    assert NASTY_ALT in alts
    assert driver.execute_script("return document.querySelectorAll('script').length") == 2
    assert driver.execute_script("return document.querySelectorAll('b, img[src=x]').length") == 0
