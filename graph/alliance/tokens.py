"""Bearer tokens for writes: who may change which graphs.

A token is ``ag_<id>_<secret>`` (256 random bits). Only its SHA-256 is kept, in
``DATA/tokens.json`` (mode 0600): a stolen file grants nothing, and with that much
entropy a slow hash adds nothing. A *member* token writes only that member's graphs
(``{base}graph/{member}/…``); an *admin* token writes any graph. The file is re-read
when it changes, so tokens made or revoked while the server runs take effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

TOKENS_FILE = "tokens.json"
PREFIX = "ag_"


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class Grant:
    """What a token allows: an ``admin``, or the member with ``member`` (upper-case code)."""

    id: str
    member: str | None
    admin: bool
    label: str = ""
    created: str = ""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def mint(*, member: str | None = None, admin: bool = False, label: str = "") -> tuple[Grant, str, str]:
    """A new token: its grant, the secret (shown once, never stored) and the digest to keep."""
    if admin == (member is not None):
        raise TokenError("a token is either for one member (--member CODE) or for an admin (--admin)")
    ident = secrets.token_hex(4)
    token = f"{PREFIX}{ident}_{secrets.token_urlsafe(32)}"
    grant = Grant(
        ident,
        member.upper() if member else None,
        admin,
        label,
        datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    return grant, token, _digest(token)


def digest_of(token: str) -> str | None:
    """The digest a presented token is kept under, or None if it is not shaped like a token."""
    return _digest(token) if token.startswith(PREFIX) else None


class TokenStore:
    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / TOKENS_FILE
        self._lock = threading.Lock()
        self._cache: tuple[float, list[dict]] | None = None

    def _read(self) -> list[dict]:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return []
        cached = self._cache
        if cached and cached[0] == mtime:
            return cached[1]
        entries = json.loads(self.path.read_text(encoding="utf-8")).get("tokens", [])
        self._cache = (mtime, entries)
        return entries

    def _write(self, entries: list[dict]) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"tokens": entries}, f, indent=2)
            f.write("\n")
        os.replace(tmp, self.path)
        self._cache = None

    def create(self, *, member: str | None = None, admin: bool = False, label: str = "") -> tuple[Grant, str]:
        """A new token; returns its grant and the secret, which is shown once and never stored."""
        grant, token, digest = mint(member=member, admin=admin, label=label)
        with self._lock:
            entries = list(self._read())
            entries.append({**asdict(grant), "sha256": digest})
            self._write(entries)
        return grant, token

    def grants(self) -> list[Grant]:
        return [
            Grant(e["id"], e.get("member"), bool(e.get("admin")), e.get("label", ""), e.get("created", ""))
            for e in self._read()
        ]

    def revoke(self, ident: str) -> bool:
        with self._lock:
            entries = self._read()
            kept = [e for e in entries if e["id"] != ident]
            if len(kept) == len(entries):
                return False
            self._write(kept)
            return True

    def verify(self, token: str) -> Grant | None:
        """The grant of a presented token, or None."""
        if not token.startswith(PREFIX):
            return None
        digest = _digest(token)
        for e in self._read():
            if hmac.compare_digest(e["sha256"], digest):
                return Grant(e["id"], e.get("member"), bool(e.get("admin")), e.get("label", ""), e.get("created", ""))
        return None
