"""The replay components under the paths a reparse's settings name (`crawler.reparse.ArchiveReplayMiddleware`
& co., see crawler/archive/replay.py `reparse_settings`); the code is in crawler/archive/replay.py."""

# re-exported for those setting paths only
from crawler.archive.replay import (
    ArchiveMissFilter,
    ArchiveReplayMiddleware,
    OfflineDownloadHandler,
    ReplayStartFilter,
)

__all__ = ["ArchiveMissFilter", "ArchiveReplayMiddleware", "OfflineDownloadHandler", "ReplayStartFilter"]
