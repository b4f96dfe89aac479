"""Pickles kept between builds, sealed with a key that lives outside the site.

The build state (``.newsgen/state.db``) and the delta builds' skeleton keep parsed
articles, rendered bodies and the page plan as pickles: the fastest way back from disk.
But unpickling runs whatever code the bytes name, and ``.newsgen/`` can cross a trust
boundary: a CI cache shared between branches or forks, a site folder copied from
someone else. So every pickle newsgen writes starts with a keyed BLAKE2b digest of its
bytes (a MAC), and a blob whose digest does not match is never unpickled: to the
caller it is a cache miss, and the build reads the sources again.

The key is ``NEWSGEN_STATE_KEY`` when set (a secret a CI system can hand every job that
shares a cache), otherwise 32 random bytes made once per user in
``$XDG_STATE_HOME/newsgen/state-key`` (``~/.local/state/newsgen/state-key``), readable
by that user alone. A state written under another key (another user, another machine,
a planted file) is simply not reused. Where no key file can be kept, each process
makes its own: builds stay correct, only nothing cached is trusted from one to the next.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import zlib
from pathlib import Path
from typing import Any

KEY_VARIABLE = "NEWSGEN_STATE_KEY"
MAC_SIZE = 32


class Unsealed(ValueError):
    """The blob was not sealed with this user's key (or is damaged): it is not unpickled."""


COMPRESSED = b"Z"  # first byte of a compressed pickle; a pickle itself starts with b"\x80"


def dumps(value: Any, compress: bool = False) -> bytes:
    """``value`` pickled, with its seal in front; ``compress``: the pickle zlib-compressed.

    The build state's articles and rendered bodies are compressed: they are most of its
    size, and text of news compresses to a third (1.1 GB to 0.4 GB at 100,000 articles)
    for a fraction of the time their rendering took. The skeleton is not: a delta build
    reads all of it, and would pay for the decompression on every edit."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    if compress:
        data = COMPRESSED + zlib.compress(data, 1)
    return seal(data)


def loads(blob: bytes) -> Any:
    """The value sealed in ``blob``; raises :class:`Unsealed` unless its seal is this key's."""
    data = unseal(blob)
    if data[:1] == COMPRESSED:
        data = zlib.decompress(data[1:])
    return pickle.loads(data)


def seal(data: bytes) -> bytes:
    """``data`` with its seal in front: for bytes that are not a pickle but are parsed by a
    reader that trusts its input (``marshal``, see ``scan.Known``)."""
    return _mac(data) + data


def unseal(blob: bytes) -> bytes:
    """The bytes sealed in ``blob``; raises :class:`Unsealed` unless its seal is this key's."""
    seal_, data = blob[:MAC_SIZE], blob[MAC_SIZE:]
    if len(seal_) != MAC_SIZE or not hmac.compare_digest(seal_, _mac(data)):
        raise Unsealed("not sealed with this user's state key")
    return data


def ready() -> None:
    """Settle the key in this process now, before it forks workers: where no key file can be
    kept, each process would otherwise make its own, and a worker's seals would not be the
    parent's."""
    _key()


def _mac(data: bytes) -> bytes:
    return hashlib.blake2b(data, key=_key(), digest_size=MAC_SIZE).digest()


@functools.cache
def _key() -> bytes:
    """The sealing key: from the environment, the user's key file, or (failing both) this process."""
    given = os.environ.get(KEY_VARIABLE)
    if given:
        return hashlib.blake2b(given.encode("utf-8", "surrogateescape"), digest_size=32).digest()
    home = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    path = Path(home) / "newsgen" / "state-key"
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".state-key.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as file:
            file.write(os.urandom(32))
        try:
            os.link(temporary, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        return _read_key(path)
    except OSError:  # no home to keep it in: nothing cached is trusted across builds
        return os.urandom(32)


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) < 16:
        raise OSError(f"{path} is too short to be a key")
    return key[:64]
