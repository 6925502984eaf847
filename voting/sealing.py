"""Sealing a ballot while its poll is open, so the database alone cannot tell what it holds.

A cast writes the voter's eligibility mark and the sealed ballot in one transaction: a
database reader may see whose seal a row is (same transaction id, neighbouring rows), so the
seal must hide everything that could be found again later: the content, the ballot's id,
tracker and voter key. Closing opens every seal and stores the ballots anew, in a random
order, in a transaction of its own (services.poll_close).

AES-256-GCM (``cryptography``) under a key per poll derived from SECRET_KEY, which is not in
the database. Every seal of a poll has the same length, whatever the ballot says. The keys
in SECRET_KEY_FALLBACKS still open seals made before a key change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12


class SealError(Exception):
    """A seal that no current or fallback key opens."""


def _keys(poll_id: int) -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    message = f"voting.seal:{poll_id}".encode()
    return [hmac.new(str(s).encode(), message, hashlib.sha256).digest() for s in secrets]


def block_size(option_count: int) -> int:
    """The length every sealed ballot of a poll is padded to: room for the longest ballot
    its options allow (a yes/no answer per option is the longest, under 32 bytes each)."""
    return 512 + 32 * option_count


def seal(*, poll_id: int, lookup: str, data: dict[str, Any], block: int) -> bytes:
    """``data`` as JSON, padded to a multiple of ``block`` and sealed; bound to its row's
    ``lookup`` so a seal cannot be moved to another voter's row."""
    text = json.dumps(data, separators=(",", ":")).encode()
    padded = text + b" " * (-len(text) % block)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_keys(poll_id)[0]).encrypt(nonce, padded, lookup.encode())


def unseal(*, poll_id: int, lookup: str, sealed: bytes) -> dict[str, Any]:
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    for key in _keys(poll_id):
        try:
            data: dict[str, Any] = json.loads(AESGCM(key).decrypt(nonce, body, lookup.encode()))
        except InvalidTag:
            continue
        return data
    raise SealError(lookup)
