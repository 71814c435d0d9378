"""The file store without the platform: sealed files of several chunks open to the same
bytes, cut or tampered sealed files do not open, names and types are judged as the gateway
judges them, and a refused file leaves no temporary file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from gateway.files.policy import DOCX, Policy
from gateway.files.sniff import office_type, sniff
from gateway.files.store import CHUNK, FileStore, Local, Refused, checked_name

MASTER = bytes(range(32))


def a_store(tmp_path: Path) -> FileStore:
    temp = tmp_path / ".incoming"
    temp.mkdir()
    return FileStore(Local(tmp_path), temp, MASTER)


async def put(store: FileStore, policy: Policy, name: str, data: bytes) -> tuple[str, bool]:
    upload = store.begin(policy, name)
    for i in range(0, len(data), 10_000):
        upload.write(data[i:i + 10_000])
    ref, created = await store.finish("demo-hospital", upload)
    return ref.sha256, created


async def read(store: FileStore, sha: str) -> bytes:
    return b"".join([c async for c in store.open("demo-hospital", sha)])


@pytest.mark.parametrize("size", [1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
async def test_sealed_files_of_any_length_open_to_their_bytes(tmp_path: Path,
                                                              size: int) -> None:
    store = a_store(tmp_path)
    data = (b"%PDF-1.7\n" + os.urandom(size))[:max(size, 5)]
    sha, created = await put(store, Policy(encrypt=True), "scan.pdf", data)
    assert created and sha == hashlib.sha256(data).hexdigest()
    held = store.backend.path(f"demo-hospital/{sha}").read_bytes()  # type: ignore[attr-defined]
    assert held.startswith(b"CBF1") and data[:64] not in held
    assert await read(store, sha) == data
    assert os.listdir(store.temp) == []
    # the same content again is not stored twice
    assert (await put(store, Policy(encrypt=True), "again.pdf", data))[1] is False


async def test_a_cut_or_altered_sealed_file_does_not_open(tmp_path: Path) -> None:
    store = a_store(tmp_path)
    data = b"%PDF-1.7\n" + os.urandom(2 * CHUNK + 5)
    sha, _ = await put(store, Policy(encrypt=True), "scan.pdf", data)
    path = store.backend.path(f"demo-hospital/{sha}")  # type: ignore[attr-defined]
    sealed = path.read_bytes()
    box = 4 + 12 + CHUNK + 16
    path.write_bytes(sealed[:4 + 2 * box])            # the last chunk cut off
    with pytest.raises(ValueError, match="does not open"):
        await read(store, sha)
    path.write_bytes(sealed[:100] + bytes([sealed[100] ^ 1]) + sealed[101:])
    with pytest.raises(ValueError):
        await read(store, sha)


async def test_refused_files_leave_no_temporary_file(tmp_path: Path) -> None:
    store = a_store(tmp_path)
    upload = store.begin(Policy(max_bytes=100), "big.jpg")
    with pytest.raises(Refused) as refused:
        upload.write(b"\xff\xd8\xff" + bytes(200))
    upload.discard()
    assert refused.value.status == 413
    for data, status in ((b"", 422), (b"\x7fELF" + bytes(10), 415), (b"MZ" + bytes(10), 415)):
        with pytest.raises(Refused) as refused:
            await put(store, Policy(), "x.jpg", data)
        assert refused.value.status == status
    assert os.listdir(store.temp) == []


@pytest.mark.parametrize("name", ["../x.jpg", "a/b.jpg", "/etc/passwd", "a\\b", "x\x00.jpg",
                                  "..", "", "  ", "a" * 256, "tab\there"])
def test_names_that_are_paths_or_odd_are_refused(name: str) -> None:
    with pytest.raises(Refused):
        checked_name(name)


def test_types_come_from_the_content() -> None:
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"\x00\x00\x00\x18ftypheic") == "image/heic"
    assert sniff(b"\x00\x00\x00\x20ftypM4A ") == "audio/mp4"
    assert sniff(b"\x00\x00\x00\x20ftypisom") == "video/mp4"
    assert sniff(b"#!AMR\n") == "audio/amr"
    assert sniff(b"ID3\x04") == "audio/mpeg"
    assert sniff(b"<html>") == "application/octet-stream"


def test_an_office_document_is_told_from_a_zip(tmp_path: Path) -> None:
    import zipfile
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert office_type(path, 1024 * 1024) == DOCX


def test_a_seed_entry_sets_the_policy() -> None:
    policy = Policy.of({"files": {"max_mb": 5, "types": ["jpeg", "pdf"], "encrypt": True}})
    assert policy.max_bytes == 5 * 1024 * 1024 and policy.encrypt
    assert policy.types == {"image/jpeg", "application/pdf"}
    assert Policy.of(None) == Policy()
