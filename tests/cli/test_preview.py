"""``omm preview``: the file written is the library's page, the summary on stderr, errors exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import WORKSPACE
from toolkit.preview import preview
from toolkit.workspace import tenant


def omm(run_cli, *args: str | Path) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run_cli(["--workspace", WORKSPACE, "preview", *args, "--tenant", "contoso-dev"])


def test_writes_the_page(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "gallery.html"
    code, stdout, stderr = omm(run_cli, "93039", "-o", out)
    size = out.stat().st_size
    assert (code, stdout, stderr) == (0, "", f"wrote {out} ({size / 1024:.1f} KiB): 93039 and 6 variants × 12 "
                                             "channel/locale pairs = 84 answers from 6 sets; 10 of 11 media "
                                             "embedded (tier cms)\n")
    assert out.read_text(encoding="utf-8") == preview(tenant(WORKSPACE, "contoso-dev"), "93039")


def test_a_variant_opens_its_master_on_it_in_the_draft_tier(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "t.html"
    code, stdout, stderr = omm(run_cli, "81120-003", "--tier", "draft", "--channel", "OUN00002", "--locale",
                               "EN_us", "-o", out)
    assert (code, stdout) == (0, "")
    assert "81120 and 4 variants × 12 channel/locale pairs = 60 answers from 1 set; 4 of 4 media" in stderr
    expected = preview(tenant(WORKSPACE, "contoso-dev"), "81120-003", "draft", "OUN00002", "en-us")
    assert out.read_text(encoding="utf-8") == expected
    assert '"initial":{"product":"81120-003","channel":"OUN00002","locale":"en-us"}' in expected


def test_quiet_writes_no_summary(run_cli, tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(["--workspace", WORKSPACE, "--quiet", "preview", "1000", "-t", "contoso-dev", "-o",
                                    tmp_path / "s.html"])
    assert (code, stdout, stderr) == (0, "", "")
    assert (tmp_path / "s.html").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["404"], "omm: error: 404 is not in hq/products.tsv of tenant contoso-dev (name a product number of the catalog "
              "(a master, a variant or a standalone product))\n"),
    (["93039", "--channel", "OUN00002", "--locale", "de-de"],
     "omm: error: OUN00002 does not serve locale de-de in tenant contoso-dev (use one of: system_neutral, en-us)\n"),
    (["93039", "--channel", "Paris"], "omm: error: --channel 'Paris' is not a channel (use a channel id like "
                                      "OUN00001, or Omnichannel)\n"),
])
def test_usage_errors_exit_2_and_write_nothing(run_cli, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "g.html"
    assert omm(run_cli, *args, "-o", out) == (2, "", message)
    assert not out.exists()


def test_refuses_to_write_into_the_tenant(run_cli) -> None:
    inside = WORKSPACE / "tenants/contoso-dev/gallery.html"
    assert omm(run_cli, "93039", "-o", inside) == (
        2, "", f"omm: error: refusing to write into tenant 'contoso-dev' itself ({inside}) "
               "(write the page outside tenants/)\n")
    assert not inside.exists()


def test_tier_must_be_cms_or_draft(run_cli, tmp_path: Path) -> None:
    code, stdout, stderr = omm(run_cli, "93039", "--tier", "hq", "-o", tmp_path / "g.html")
    assert (code, stdout) == (2, "")
    assert "Invalid value for '--tier': 'hq' is not one of 'cms', 'draft'." in stderr
