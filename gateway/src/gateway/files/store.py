"""The content-addressed store: an upload streams to a temporary file (hashed and counted on
the way, refused as soon as it passes the tenant's limit), is checked by its content, sealed
when the tenant asks for it, then moved to `<tenant>/<sha256[:2]>/<sha256>` on the local disk
or put at `<tenant>/<sha256>` in an S3-compatible bucket. Anything refused or interrupted
leaves nothing: the temporary file is removed in every case."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import struct
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from casebridge_platform.sealing import ChunkSealer, identity_key

from gateway.files.policy import DOCX, XLSX, Policy
from gateway.files.sniff import HEAD, ZIP, Bomb, office_type, sniff
from gateway.settings import GatewaySettings

MAGIC = b"CBF1"                 # a sealed file: MAGIC, then (length, nonce + ciphertext)*
CHUNK = 64 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")
TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class FileRef:
    sha256: str
    size: int
    media_type: str
    name: str


class Refused(Exception):
    """A file the tenant does not take: status (413, 415, 422) and a message for the caller."""

    def __init__(self, status: int, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def checked_name(raw: str) -> str:
    """A plain file name: no path, no NUL or control characters, not empty."""
    name = raw.strip()
    if not name:
        raise Refused(422, "the file has no name")
    if len(name) > 255 or any(c in name for c in "/\\") or name in (".", "..") \
            or any(ord(c) < 32 or ord(c) == 127 for c in name) or name.startswith(".."):
        raise Refused(422, "the file name must be a plain name, not a path")
    return name


class Backend(Protocol):
    async def exists(self, key: str) -> bool: ...
    async def save(self, key: str, path: Path) -> None: ...
    def read(self, key: str) -> AsyncIterator[bytes]: ...
    async def delete(self, key: str) -> None: ...


class Local:
    """Files under a directory (var/files by default); a move within it is atomic."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        tenant, sha = key.split("/")
        return self.root / tenant / sha[:2] / sha

    async def exists(self, key: str) -> bool:
        return self.path(key).exists()

    async def save(self, key: str, path: Path) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)

    async def read(self, key: str) -> AsyncIterator[bytes]:
        with self.path(key).open("rb") as stream:
            while chunk := await asyncio.to_thread(stream.read, CHUNK):
                yield chunk

    async def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3:
    """An S3-compatible bucket (MinIO, Ceph, OSS, COS, AWS), through boto3 in threads."""

    def __init__(self, settings: GatewaySettings) -> None:
        import boto3  # only when S3 is configured
        from botocore.config import Config

        secret = settings.files_s3_secret_key
        self.bucket = settings.files_s3_bucket
        self.client: Any = boto3.client(
            "s3", endpoint_url=settings.files_s3_endpoint, region_name=settings.files_s3_region,
            aws_access_key_id=settings.files_s3_access_key,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))

    async def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError
        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    async def save(self, key: str, path: Path) -> None:
        await asyncio.to_thread(self.client.upload_file, str(path), self.bucket, key)

    async def read(self, key: str) -> AsyncIterator[bytes]:
        answer = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=key)
        body = answer["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK):
                yield chunk
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)


class Upload:
    """One file arriving: written to a temporary file, hashed and counted as it comes."""

    def __init__(self, directory: Path, policy: Policy, name: str) -> None:
        self.policy, self.name = policy, name
        fd, path = tempfile.mkstemp(dir=directory, prefix="upload-")
        self.path = Path(path)
        self.stream: IO[bytes] = os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.policy.max_bytes:
            raise Refused(413, f"the file is larger than {self.policy.max_bytes} bytes")
        if len(self.head) < HEAD:
            self.head += data[:HEAD - len(self.head)]
        self.digest.update(data)
        self.stream.write(data)

    def discard(self) -> None:
        self.stream.close()
        self.path.unlink(missing_ok=True)


class FileStore:
    def __init__(self, backend: Backend, temp: Path, master: bytes) -> None:
        self.backend, self.temp, self._master = backend, temp, master

    @classmethod
    def of(cls, settings: GatewaySettings) -> FileStore:
        root = settings.files_dir or settings.var_dir / "files"
        temp = root / ".incoming"
        temp.mkdir(parents=True, exist_ok=True)
        backend: Backend = S3(settings) if settings.files_store == "s3" else Local(root)
        configured = settings.files_key.get_secret_value() if settings.files_key else ""
        return cls(backend, temp, identity_key(configured, settings.var_dir, "files.key"))

    @staticmethod
    def key(tenant: str, sha256: str) -> str:
        if not TENANT.match(tenant) or not SHA256.match(sha256):
            raise ValueError("not a file key")
        return f"{tenant}/{sha256}"

    def begin(self, policy: Policy, raw_name: str) -> Upload:
        return Upload(self.temp, policy, checked_name(raw_name))

    async def finish(self, tenant: str, upload: Upload) -> tuple[FileRef, bool]:
        """Check the complete file, seal it if asked, store it; (its reference, whether it is
        new to the store). The temporary file is gone afterwards, stored or refused."""
        try:
            upload.stream.close()
            policy = upload.policy
            if upload.size == 0:
                raise Refused(422, "the file is empty")
            media_type = sniff(upload.head)
            if media_type == ZIP and (DOCX in policy.types or XLSX in policy.types):
                try:
                    media_type = await asyncio.to_thread(office_type, upload.path,
                                                         policy.max_expanded_bytes)
                except Bomb as exc:
                    raise Refused(422, f"the archive is refused: {exc}") from None
            if media_type not in policy.types:
                raise Refused(415, f"files of type {media_type} are not accepted here")
            ref = FileRef(upload.digest.hexdigest(), upload.size, media_type, upload.name)
            key = self.key(tenant, ref.sha256)
            if await self.backend.exists(key):
                return ref, False
            path = upload.path
            if policy.encrypt:
                path = await asyncio.to_thread(self._seal, tenant, ref.sha256, upload.path)
                upload.path.unlink(missing_ok=True)
            try:
                await self.backend.save(key, path)
            finally:
                path.unlink(missing_ok=True)
            return ref, True
        finally:
            upload.discard()

    def _seal(self, tenant: str, sha256: str, plain: Path) -> Path:
        sealer = ChunkSealer(self._master, tenant)
        sealed = plain.with_name(f"sealed-{secrets.token_hex(8)}")
        size = plain.stat().st_size
        with plain.open("rb") as source, sealed.open("wb") as out:
            out.write(MAGIC)
            index, done = 0, 0
            while chunk := source.read(CHUNK):
                done += len(chunk)
                box = sealer.seal(chunk, bound_to=f"{tenant}/{sha256}", index=index,
                                  last=done >= size)
                out.write(struct.pack(">I", len(box)) + box)
                index += 1
        return sealed

    async def open(self, tenant: str, sha256: str) -> AsyncIterator[bytes]:
        """The file's bytes as uploaded (opened when sealed)."""
        key = self.key(tenant, sha256)
        chunks = self.backend.read(key)
        head = b""
        async for chunk in chunks:
            head += chunk
            if len(head) >= len(MAGIC):
                break
        if not head.startswith(MAGIC):
            if head:
                yield head
            async for chunk in chunks:
                yield chunk
            return
        async for plain in self._opened(key, ChunkSealer(self._master, tenant),
                                        head[len(MAGIC):], chunks):
            yield plain

    @staticmethod
    async def _opened(key: str, sealer: ChunkSealer, buffer: bytes,
                      chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        index, pending = 0, None

        def boxes() -> Iterator[bytes]:
            nonlocal buffer
            while len(buffer) >= 4 and len(buffer) >= 4 + (n := int.from_bytes(buffer[:4])):
                box, buffer = buffer[4:4 + n], buffer[4 + n:]
                yield box

        async for chunk in chunks:
            buffer += chunk
            for box in boxes():
                if pending is not None:     # the last box is the one nothing follows
                    yield sealer.open(pending, bound_to=key, index=index, last=False)
                    index += 1
                pending = box
        for box in boxes():
            if pending is not None:
                yield sealer.open(pending, bound_to=key, index=index, last=False)
                index += 1
            pending = box
        if buffer:
            raise ValueError("the sealed file is cut short")
        if pending is not None:
            yield sealer.open(pending, bound_to=key, index=index, last=True)

    async def exists(self, tenant: str, sha256: str) -> bool:
        return await self.backend.exists(self.key(tenant, sha256))

    async def delete(self, tenant: str, sha256: str) -> None:
        await self.backend.delete(self.key(tenant, sha256))
