"""Exports at rest: encrypted, in chunks, so a school's export of many files is never held in
memory whole.

The key is ``settings.PRIVACY_EXPORT_KEY`` where one is set (a Fernet key), or else derived
from ``SECRET_KEY`` with HKDF and a salt for this purpose only: the same secret signs
sessions, and a key derived for one use tells nothing about the other. Rotating
``SECRET_KEY`` makes exports already built unreadable; they are rebuilt on asking again, and
expire within a week anyway.

The stored file is a series of chunks, each a 4-byte length and a Fernet token (AES with an
HMAC): a chunk changed, cut or out of place fails to decrypt rather than giving wrong bytes.
"""

import base64
import functools
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
    """Encrypt ``source`` into ``target``, a chunk at a time; the bytes written."""
    box, written = fernet(), 0
    while chunk := source.read(CHUNK):
        token = box.encrypt(chunk)
        target.write(_LENGTH.pack(len(token)))
        target.write(token)
        written += _LENGTH.size + len(token)
    return written


def decrypt_chunks(source: BinaryIO) -> Iterator[bytes]:
    """The plain bytes of an encrypted file, a chunk at a time."""
    box = fernet()
    while header := source.read(_LENGTH.size):
        if len(header) != _LENGTH.size:
            raise ExportUnreadableError("truncated")
        (length,) = _LENGTH.unpack(header)
        token = source.read(length)
        if len(token) != length:
            raise ExportUnreadableError("truncated")
        try:
            yield box.decrypt(token)
        except InvalidToken as error:
            raise ExportUnreadableError("cannot decrypt") from error
