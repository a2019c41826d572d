"""Uploads: a multipart form streamed into the workspace, under a name the server chooses.

:func:`receive_form` reads a ``multipart/form-data`` request chunk by chunk (python-multipart's parser) and
writes the one file part straight into ``folder`` under a fresh random name with the extension of an allowed
type; the client's file name is kept only as text to display (escaped by the templates), never as a path. The
size limit is enforced by :class:`alliance_stats.app.security.Guard` while the body streams in; a part that is
not finished (client gone, limit reached) leaves no file behind.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_multipart.multipart import MultipartParser, parse_options_header

#: Extensions of the responses files the readers take (``alliance_stats.data.readers``).
DATA_TYPES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav", ".zsav", ".dta")
#: Extensions of a plan file.
PLAN_TYPES: tuple[str, ...] = (".yaml", ".yml")

MAX_FIELD = 64 * 1024  # a text field of the form (the CSRF token, a choice) is short


class FormError(Exception):
    """The request is not a readable multipart form (``key`` names the catalogue message)."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass
class Received:
    """What :func:`receive_form` read: the text fields and the file stored (if any)."""

    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    display_name: str | None = None
    extension: str | None = None
    size: int = 0

    def discard(self) -> None:
        """Remove the stored file (the form was refused after it was read)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def client_extension(filename: str, allowed: tuple[str, ...]) -> str | None:
    """The lower-case extension of a client's file name if it is one of ``allowed``, else ``None``.

    Examples
    --------
    >>> client_extension("Réponses Kobo.CSV", DATA_TYPES), client_extension("../../etc/passwd", DATA_TYPES)
    ('.csv', None)
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    ext = os.path.splitext(name)[1].lower()
    return ext if ext in allowed else None


class _Parts:
    """Callbacks of the multipart parser: fields in memory, the file part written to disk as it arrives."""

    def __init__(self, folder: Path, file_field: str, allowed: tuple[str, ...], prefix: str) -> None:
        self.folder, self.file_field, self.allowed, self.prefix = folder, file_field, allowed, prefix
        self.result = Received()
        self.header_name = b""
        self.header_value = b""
        self.disposition = b""
        self.name: str | None = None
        self.buffer: bytearray | None = None
        self.handle: Any = None
        self.partial: Path | None = None

    def on_part_begin(self) -> None:
        self.disposition, self.name, self.buffer, self.handle = b"", None, None, None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            self.buffer = bytearray()
            return
        if self.name != self.file_field or self.result.path is not None or self.handle is not None:
            return  # another file field, or a second file: ignored (not stored)
        filename = options[b"filename"].decode("utf-8", "replace")
        if not filename:
            return  # the browser sends an empty part when no file was chosen
        ext = client_extension(filename, self.allowed)
        if ext is None:
            raise FormError("app.err.type", ext=os.path.splitext(filename)[1] or "?",
                            allowed=", ".join(self.allowed))
        self.result.display_name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
        self.result.extension = ext
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = f"{self.prefix}-{secrets.token_hex(8)}"
        self.partial = self.folder / f".{stem}{ext}.part"
        self.handle = open(self.partial, "xb")  # noqa: SIM115 - closed in on_part_end or by close()
        self.result.path = self.folder / f"{stem}{ext}"

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.handle is not None:
            self.handle.write(data[start:end])
            self.result.size += end - start
        elif self.buffer is not None:
            if len(self.buffer) + end - start > MAX_FIELD:
                raise FormError("app.err.bad_form")
            self.buffer.extend(data[start:end])

    def on_part_end(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
            assert self.partial is not None and self.result.path is not None
            os.replace(self.partial, self.result.path)  # complete, under its final name
            self.partial = None
        elif self.buffer is not None and self.name:
            self.result.fields[self.name] = self.buffer.decode("utf-8", "replace")
        self.buffer = None

    def close(self) -> None:
        """After an error: close and remove the unfinished file and a file already stored."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        if self.partial is not None:
            self.partial.unlink(missing_ok=True)
        self.result.discard()


async def receive_form(request: Any, folder: Path, file_field: str, allowed: tuple[str, ...],
                       prefix: str) -> Received:
    """Read a multipart form, storing its file part under ``folder`` with a server-chosen name.

    Parameters
    ----------
    request
        The Starlette request (its body is streamed, never held whole in memory).
    folder
        Where the file goes (created when missing).
    file_field
        The form field holding the file.
    allowed
        Extensions accepted (lower case, with the dot); another type raises :class:`FormError` ``app.err.type``.
    prefix
        Start of the server-chosen name (``data``, ``plan``).

    Returns
    -------
    Received
        The text fields, and the stored file's path, display name, extension and size (``path`` is ``None``
        when no file was sent).

    Raises
    ------
    FormError
        Not a multipart form, a wrong file type, an overlong text field.

    Examples
    --------
    >>> import asyncio, tempfile
    >>> class Request:
    ...     headers = {"content-type": "multipart/form-data; boundary=b"}
    ...     async def stream(self):
    ...         yield (b'--b\\r\\nContent-Disposition: form-data; name="csrf"\\r\\n\\r\\nxyz\\r\\n'
    ...                b'--b\\r\\nContent-Disposition: form-data; name="file"; filename="../r.csv"\\r\\n\\r\\n'
    ...                b'a,b\\n1,2\\n\\r\\n--b--\\r\\n')
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     got = asyncio.run(receive_form(Request(), Path(folder), "file", DATA_TYPES, "data"))
    ...     got.fields, got.display_name, got.path.read_bytes(), got.path.parent == Path(folder)
    ({'csrf': 'xyz'}, 'r.csv', b'a,b\\n1,2\\n', True)
    """
    content_type = request.headers.get("content-type", "")
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise FormError("app.err.bad_form")
    parts = _Parts(folder, file_field, allowed, prefix)
    callbacks = {name: getattr(parts, name) for name in (
        "on_part_begin", "on_part_data", "on_part_end", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished")}
    try:
        parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except FormError:
        parts.close()
        raise
    except BaseException as exc:
        parts.close()
        from python_multipart.exceptions import FormParserError

        if isinstance(exc, FormParserError):
            raise FormError("app.err.bad_form") from None
        raise
    if parts.handle is not None:  # the body ended inside the file part
        parts.close()
        raise FormError("app.err.bad_form")
    return parts.result
