"""toolkit.kinds: the registry of manifest kinds, detection from header and file name (SPEC §4)."""

from __future__ import annotations

import pytest

from tests.helpers import PYTHON, REPO
from toolkit.errors import KindError
from toolkit.kinds import KIND_NAMES, default_file, detect_kind, get_kind
from toolkit.tsv import read_manifest_bytes

ALL_KINDS = ("assets", "assignments", "products", "categories", "channels", "settings", "publish_groups", "jobs",
             "maps", "flattened", "default_images", "diff")


def test_twelve_kinds_in_order() -> None:
    assert KIND_NAMES == ALL_KINDS


@pytest.mark.parametrize(("kind", "key", "file"), [
    ("assets", ("InternalMediaId", "MediaLocale", "MediaState"), "cms/media.tsv"),
    ("assignments", ("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber", "MediaGroup",
                     "InternalMediaId", "MediaPurpose", "SwatchGroup", "SwatchDimension",
                     "EntityAssignmentCurrentPublishState"), "cms/assignments.tsv"),
    ("products", ("ProductNumber",), "hq/products.tsv"),
    ("categories", ("CategoryID",), "hq/categories.tsv"),
    ("channels", ("ChannelId",), "channels.tsv"),
    ("settings", ("Name",), "settings.tsv"),
    ("publish_groups", ("PublishGroup",), "cms/publish_groups.tsv"),
    ("jobs", ("JobId",), "jobs/jobs.tsv"),
    ("maps", ("Source",), None),
    ("flattened", ("ProductNumber", "EntityChannel", "EntityLocale", "MediaGroup", "InternalMediaId", "MediaPurpose"),
     "hq/media_assignments.tsv"),
    ("default_images", ("ProductNumber", "EntityChannel", "EntityLocale"), "search/default_images.tsv"),
    ("diff", ("DiffSeq", "DiffOp"), None),
])
def test_key_and_file(kind: str, key: tuple[str, ...], file: str | None) -> None:
    k = get_kind(kind)
    assert (k.name, k.key, k.file) == (kind, key, file)
    assert default_file(kind) == file
    assert set(k.key) <= set(k.column_names)


def test_assignment_set_key() -> None:
    assert get_kind("assignments").set_key == ("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale",
                                               "CatalogNumber")


COLUMNS = {
    "assets": ("InternalMediaId", "MediaChannel", "MediaLocale", "MediaType", "MediaVersion", "MediaCategory",
               "MediaSourceProvider", "MediaSourceId", "MediaReferenceUrl", "MediaSourceIfExistsAction", "MediaAction",
               "MediaCheckedOutAction", "MediaVersionMismatchAction", "MediaImportPath", "ImageAltText",
               "MediaSearchTags", "MediaCaption", "MediaDisplayName", "MediaDescription", "VideoCaptionImportPath",
               "VideoThumbnailImportPath", "VideoTranscriptImportPath", "VideoAudioTrackImportPath",
               "VideoDescriptiveAudioTrackImportPath", "VideoPlaytime", "MediaCreatedOn", "MediaLastModifiedOn",
               "MediaPublished", "MediaPublishedOn", "MediaPublishedURL", "MediaPreviewURL", "ImageQuality",
               "ImageWidth", "ImageHeight", "MediaChecksum", "MediaTitle", "VideoSubtitle", "VideoMinimumAge",
               "DocumentForceDownload", "Result", "ResultTime", "ErrorCode", "ResultDescription", "MediaState",
               "CheckedOutBy"),
    "products": ("ProductNumber", "ProductName", "ProductType", "MasterProductNumber", "Color", "Size", "Style",
                 "Configuration"),
    "categories": ("CategoryID", "CategoryName", "ParentCategoryID"),
    "channels": ("ChannelId", "ChannelName", "ChannelType", "DefaultLocale", "Locales"),
    "settings": ("Name", "Value"),
    "publish_groups": ("PublishGroup", "Description", "ScheduledOn", "Status"),
    "jobs": ("JobId", "JobType", "Tenant", "Status", "CreatedOn", "StartedOn", "FinishedOn", "CreatedBy", "Name",
             "Description", "RowsTotal", "RowsSucceeded", "RowsFailed", "RowsSkipped", "ResultPath"),
    "maps": ("Source", "Destination"),
    "flattened": ("ProductNumber", "EntityChannel", "EntityLocale", "MediaGroup", "MediaDisplayOrder",
                  "InternalMediaId", "MediaType", "MediaPurpose", "MediaPublishedURL", "ImageAltText",
                  "IsDefaultImage", "SourceEntityType", "SourceEntityKeyValue", "SourceChannel", "SourceLocale",
                  "SourceVersion"),
    "default_images": ("ProductNumber", "EntityChannel", "EntityLocale", "InternalMediaId", "MediaPublishedURL"),
}


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_columns_as_the_spec_lists_them(kind: str) -> None:
    assert get_kind(kind).column_names == COLUMNS[kind]


def test_assignment_columns_per_spec() -> None:
    names = set(get_kind("assignments").column_names)
    spec = {"InternalMediaId", "MediaLocale", "MediaType", "MediaDisplayName", "ImageAltText", "MediaTitle",
            "EntityType", "EntityKey", "EntityKeyValue", "EntityLocale", "CatalogNumber", "EntityChannel",
            "EntityAssignmentCurrentPublishState", "EntityAssignmentAction", "EntityCheckedOutAction",
            "EntityVersionMismatchAction", "MediaGroup", "MediaPurpose", "MediaDisplayOrder", "SwatchGroup",
            "SwatchDimension", "SwatchValue", "EntityCreatedOn", "EntityLastModifiedOn", "EntityVersion",
            "EntityPublishedOn", "Result", "ResultTime", "ErrorCode", "ResultDescription", "CheckedOutBy",
            "PublishGroup"}
    assert names == spec


def test_enumerations_per_spec() -> None:
    a, s = get_kind("assets"), get_kind("assignments")
    assert a.column("MediaType").enum == ("Image", "Video", "File")
    assert a.column("MediaSourceIfExistsAction").enum == ("UseExisting", "Overwrite", "TakeLatest", "KeepBoth")
    assert a.column("MediaAction").enum == ("PublishNow", "Draft", "Unpublish", "UnpublishAndDelete")
    assert a.column("MediaCheckedOutAction").enum == ("UseExisting", "Overwrite")
    assert a.column("MediaVersionMismatchAction").enum == ("UseExisting", "Overwrite")
    assert a.column("MediaState").enum == ("Published", "Draft")
    assert s.column("EntityType").enum == ("Product|Master", "Product|Variant", "Product|DimensionMatrix",
                                           "Product|Master|Swatch", "Category")
    assert dict(s.column("EntityType").synonyms) == {"Master": "Product|Master", "Variant": "Product|Variant",
                                                     "DimensionMatrix": "Product|DimensionMatrix"}
    assert s.column("MediaGroup").enum == ("Primary", "Additional")
    assert get_kind("products").column("ProductType").enum == ("Standalone", "Master", "Variant")
    assert get_kind("channels").column("ChannelType").enum == ("Online", "Store", "CallCenter")
    assert get_kind("publish_groups").column("Status").enum == ("Open", "Scheduled", "Published")
    assert get_kind("jobs").column("Status").enum == ("Queued", "InProgress", "Succeeded", "CompletedWithErrors",
                                                      "Failed", "Cancelled", "Interrupted")


def test_get_kind_is_cached() -> None:
    assert get_kind("assets") is get_kind("assets")


def test_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(KindError) as exc:
        get_kind("nope")
    assert exc.value.exit_code == 2
    assert exc.value.rule == "unknown_kind"
    assert str(exc.value) == ("unknown manifest kind 'nope' (use one of: assets, assignments, products, categories, "
                              "channels, settings, publish_groups, jobs, maps, flattened, default_images, diff)")


@pytest.mark.parametrize(("header", "kind"), [
    (["InternalMediaId", "MediaLocale", "MediaType", "MediaDisplayName"], "assets"),
    (["MediaImportPath"], "assets"),
    (["InternalMediaId", "EntityType", "EntityKeyValue", "MediaGroup"], "assignments"),
    (["EntityKeyValue", "MediaType"], "assignments"),
    (["ProductNumber", "ProductName", "ProductType"], "products"),
    (["MasterProductNumber"], "products"),
    (["CategoryID", "CategoryName", "ParentCategoryID"], "categories"),
    (["ChannelId", "ChannelName", "Locales"], "channels"),
    (["Name", "Value"], "settings"),
    (["PublishGroup", "Status"], "publish_groups"),
    (["PublishGroup", "ScheduledOn", "Description"], "publish_groups"),
    (["JobId", "Status", "Name"], "jobs"),
    (["Source", "Destination"], "maps"),
    (["ProductNumber", "EntityChannel", "MediaGroup", "InternalMediaId"], "flattened"),
    (["ProductNumber", "IsDefaultImage"], "flattened"),
    (["ProductNumber", "SourceEntityType"], "flattened"),
    (["ProductNumber", "EntityChannel", "EntityLocale", "InternalMediaId", "MediaPublishedURL"], "default_images"),
    (["DiffSeq", "DiffOp", "ProductNumber", "ProductType"], "diff"),
    (["Extra", "ChannelId", "Unknown"], "channels"),
])
def test_detect_from_header(header: list[str], kind: str) -> None:
    assert detect_kind(header) == kind
    assert detect_kind(tuple(reversed(header)), "whatever.tsv") == kind


@pytest.mark.parametrize(("kind", "header"), [(k, list(COLUMNS[k])) for k in COLUMNS])
def test_full_header_of_each_kind_detects_that_kind(kind: str, header: list[str]) -> None:
    assert detect_kind(header) == kind


def test_full_assignments_header_detects_assignments() -> None:
    assert detect_kind(list(get_kind("assignments").column_names)) == "assignments"


def test_file_name_breaks_ties() -> None:
    # ProductNumber + MediaGroup alone is flattened; in a tier's media_assignments.tsv it stays flattened
    assert detect_kind(["ProductNumber", "MediaGroup"], "csu/OUN1/media_assignments.tsv") == "flattened"
    # a header that matches nothing takes the kind of its well-known file name
    assert detect_kind(["Foo"], "tenants/t/channels.tsv") == "channels"
    assert detect_kind(["Foo"], "settings.tsv") == "settings"
    # the name does not override a header that clearly says something else
    assert detect_kind(["ProductNumber", "ProductType"], "channels.tsv") == "products"


def test_undetectable_header_is_a_kind_error() -> None:
    with pytest.raises(KindError) as exc:
        detect_kind(["Foo", "Bar"], "x.tsv")
    assert str(exc.value) == ("cannot tell the manifest kind from the header of x.tsv (pass --kind with one of: "
                              "assets, assignments, products, categories, channels, settings, publish_groups, jobs, "
                              "maps, flattened, default_images, diff)")
    with pytest.raises(KindError):
        read_manifest_bytes(b"Foo\tBar\n1\t2\n", "x.tsv")


def test_kind_override_beats_detection() -> None:
    m = read_manifest_bytes(b"Name\tValue\nA\tB\n", "x.tsv", kind="maps")
    assert m.kind.name == "maps"


def test_column_lookup() -> None:
    k = get_kind("assets")
    c = k.column("MediaType")
    assert c is not None and (c.type, c.token, c.required, c.nullable) == ("string", "enum", True, False)
    assert k.column("NoSuchColumn") is None


def test_kinds_json_is_current() -> None:
    """schemas/kinds.json is what the Pandera models say; after changing a schema run
    ``python -m toolkit.kinds`` to rewrite it."""
    from toolkit.kinds import DESCRIPTIONS, descriptions_text

    on_disk = (REPO / "schemas" / DESCRIPTIONS).read_text(encoding="utf-8")
    assert on_disk == descriptions_text(), "schemas/kinds.json is stale: run python -m toolkit.kinds"


@pytest.mark.parametrize("command", [["diff", "fixtures/diff/old", "fixtures/diff/new", "--stat"],
                                     ["fmt", "--check", "fixtures/workspace"],
                                     # screening proves these valid: Pandera is only for what it cannot prove
                                     ["validate", "fixtures/workspace/tenants/contoso-dev/hq/products.tsv",
                                      "fixtures/workspace/tenants/contoso-dev/channels.tsv"],
                                     ["merge", "fixtures/merge/assets-ours.tsv", "fixtures/merge/assets-theirs.tsv",
                                      "--plan", "--on-conflict", "keep"]])
def test_reading_diffing_merging_and_screening_never_import_pandera(command: list[str]) -> None:
    import subprocess

    code = ("import sys\nfrom toolkit.cli.app import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('pandera' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([PYTHON, "-c", code, *command], cwd=REPO, capture_output=True, text=True)
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr


@pytest.mark.parametrize("name", KIND_NAMES)
def test_each_model_checks_exactly_the_rules_screening_asks(name: str) -> None:
    # Screening reads schemas/rules/<kind>.py without Pandera; the model must wire in the same rules.
    kind = get_kind(name)
    meta = kind.model.Config.metadata
    assert meta.get("rules", {}) == kind.rules and meta.get("derived", {}) == kind.derived
    checks = {c.name for c in kind.model.to_schema().checks}
    assert set(kind.rules) <= checks
