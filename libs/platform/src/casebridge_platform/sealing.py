"""Sealing a reporter's identity (举报人身份) at rest: AES-256-GCM, bound to its case; and
a tenant's evidence files (ChunkSealer), when the tenant asks for it.

Whoever holds the database, a backup or the JetStream files sees ciphertext; only a service
given the identity key can open it, and the case service opens it only for a person allowed
to see it, who must say why (an entry on the case's append-only timeline).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"


class Sealer:
    """Seals and opens small JSON documents; the case id is authenticated with each one, so a
    sealed identity copied onto another case does not open."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the identity key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, document: dict[str, Any], *, bound_to: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, json.dumps(document, ensure_ascii=False).encode(),
                                    bound_to.encode())
        return f"{VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, token: str, *, bound_to: str) -> dict[str, Any]:
        version, _, body = token.partition(".")
        if version != VERSION:
            raise ValueError(f"unknown sealing version {version!r}")
        raw = base64.urlsafe_b64decode(body)
        try:
            document: dict[str, Any] = json.loads(
                self._aead.decrypt(raw[:12], raw[12:], bound_to.encode()))
            return document
        except InvalidTag as exc:
            raise ValueError("the sealed identity does not open with this key and case") from exc


class ChunkSealer:
    """Seals files chunk by chunk with the same AES-256-GCM, under a key derived for one
    tenant; each chunk is bound to the file, its index and whether it is the last, so chunks
    cannot be reordered, swapped between files or cut off."""

    def __init__(self, master: bytes, tenant: str) -> None:
        if len(master) != 32:
            raise ValueError("the file key must be 32 bytes")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"casebridge files " + tenant.encode()).derive(master)
        self._aead = AESGCM(key)

    def seal(self, chunk: bytes, *, bound_to: str, index: int, last: bool) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, chunk, f"{bound_to}/{index}/{last}".encode())

    def open(self, sealed: bytes, *, bound_to: str, index: int, last: bool) -> bytes:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:],
                                      f"{bound_to}/{index}/{last}".encode())
        except InvalidTag as exc:
            raise ValueError("the sealed file does not open with this key") from exc


def identity_key(configured: str, var_dir: Path, name: str = "identity.key") -> bytes:
    """CASEBRIDGE_IDENTITY_KEY (base64url of 32 bytes) in production; on a developer machine a
    key made once under var/secrets, created atomically so services starting together agree."""
    if configured:
        key = base64.urlsafe_b64decode(configured + "=" * (-len(configured) % 4))
        if len(key) != 32:
            raise RuntimeError("CASEBRIDGE_IDENTITY_KEY must be 32 bytes, base64url-encoded")
        return key
    path = var_dir / "secrets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():   # written whole under another name, then linked: never seen empty
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "w") as out:   # mkstemp's file is the owner's alone (0600)
                out.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
            with contextlib.suppress(FileExistsError):   # another process linked its key first
                os.link(draft, path)
        finally:
            os.unlink(draft)
    text = path.read_text().strip()
    if not text:
        raise RuntimeError(f"{path} is empty")
    return base64.urlsafe_b64decode(text)
