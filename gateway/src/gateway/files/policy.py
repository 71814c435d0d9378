"""What a tenant accepts: size, files per case, types, and whether files are sealed at rest.
From the tenant's `files` entry in the seed; anything it leaves out has the default below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MiB = 1024 * 1024
JPEG, PNG, WEBP, HEIC = "image/jpeg", "image/png", "image/webp", "image/heic"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MP3, M4A, AMR, WAV, MP4 = "audio/mpeg", "audio/mp4", "audio/amr", "audio/wav", "video/mp4"
# what a complainant or a clerk usually has: photos, scans, office documents, recordings
DEFAULT_TYPES = frozenset({JPEG, PNG, WEBP, HEIC, PDF, DOCX, XLSX, MP3, M4A, AMR, WAV, MP4})
# short names a seed may use
ALIASES = {"jpeg": JPEG, "png": PNG, "webp": WEBP, "heic": HEIC, "pdf": PDF, "docx": DOCX,
           "xlsx": XLSX, "mp3": MP3, "m4a": M4A, "amr": AMR, "wav": WAV, "mp4": MP4}


@dataclass(frozen=True)
class Policy:
    max_bytes: int = 20 * MiB
    max_files_per_case: int = 20
    types: frozenset[str] = DEFAULT_TYPES
    encrypt: bool = False
    max_expanded_bytes: int = 50 * MiB      # an office document unpacked (zip bombs)

    @classmethod
    def of(cls, tenant: dict[str, Any] | None) -> Policy:
        entry: dict[str, Any] = (tenant or {}).get("files") or {}
        default = cls()
        types = entry.get("types")
        return cls(
            max_bytes=int(entry.get("max_mb", default.max_bytes / MiB) * MiB),
            max_files_per_case=int(entry.get("max_files_per_case",
                                             default.max_files_per_case)),
            types=frozenset(ALIASES.get(t, t) for t in types) if types else default.types,
            encrypt=bool(entry.get("encrypt", False)),
            max_expanded_bytes=int(entry.get("max_expanded_mb",
                                             default.max_expanded_bytes / MiB) * MiB))
