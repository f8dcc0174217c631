"""assets — the media library (``cms/media.tsv``), as the Commerce asset manifest defines it."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.rules.assets import KEY, RULES

MEDIA_TYPES = ("Image", "Video", "File")
IF_EXISTS = ("UseExisting", "Overwrite", "TakeLatest", "KeepBoth")
ACTIONS = ("PublishNow", "Draft", "Unpublish", "UnpublishAndDelete")
CONFLICT_ACTIONS = ("UseExisting", "Overwrite")
RESULTS = ("Succeeded", "Failed", "Skipped")
STATES = ("Published", "Draft")


class AssetsSchema(pa.DataFrameModel):
    InternalMediaId: Series[str] = f.uuid("Asset id (GUID); empty for a new asset, filled by import.")
    MediaChannel: Series[str] = f.channel("Channel the asset belongs to; empty = Omnichannel.")
    MediaLocale: Series[str] = f.locale("Locale of this asset row; empty or Neutral = system_neutral.", required=True)
    MediaType: Series[str] = f.enum(MEDIA_TYPES, "Image, Video or File.", required=True, nullable=False)
    MediaVersion: Series[str] = f.integer("Version of the asset, raised by every change.", minimum=0)
    MediaCategory: Series[str] = f.text("Free category of the asset.")
    MediaSourceProvider: Series[str] = f.text("External system the asset comes from.")
    MediaSourceId: Series[str] = f.text("Id of the asset in MediaSourceProvider.")
    MediaReferenceUrl: Series[str] = f.pattern(f.HTTP_URL, "Reference URL of the source.", fmt="uri", expect=f.HTTP_EXPECT)
    MediaSourceIfExistsAction: Series[str] = f.enum(IF_EXISTS, "What import does when the asset exists.")
    MediaAction: Series[str] = f.enum(ACTIONS, "What import does with the asset.")
    MediaCheckedOutAction: Series[str] = f.enum(CONFLICT_ACTIONS, "When a draft is checked out by someone else.")
    MediaVersionMismatchAction: Series[str] = f.enum(CONFLICT_ACTIONS, "When MediaVersion is not the stored one.")
    MediaImportPath: Series[str] = f.text("Binary to import: a path under --media-dir or an http(s) URL.")
    ImageAltText: Series[str] = f.text("Alternative text; mandatory for images.")
    MediaSearchTags: Series[str] = f.text("Search tags, comma separated.")
    MediaCaption: Series[str] = f.text("Caption.")
    MediaDisplayName: Series[str] = f.text("Display name, unique within a tenant.", required=True, nullable=False)
    MediaDescription: Series[str] = f.text("Description.")
    VideoCaptionImportPath: Series[str] = f.text("Closed captions file of a video.")
    VideoThumbnailImportPath: Series[str] = f.text("Thumbnail image of a video.")
    VideoTranscriptImportPath: Series[str] = f.text("Transcript of a video.")
    VideoAudioTrackImportPath: Series[str] = f.text("Audio track of a video.")
    VideoDescriptiveAudioTrackImportPath: Series[str] = f.text("Descriptive audio track of a video.")
    VideoPlaytime: Series[str] = f.pattern(r"^[0-9]+(:[0-5][0-9]){0,2}(\.[0-9]+)?$", "Play time, seconds or h:mm:ss.",
                                        expect="seconds or h:mm:ss")
    MediaCreatedOn: Series[str] = f.timestamp("When the asset was created (UTC).")
    MediaLastModifiedOn: Series[str] = f.timestamp("When the asset was last changed (UTC).")
    MediaPublished: Series[str] = f.boolean("Whether a published version exists.")
    MediaPublishedOn: Series[str] = f.timestamp("When it was last published (UTC).")
    MediaPublishedURL: Series[str] = f.pattern(f.HTTP_URL, "URL of the published binary.", fmt="uri", expect=f.HTTP_EXPECT)
    MediaPreviewURL: Series[str] = f.pattern(f.HTTP_URL, "URL of a preview.", fmt="uri", expect=f.HTTP_EXPECT)
    ImageQuality: Series[str] = f.integer("Image quality, 1-100.", minimum=0)
    ImageWidth: Series[str] = f.integer("Width in pixels, filled by import.", minimum=0)
    ImageHeight: Series[str] = f.integer("Height in pixels, filled by import.", minimum=0)
    MediaChecksum: Series[str] = f.pattern(f.SHA256, "SHA-256 of the binary, filled by import.", token="lower",
                                         expect="64 hex digits (SHA-256)")
    MediaTitle: Series[str] = f.text("Title; mandatory for videos.")
    VideoSubtitle: Series[str] = f.text("Subtitle of a video.")
    VideoMinimumAge: Series[str] = f.integer("Minimum viewer age.", minimum=0)
    DocumentForceDownload: Series[str] = f.boolean("Whether a File asset is downloaded rather than shown.")
    Result: Series[str] = f.enum(RESULTS, "Import result of the row.")
    ResultTime: Series[str] = f.timestamp("When the row was imported (UTC).")
    ErrorCode: Series[str] = f.text("Error code of a failed row.")
    ResultDescription: Series[str] = f.text("What happened to the row.")
    MediaState: Series[str] = f.enum(STATES, "Store only: Published or Draft row.")
    CheckedOutBy: Series[str] = f.text("Store only: user holding the draft.")

    class Config:
        strict = False
        name = "assets"
        metadata = f.table("assets", KEY, "cms/media.tsv", rules=RULES)

    duplicate_key = f.rule_check("duplicate_key", RULES)
    display_name_unique = f.rule_check("display_name_unique", RULES)
    new_asset_needs_import_path = f.rule_check("new_asset_needs_import_path", RULES)
    image_needs_alt_text = f.rule_check("image_needs_alt_text", RULES)
    video_needs_title = f.rule_check("video_needs_title", RULES)
