"""Content negotiation: which representation a request asks for, by ``?format=`` or ``Accept``.

Formats come from the registries in :mod:`graph.formats`; HTML is named ``html``.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from flask import request

HTML = "text/html"


class NotAcceptable(Exception):
    """Nothing on offer matches what the client accepts; ``offers`` names what we have."""

    def __init__(self, message: str, offers: Sequence[str]):
        super().__init__(message)
        self.offers = list(offers)


def choose(
    offers: Sequence[tuple[str, object]],
    lookup: Callable[[str], object | None],
    params: Iterable[str] = ("format",),
    *,
    strict: bool = True,
):
    """The offered representation the request wants.

    ``offers`` are (media type, representation) in server preference order (the first
    wins ties and answers a request without Accept). A ``format`` parameter beats
    Accept; its value is a short name or media type, resolved by ``lookup`` (or
    ``"html"``). With ``strict``, an unknown value is an error; otherwise the
    next parameter value or Accept decides (SPARQL clients send odd ones).
    """
    by_type: dict[str, object] = {}
    for media_type, rep in offers:
        by_type.setdefault(media_type, rep)
    reps = [rep for _, rep in offers]
    values = [v for p in params for v in request.values.getlist(p)]
    for value in values:
        key = value.strip().lower()
        rep = by_type.get(HTML) if key in ("html", HTML) else lookup(key)
        if rep is not None and rep in reps:
            return rep
        if strict:
            raise NotAcceptable(f"format {value!r} is not offered here", _names(offers))
    accept = request.accept_mimetypes
    if not accept:
        return offers[0][1]
    best = accept.best_match([media_type for media_type, _ in offers])
    if best is None:
        raise NotAcceptable(
            f"none of the accepted types ({request.headers.get('Accept')}) is offered here", _names(offers)
        )
    return by_type[best]


def _names(offers) -> list[str]:
    return list(dict.fromkeys(media_type for media_type, _ in offers))


def html_acceptable() -> bool:
    accept = request.accept_mimetypes
    return not accept or accept[HTML] > 0


def html_preferred() -> bool:
    """Whether the request names text/html among its best choices, as browsers do.

    Werkzeug's ``accept_mimetypes.best`` ranks by specificity before quality, so Chromium's
    ``…,application/signed-exchange;v=b3;q=0.7`` would "prefer" signed exchanges; a bare
    ``*/*`` (curl, protocol clients) does not count as asking for HTML.
    """
    accept = request.accept_mimetypes
    named = [q for value, q in accept if value.lower() == HTML]
    return bool(named) and named[0] > 0 and named[0] >= max(q for _, q in accept)
