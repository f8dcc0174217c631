"""What decides a copy: the two tenants, the conflict policy, the versions and the mappings asked for."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from toolkit.errors import UsageError
from toolkit.workspace import check_tenant_id

POLICIES = ("keep", "replace", "latest")
VERSIONS = ("published", "all")


@dataclass(frozen=True)
class CopyOptions:
    """One ``omm copy``: ``source`` → ``destination`` (tenant ids), ``on_conflict`` (keep, replace,
    latest), ``versions`` (published, all), the map files (``channel_maps``, ``locale_maps``: maps
    manifests, Source → Destination) and the ``A=B`` pairs (``map_channel``, ``map_locale``; ``A=``
    removes A). ``user`` is who the job is recorded for (default: the login name)."""

    source: str
    destination: str
    on_conflict: str
    versions: str = "published"
    channel_maps: tuple[str, ...] = ()
    locale_maps: tuple[str, ...] = ()
    map_channel: tuple[str, ...] = ()
    map_locale: tuple[str, ...] = ()
    user: str | None = None

    def checked(self) -> CopyOptions:
        """Itself, once the tenant ids, the policy and the versions are known to be valid (else UsageError)."""
        check_tenant_id(self.source)
        check_tenant_id(self.destination)
        if self.source == self.destination:
            raise UsageError(f"--from and --to are both {self.source}", "copy between two different tenants")
        if self.on_conflict not in POLICIES:
            raise UsageError(f"unknown --on-conflict {self.on_conflict!r}", f"use one of {', '.join(POLICIES)}")
        if self.versions not in VERSIONS:
            raise UsageError(f"unknown --versions {self.versions!r}", f"use one of {', '.join(VERSIONS)}")
        return self

    def to_json(self) -> bytes:
        """The options as saved with the job (``jobs/<id>/options.json``)."""
        return json.dumps(asdict(self), sort_keys=True, indent=1).encode() + b"\n"
