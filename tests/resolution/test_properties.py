"""Property: on small random tenants, ``flatten`` gives exactly the rows of a plain-Python
reading of SPEC §5 (written independently of the engine's joins, product by product)."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.resolution import Inputs, flatten
from toolkit.resolution.inputs import published_media, tier_rows

N = "system_neutral"
LOCALES = ["en-us", "fr-fr", "de-de"]
MEDIA = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(5)]
TYPES = ["Image", "Video", "File"]


@st.composite
def tenants(draw: st.DrawFn) -> dict[str, Any]:
    channels = {f"OUN0000{i}": draw(st.lists(st.sampled_from(LOCALES), min_size=1, max_size=3, unique=True))
                for i in range(1, draw(st.integers(1, 3)) + 1)}
    # a master's matrix dimensions, in canonical order (reading a manifest puts them so)
    masters = {f"M{i}": [d for d in ("Color", "Size") if d in draw(st.sets(st.sampled_from(["Color", "Size"])))]
               for i in range(draw(st.integers(1, 2)))}
    variants = {f"{m}-{j}": (m, draw(st.sampled_from(["Black", "Blue", None])), draw(st.sampled_from(["S", "M", None])))
                for m in masters for j in range(draw(st.integers(0, 3)))}
    standalones = [f"S{i}" for i in range(draw(st.integers(0, 2)))]
    categories = [f"C{i}" for i in range(draw(st.integers(0, 2)))]
    entities = ([("Product|Master", p) for p in [*masters, *standalones]] + [("Product|Variant", v) for v in variants]
                + [("Category", c) for c in categories]
                + [("Product|DimensionMatrix", m + "".join(f"|{d}:{draw(st.sampled_from(values[d]))}" for d in dims))
                   for m, dims in masters.items() if dims for values in [{"Color": ["Black", "Blue"], "Size": ["S", "M"]}]
                   for _ in range(draw(st.integers(0, 2)))])
    # mostly configured places, Omnichannel and Neutral; now and then one no channel serves
    places = st.tuples(st.sampled_from([*channels, "", "", "OUN00009"]), st.sampled_from([*LOCALES, N, N, "it-it"]))
    items = st.lists(st.tuples(st.sampled_from(["Primary", "Additional"]), st.integers(0, 4)), min_size=1, max_size=3)
    sets = draw(st.lists(st.tuples(st.sampled_from(entities), places, st.sampled_from(["Published", "Draft"]), items),
                         min_size=1, max_size=12)) if entities else []
    media = {m: (draw(st.sampled_from(TYPES)), draw(st.booleans())) for m in MEDIA}
    return {"channels": channels, "masters": masters, "variants": variants, "standalones": standalones,
            "categories": categories, "sets": sets, "media": media}


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out, seen = [], set()
    for (etype, key), (channel, locale), state, items in spec["sets"]:
        if (etype, key, channel, locale, state) in seen:
            continue  # a set key names one set per state
        seen.add((etype, key, channel, locale, state))
        unique = list(dict.fromkeys(items))
        for n, (group, m) in enumerate(unique, 1):
            out.append({"EntityType": etype, "EntityKeyValue": key, "EntityChannel": channel or None,
                        "EntityLocale": locale, "CatalogNumber": None, "EntityAssignmentCurrentPublishState": state,
                        "MediaGroup": group, "MediaDisplayOrder": str(n), "InternalMediaId": MEDIA[m],
                        "MediaLocale": N, "MediaType": spec["media"][MEDIA[m]][0], "MediaPurpose": None,
                        "ImageAltText": f"alt {m}", "EntityVersion": "2" if state == "Draft" else "1"})
    return out


def _inputs(spec: dict[str, Any], tier: str) -> Inputs:
    rows = _rows(spec)
    frame = pl.DataFrame(rows, schema={c: pl.String for c in (rows[0] if rows else _rows({
        "sets": [(("Product|Master", "x"), ("", N), "Published", [("Primary", 0)])], "media": spec["media"]})[0])})
    products = ([(p, "Master", None, None, None) for p in spec["masters"]]
                + [(p, "Standalone", None, None, None) for p in spec["standalones"]]
                + [(v, "Variant", m, c, s) for v, (m, c, s) in spec["variants"].items()])
    product_frame = pl.DataFrame(products, orient="row", schema={c: pl.String for c in (
        "ProductNumber", "ProductType", "MasterProductNumber", "Color", "Size")}).with_columns(
        Style=pl.lit(None, pl.String), Configuration=pl.lit(None, pl.String))
    media = pl.DataFrame([{"InternalMediaId": m, "MediaLocale": N, "MediaType": t, "ImageAltText": f"asset {m[-1]}",
                           "MediaPublishedURL": f"https://cms.test/{m}", "MediaState": "Published" if p else "Draft"}
                          for m, (t, p) in spec["media"].items()])
    channels = pl.DataFrame({"ChannelId": list(spec["channels"]),
                             "Locales": [",".join(v) for v in spec["channels"].values()]})
    return Inputs("t", tier, product_frame, pl.DataFrame({"CategoryID": spec["categories"]}, schema={"CategoryID": pl.String}),
                  channels, tier_rows(frame, tier), published_media(media))


def _sets(spec: dict[str, Any], tier: str) -> dict[tuple[str, str, str, str], list[dict[str, Any]]]:
    by_state: dict[tuple[str, str, str, str, str], list[dict[str, Any]]] = {}
    for r in _rows(spec):
        key = (r["EntityType"], r["EntityKeyValue"], r["EntityChannel"] or "", r["EntityLocale"])
        by_state.setdefault((*key, r["EntityAssignmentCurrentPublishState"]), []).append(r)
    keys = {k[:4] for k in by_state}
    pick = ["Draft", "Published"] if tier == "draft" else ["Published"]
    return {k: next(by_state[(*k, s)] for s in pick if (*k, s) in by_state) for k in keys
            if any((*k, s) in by_state for s in pick)}


def _ladder(spec: dict[str, Any], name: str) -> list[tuple[str, str]]:
    if name in spec["variants"]:
        master, color, size = spec["variants"][name]
        dims = spec["masters"][master]
        values = {"Color": color, "Size": size}
        cell = [("Product|DimensionMatrix", master + "".join(f"|{d}:{values[d]}" for d in dims))] if dims and all(
            values[d] for d in dims) else []
        return [("Product|Variant", name), *cell, ("Product|Master", master)]
    return [("Category", name[len("category:"):])] if name.startswith("category:") else [("Product|Master", name)]


def reference(spec: dict[str, Any], tier: str) -> set[tuple[Any, ...]]:
    sets, media = _sets(spec, tier), {m: v for m, v in spec["media"].items()}
    omni = sorted({loc for v in spec["channels"].values() for loc in v}) + [N]
    places = [(c, loc) for c, v in spec["channels"].items() for loc in [*v, N]] + [("", loc) for loc in omni]
    names = [*spec["masters"], *spec["standalones"], *spec["variants"], *(f"category:{c}" for c in spec["categories"])]
    out = set()
    for name in names:
        for c, loc in places:
            category = name.startswith("category:")
            rungs = list(dict.fromkeys([(c, loc), (c, N)] if category else [(c, loc), (c, N), ("", loc), ("", N)]))
            if category and not c:
                continue
            won = next(((e, r) for e in _ladder(spec, name) for r in rungs if (*e, *r) in sets), None)
            if won is None:
                continue
            items = sets[(*won[0], *won[1])]
            images = sorted((int(i["MediaDisplayOrder"]), i["InternalMediaId"]) for i in items
                            if i["MediaGroup"] == "Primary" and i["MediaType"] == "Image")
            for i in items:
                mid = i["InternalMediaId"]
                published = media[mid][1]
                out.add((name, c or None, loc, i["MediaGroup"], i["MediaDisplayOrder"], mid, i["MediaType"], None,
                         f"https://cms.test/{mid}" if published else None,
                         f"asset {mid[-1]}" if published else i["ImageAltText"],
                         "true" if images and (i["MediaGroup"], mid) == ("Primary", images[0][1]) else "false",
                         won[0][0], won[0][1], won[1][0] or None, won[1][1], i["EntityVersion"]))
    return out


@settings(max_examples=150, deadline=None)
@given(tenants(), st.sampled_from(["cms", "draft"]))
def test_flatten_is_the_reference(spec: dict[str, Any], tier: str) -> None:
    got = flatten(_inputs(spec, tier))
    assert got.height == got.unique().height
    assert set(got.rows()) == reference(spec, tier)
