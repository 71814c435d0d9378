"""A multipart/form-data request read as it arrives: text fields kept (small), each file part
written straight to the store's temporary file, never whole in memory. On any refusal, a
malformed or cut-off body, or a client that goes away, every temporary file is removed and
every file this request added to the store is deleted again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from gateway.files.policy import Policy
from gateway.files.store import FileRef, FileStore, Refused, Upload

MAX_FIELD = 16 * 1024
Check = Callable[[dict[str, str]], Awaitable[None]]
MAX_FIELDS = 20


@dataclass
class Received:
    tenant: str
    store: FileStore
    fields: dict[str, str] = field(default_factory=dict)
    files: list[FileRef] = field(default_factory=list)
    created: list[str] = field(default_factory=list)     # sha256 new to the store

    async def undo(self) -> None:
        """Delete what this request added (a later refusal: the case did not take it)."""
        for sha in self.created:
            await self.store.delete(self.tenant, sha)
        self.created.clear()


class _Parts:
    def __init__(self, store: FileStore, policy: Policy, max_files: int) -> None:
        self.store, self.policy, self.max_files = store, policy, max_files
        self.fields: dict[str, str] = {}
        self.uploads: list[Upload] = []
        self.header_name = self.header_value = b""
        self.disposition = b""
        self.name = ""
        self.text: bytearray | None = None
        self.upload: Upload | None = None
        self.skip = False
        self.ended = False

    def on_part_begin(self) -> None:
        self.disposition, self.text, self.upload, self.skip = b"", None, None, False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = self.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            if len(self.fields) >= MAX_FIELDS:
                raise Refused(422, "too many form fields", "form")
            self.text = bytearray()
            return
        filename = options[b"filename"].decode("utf-8", "replace")
        if filename == "":
            self.skip = True          # a file input left empty; data here is refused below
            return
        if len(self.uploads) >= self.max_files:
            raise Refused(422, f"this case may take at most {self.max_files} more files")
        self.upload = self.store.begin(self.policy, filename)
        self.uploads.append(self.upload)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.upload is not None:
            self.upload.write(chunk)
        elif self.skip:
            if chunk:
                raise Refused(422, "the file has no name")
        elif self.text is not None:
            self.text += chunk
            if len(self.text) > MAX_FIELD:
                raise Refused(422, f"the field {self.name} is too long", self.name)

    def on_part_end(self) -> None:
        if self.text is not None:
            self.fields[self.name] = self.text.decode("utf-8", "replace")

    def on_end(self) -> None:
        self.ended = True


async def _read(request: Request, parser: MultipartParser, parts: _Parts) -> None:
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except ClientDisconnect:
        raise Refused(400, "the upload was interrupted", "form") from None
    except Refused:
        raise
    except Exception as exc:                          # the parser's errors
        raise Refused(400, "the form data is malformed", "form") from exc
    if not parts.ended:
        raise Refused(400, "the upload was interrupted", "form")


async def receive(request: Request, store: FileStore, tenant: str, policy: Policy, *,
                  max_files: int, require: bool = True,
                  before_storing: Check | None = None) -> Received:
    """Read the form; check and store its files (after `before_storing`, e.g. the CSRF token,
    has seen the text fields)."""
    media, params = parse_options_header(request.headers.get("content-type", ""))
    if media != b"multipart/form-data" or b"boundary" not in params:
        raise Refused(415, "send the files as multipart/form-data", "form")
    parts = _Parts(store, policy, max(max_files, 0))
    received = Received(tenant, store)
    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": parts.on_part_begin, "on_part_data": parts.on_part_data,
        "on_part_end": parts.on_part_end, "on_header_field": parts.on_header_field,
        "on_header_value": parts.on_header_value, "on_header_end": parts.on_header_end,
        "on_headers_finished": parts.on_headers_finished, "on_end": parts.on_end})
    try:
        await _read(request, parser, parts)
        if require and not parts.uploads:
            raise Refused(422, "no file was sent")
        received.fields = parts.fields
        if before_storing is not None:
            await before_storing(parts.fields)
        for upload in parts.uploads:
            ref, created = await store.finish(tenant, upload)
            received.files.append(ref)
            if created:
                received.created.append(ref.sha256)
    except BaseException:
        for upload in parts.uploads:
            upload.discard()
        await received.undo()
        raise
    return received
