"""``omm fmt``: rewrite manifests in canonical form (SPEC §3), or check that they are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError
from toolkit.tsv import atomic_write, manifest_bytes, read_manifest


@dataclass(frozen=True)
class FileFormat:
    path: str
    changed: bool  # the file is (or, with check, would be) rewritten
    error: str | None = None


@dataclass(frozen=True)
class FormatResult:
    files: tuple[FileFormat, ...]
    check: bool

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files if f.changed)

    @property
    def errors(self) -> tuple[FileFormat, ...]:
        return tuple(f for f in self.files if f.error)

    def to_dict(self) -> dict[str, object]:
        return {"check": self.check, "changed": list(self.changed),
                "unchanged": [f.path for f in self.files if not f.changed and not f.error],
                "errors": [{"file": f.path, "message": f.error} for f in self.errors]}


def manifest_files(paths: list[str | Path] | tuple[str | Path, ...]) -> list[Path]:
    """The .tsv files named, directories searched recursively, in a stable order. Hidden
    directories below a named one (``.omm/`` journals, an unfinished ``tenants/.init-*``) are
    omm's own workings, not manifests to rewrite."""
    out: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*.tsv") if not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or directory", "check the path")
    return out


def _one(path: Path, kind: str | None, check: bool, encoding: str) -> FileFormat:
    try:
        manifest = read_manifest(path, kind)
    except InputError as exc:
        return FileFormat(str(path), False, str(exc))
    canonical = manifest_bytes(manifest, encoding=encoding)
    if path.read_bytes() == canonical:
        return FileFormat(str(path), False)
    if not check:
        atomic_write(path, canonical)
    return FileFormat(str(path), True)


def format_paths(paths: list[str | Path] | tuple[str | Path, ...], *, check: bool = False,
                 kind: str | None = None, encoding: str = "utf-8") -> FormatResult:
    """Canonicalize every manifest under ``paths`` in place (atomically); with ``check``, write nothing."""
    return FormatResult(tuple(_one(p, kind, check, encoding) for p in manifest_files(paths)), check)
