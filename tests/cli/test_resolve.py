"""``omm resolve``: whole stdout, stderr and exit code for each tier, JSON equal to ``to_dict()``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import WORKSPACE
from toolkit.resolution import resolve
from toolkit.workspace import tenant

VARIANT = """\
93039-001 in OUN00001/en-us (tier cms)
ladder (entity first, then channel/locale):
   1. variant          93039-001                OUN00001/en-us               no set
   2. variant          93039-001                OUN00001/system_neutral      no set
   3. variant          93039-001                Omnichannel/en-us            no set
   4. variant          93039-001                Omnichannel/system_neutral   no set
   5. dimension matrix 93039|Color:Black        OUN00001/en-us               no set
   6. dimension matrix 93039|Color:Black        OUN00001/system_neutral      no set
   7. dimension matrix 93039|Color:Black        Omnichannel/en-us            no set
   8. dimension matrix 93039|Color:Black        Omnichannel/system_neutral   WINS
gallery of Product|DimensionMatrix 93039|Color:Black @ Omnichannel/system_neutral, version 1 (2 items, * = default image):
  * Primary       1  7c522f2e-2a89-4557-86d3-1b8889c5b44e  Image  alt 'Contoso Denim Jeans in black, front view'
    Primary       2  59c96fad-e227-402c-abec-6fefba40d6be  Image  alt 'Contoso Denim Jeans in black, back view'
"""

SUNGLASSES = """\
1000 in OUN00002/system_neutral (tier hq)
read from hq/media_assignments.tsv, as the last sync flattened it (no ladder there, only the set that won)
gallery of Product|Master 1000 @ Omnichannel/system_neutral, version 1 (2 items, * = default image):
    Primary       1  8095dc74-d363-43f9-b9ec-c68dd3a1a8c4  Video
  * Primary       2  a79e970a-a157-4459-91c6-6bacd6e39b5a  Image  alt 'Aviator Sunglasses with gold frame, front view'
"""


def omm(run_cli, *args: str | Path) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run_cli(["--workspace", WORKSPACE, "resolve", *args, "--tenant", "contoso-dev"])


def test_text_shows_every_rung_tried_and_the_gallery(run_cli) -> None:
    assert omm(run_cli, "93039-001", "--channel", "OUN00001", "--locale", "en-us") == (0, VARIANT, "")


def test_nothing_resolves(run_cli) -> None:
    assert omm(run_cli, "1001") == (0, "1001 in Omnichannel/system_neutral (tier cms)\n"
                                       "ladder (entity first, then channel/locale):\n"
                                       "   1. product          1001                     Omnichannel/system_neutral   "
                                       "no set\nno set on any rung: nothing is shown here\n", "")


def test_draft_tier_shows_the_checked_out_draft(run_cli) -> None:
    code, out, err = omm(run_cli, "81120", "--tier", "draft")
    assert (code, err) == (0, "")
    assert out.splitlines()[3:] == [
        "gallery of Product|Master 81120 @ Omnichannel/system_neutral, version 3 (3 items, * = default image):",
        "  * Primary       1  df34259a-a014-4fb3-be29-824f717dc59f  Image  alt 'Crew Neck T-Shirt in red, front view'",
        "    Primary       2  387f3cdf-291b-4523-9e73-27431f7b6b82  Image  alt 'Crew Neck T-Shirt in white, front view'",
        "    Primary       3  0879034e-ab69-4d30-b238-7d1e14518049  Image  alt 'Crew Neck T-Shirt in white, back view'"]


def test_json_is_the_spec_shape(run_cli) -> None:
    code, out, err = omm(run_cli, "93039", "--channel", "OUN00001", "--locale", "en-us", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "product": "93039", "channel": "OUN00001", "locale": "en-us",
        "source": {"EntityType": "Product|Master", "EntityKeyValue": "93039", "EntityChannel": "OUN00001",
                   "EntityLocale": "en-us"},
        "default_image": "79945b97-9ec9-4968-8dd5-ddba69e05d72",
        "items": [{"MediaGroup": "Primary", "MediaDisplayOrder": 1, "InternalMediaId": "79945b97-9ec9-4968-8dd5-ddba69e05d72",
                   "MediaType": "Image", "MediaPurpose": None},
                  {"MediaGroup": "Primary", "MediaDisplayOrder": 2, "InternalMediaId": "7c522f2e-2a89-4557-86d3-1b8889c5b44e",
                   "MediaType": "Image", "MediaPurpose": None},
                  {"MediaGroup": "Additional", "MediaDisplayOrder": 1,
                   "InternalMediaId": "21143d16-a0e2-4cb2-a5ff-2bec03a05351", "MediaType": "File",
                   "MediaPurpose": "Care guide"}]}
    assert json.loads(out) == resolve(tenant(WORKSPACE, "contoso-dev"), "93039", "OUN00001", "en-us").to_dict()


def test_hq_and_csu_tiers_read_what_sync_wrote(run_cli, tmp_path: Path) -> None:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    ws = tmp_path / "ws"
    base = ["--workspace", ws, "resolve", "1000", "--tenant", "contoso-dev", "--channel", "OUN00002"]
    assert run_cli([*base, "--tier", "hq"]) == (2, "", "omm: error: tenant contoso-dev has no hq/media_assignments.tsv "
                                                      "(run: omm sync --tenant contoso-dev)\n")
    assert run_cli(["--workspace", ws, "sync", "--tenant", "contoso-dev"])[0] == 0
    assert run_cli([*base, "--tier", "hq"]) == (0, SUNGLASSES, "")
    code, out, err = run_cli([*base, "--tier", "csu"])
    assert (code, out, err) == (0, SUNGLASSES.replace("(tier hq)", "(tier csu)").replace(
        "hq/media_assignments.tsv", "csu/OUN00002/media_assignments.tsv"), "")
    assert run_cli(["--workspace", ws, "resolve", "1000", "--tenant", "contoso-dev", "--tier", "csu"]) == (
        2, "", "omm: error: the CSU tier is per channel (give --channel, e.g. --channel OUN00001)\n")


def test_bad_requests_exit_2(run_cli) -> None:
    assert omm(run_cli, "93039", "--channel", "OUN00002", "--locale", "fr-fr") == (
        2, "", "omm: error: OUN00002 does not serve locale fr-fr in tenant contoso-dev "
               "(use one of: en-us, system_neutral)\n")
    assert omm(run_cli, "99999") == (2, "", "omm: error: 99999 is not in hq/products.tsv of tenant contoso-dev (name a "
                                            "product number of the catalog, or category:<CategoryID>)\n")
    code, out, err = omm(run_cli, "93039", "--tier", "published")
    assert (code, out) == (2, "") and "Invalid value for '--tier'" in err
