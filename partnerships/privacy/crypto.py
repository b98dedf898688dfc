"""Exports at rest: encrypted, in chunks, so a school's export of many files is never held in
memory whole.

The key is ``settings.PRIVACY_EXPORT_KEY`` where one is set (a Fernet key), or else derived
from ``SECRET_KEY`` with HKDF and a salt for this purpose only: the same secret signs
sessions, and a key derived for one use tells nothing about the other. Rotating
``SECRET_KEY`` makes exports already built unreadable; they are rebuilt on asking again, and
expire within a week anyway.

The stored file is a series of chunks, each a 4-byte length and a Fernet token (AES with an
HMAC). Inside each token, before the bytes, are the file's random id, the chunk's place in
the file and whether it is the last: Fernet authenticates them with the bytes, so a chunk
changed, moved, taken from another file, or a file cut anywhere (at a chunk's edge too) fails
to read rather than giving wrong or missing bytes. A file that can seek (a stored one) is
checked for being whole before its first byte is given: its chunks walked by their lengths,
its last one read to find it says it is the last and how many came before it.
"""

import base64
import functools
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

CHUNK = 1024 * 1024
SALT = b"mahi-tahi privacy exports"
_LENGTH = struct.Struct(">I")
# In each chunk, before its bytes: the file's id, the chunk's index, and "this is the last".
_PLACE = struct.Struct(">16sQ?")


class ExportUnreadableError(Exception):
    """The stored export cannot be decrypted (a changed key, a damaged file)."""


def _key_material() -> tuple[str, str]:
    return getattr(settings, "PRIVACY_EXPORT_KEY", "") or "", settings.SECRET_KEY


@functools.cache
def _fernet(configured: str, secret: str) -> Fernet:
    if configured:
        return Fernet(configured)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=b"export").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def fernet() -> Fernet:
    return _fernet(*_key_material())


def encrypt_stream(source: BinaryIO, target: BinaryIO) -> int:
    """Encrypt ``source`` into ``target``, a chunk at a time; the bytes written. An empty
    source is still one chunk, the last, so that an empty file is told from a cut one."""
    box, file_id, index, written = fernet(), os.urandom(16), 0, 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if chunk else b""
        last = not following
        token = box.encrypt(_PLACE.pack(file_id, index, last) + chunk)
        target.write(_LENGTH.pack(len(token)))
        target.write(token)
        written += _LENGTH.size + len(token)
        if last:
            return written
        chunk, index = following, index + 1


def _tokens(source: BinaryIO) -> Iterator[bytes]:
    while header := source.read(_LENGTH.size):
        if len(header) != _LENGTH.size:
            raise ExportUnreadableError("truncated")
        (length,) = _LENGTH.unpack(header)
        token = source.read(length)
        if len(token) != length:
            raise ExportUnreadableError("truncated")
        yield token


def _opened(box: Fernet, token: bytes) -> tuple[bytes, int, bool, bytes]:
    """A chunk's file id, index, whether it is the last, and its bytes."""
    try:
        plain = box.decrypt(token)
    except InvalidToken as error:
        raise ExportUnreadableError("cannot decrypt") from error
    if len(plain) < _PLACE.size:
        raise ExportUnreadableError("not a chunk of an export")
    file_id, index, last = _PLACE.unpack_from(plain)
    return file_id, index, last, plain[_PLACE.size :]


def _whole(box: Fernet, source: BinaryIO) -> bytes | None:
    """For a file that can seek: its chunks walked by their lengths without reading them,
    then its last chunk read: it must say it is the last, and how many came before it. The
    file's id, and the file back at its start. ``None`` for a stream that cannot seek."""
    try:
        if not source.seekable():
            return None
    except (AttributeError, ValueError):
        return None
    size = source.seek(0, os.SEEK_END)
    source.seek(0)
    count, position, last_at = 0, 0, None
    while position < size:
        header = source.read(_LENGTH.size)
        if len(header) != _LENGTH.size:
            raise ExportUnreadableError("truncated")
        (length,) = _LENGTH.unpack(header)
        last_at, position = (position + _LENGTH.size, length), position + _LENGTH.size + length
        if position > size:
            raise ExportUnreadableError("truncated")
        source.seek(position)
        count += 1
    if last_at is None:
        raise ExportUnreadableError("empty")
    source.seek(last_at[0])
    file_id, index, last, _ = _opened(box, source.read(last_at[1]))
    if not last or index != count - 1:
        raise ExportUnreadableError("cut short")
    source.seek(0)
    return file_id


def decrypt_chunks(source: BinaryIO) -> Iterator[bytes]:
    """The plain bytes of an encrypted file, a chunk at a time, each checked to be the next of
    the same file. Raises ``ExportUnreadableError`` at once for a file found not whole (a
    stored one: ``_whole``), and at the first chunk out of place for any other."""
    box = fernet()
    return _chunks(box, source, _whole(box, source))


def _chunks(box: Fernet, source: BinaryIO, file_id: bytes | None) -> Iterator[bytes]:
    expected, ended = 0, False
    for token in _tokens(source):
        if ended:
            raise ExportUnreadableError("more after the last chunk")
        chunk_file, index, last, chunk = _opened(box, token)
        if file_id is None:
            file_id = chunk_file
        if chunk_file != file_id or index != expected:
            raise ExportUnreadableError("a chunk out of place")
        expected, ended = expected + 1, last
        yield chunk
    if not ended:
        raise ExportUnreadableError("cut short")
