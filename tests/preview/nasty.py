"""A copy of contoso-dev whose product name and alt text try to end the page's script or add markup."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import WORKSPACE
from toolkit.workspace import Tenant, tenant

NASTY_NAME = """Jeans </script><script>alert("name")</script> & 'co' <b>"""
NASTY_ALT = """32" </script><img src=x onerror=alert(1)> & more"""


def nasty_tenant(tmp_path: Path) -> Tenant:
    """contoso-dev with a product name and an alt text that try to end the page's script."""
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    root = ws / "tenants/contoso-dev"
    products = root / "hq/products.tsv"
    products.write_text(products.read_text().replace("Contoso Denim Jeans\tMaster", f"{NASTY_NAME}\tMaster"))
    media = root / "cms/media.tsv"
    text = media.read_text()
    assert text.count("Contoso Denim Jeans in black, front view\t") == 1
    media.write_text(text.replace("Contoso Denim Jeans in black, front view\t", f"{NASTY_ALT}\t"))
    return tenant(ws, "contoso-dev")
