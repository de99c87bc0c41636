"""What the public endpoint refuses before a query or update runs.

pyoxigraph evaluates ``SERVICE <url>`` by fetching the URL (and an update's
``LOAD <url>`` likewise), which would let anyone make this server call hosts on its
own network. It cannot be switched off in the library, so requests that use them are
refused here. The check looks at the text's tokens with strings, IRIs and comments
taken out (:mod:`graph.store.sparqltext`), so "service" inside a literal or an IRI is
fine.
"""

from __future__ import annotations

from graph.store.sparqltext import code_only, keyword, mentions

_SERVICE = keyword("SERVICE")
_LOAD = keyword("LOAD")


def refusal(query: str) -> str | None:
    """Why the endpoint will not run ``query``, or None if it may."""
    if mentions(query, "service") and _SERVICE.search(code_only(query)):
        return "federated queries (SERVICE) are not allowed at this endpoint"
    return None


def update_refusal(update: str) -> str | None:
    """Why the endpoint will not run ``update``, or None if it may."""
    code = code_only(update)
    if _SERVICE.search(code):
        return "federated queries (SERVICE) are not allowed at this endpoint"
    if _LOAD.search(code):
        return "LOAD is not allowed at this endpoint (it fetches URLs); send the data with the Graph Store Protocol"
    return None
