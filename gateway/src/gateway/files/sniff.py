"""A file's type from its first bytes and, for a zip, from its entries; never from its name.
Office documents are zips: each is opened and unpacked with a cap (zip bombs)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gateway.files.policy import (
    AMR,
    DOCX,
    HEIC,
    JPEG,
    M4A,
    MP3,
    MP4,
    PDF,
    PNG,
    WAV,
    WEBP,
    XLSX,
)

ZIP = "application/zip"
HEAD = 64
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")


PREFIXES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF),
            (b"#!AMR", AMR), (b"ID3", MP3), (b"PK\x03\x04", ZIP),
            (b"\x7fELF", "application/x-executable"), (b"MZ", "application/x-msdownload"))
RIFF = {b"WEBP": WEBP, b"WAVE": WAV}


def sniff(head: bytes) -> str:
    for prefix, media_type in PREFIXES:
        if head.startswith(prefix):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] in RIFF:
        return RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIF_BRANDS:
            return HEIC
        return M4A if brand in (b"M4A ", b"M4B ") else MP4
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:   # an MPEG audio frame
        return MP3
    return "application/octet-stream"


class Bomb(Exception):
    """An archive that unpacks to more than allowed, or is not a readable zip."""


def office_type(path: Path, max_expanded: int, max_entries: int = 2000) -> str:
    """docx, xlsx or a plain zip; unpacks every entry (reading, not writing) with a cap on
    the total, so neither lying headers nor nested ratios get past it."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise Bomb(f"more than {max_entries} entries")
            total = 0
            for entry in entries:
                if entry.file_size > max_expanded:
                    raise Bomb("an entry unpacks beyond the limit")
                with archive.open(entry) as stream:
                    while chunk := stream.read(1024 * 1024):
                        total += len(chunk)
                        if total > max_expanded:
                            raise Bomb("the archive unpacks beyond the limit")
            names = {e.filename for e in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, RuntimeError) as exc:
        raise Bomb("not a readable archive") from exc
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
    return ZIP
