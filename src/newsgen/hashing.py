"""The digest every fingerprint in newsgen is made of: of several strings, in order.

Its own module, with nothing to import, because the cheapest build, the one that finds
nothing changed, digests its inputs before it knows whether it will read any article.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def digest(*parts: str) -> str:
    """A digest of ``parts``, each ended by a NUL. One join and one update: a build digests the
    hashes of every source this way, 100,000 parts in a big archive."""
    return hashlib.blake2b(_ended(parts), digest_size=16).hexdigest()


def bytes_digest(data: bytes) -> str:
    """A digest of ``data`` (a page, a packed body), of the same size as :func:`digest`'s."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest_all(parts: Iterable[str], batch: int = 1000) -> str:
    """:func:`digest` of ``parts`` (the same value), taken a thousand at a time: digesting 100,000
    texts of a few hundred characters at once held them, their join and its bytes together
    (512 MB under ``tracemalloc`` at the peak of a build's planning, 100,000 articles)."""
    made = hashlib.blake2b(digest_size=16)
    pending: list[str] = []
    for part in parts:
        pending.append(part)
        if len(pending) >= batch:
            made.update(_ended(pending))
            pending.clear()
    made.update(_ended(pending))
    return made.hexdigest()


def _ended(parts: Sequence[str]) -> bytes:
    """The bytes a digest is taken of: each part ended by a NUL."""
    return ("\x00".join(parts) + "\x00").encode("utf-8", "surrogatepass") if parts else b""
