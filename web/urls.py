"""The one place that turns resource IRIs into URLs of this app (pages and data), and back.

Resource IRIs are minted under the configured base by :class:`graph.identity.uris.Minter`;
the app may be served elsewhere (a test client, a proxy), so links are always built
here with ``url_for`` from the IRI's kind and id. Templates call ``urls.page(iri)``,
``urls.data(iri, "turtle")``, ``urls.alternates(iri)``; they never build paths.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import current_app, g, request, url_for
from pyoxigraph import NamedNode

from graph.formats import GRAPH_SERIALISATIONS, RdfSerialisation
from graph.identity.uris import Minter

PAGE_KINDS = ("work", "instance", "item", "agent", "subject", "library", "collection")
# Schemes a link to an outside IRI may have. Data can hold any IRI (a record's 856 $u, a member's
# Graph Store upload): a javascript: or data: IRI as an href would run script on our pages.
LINK_SCHEMES = ("http", "https", "ftp", "mailto", "urn", "info", "tag", "doi", "isbn", "issn")


def safe_href(url) -> str:
    """``url`` if it may be an href here (relative, or of a scheme in LINK_SCHEMES), else ``#``."""
    text = str(getattr(url, "value", url) or "")
    scheme, colon, _ = text.partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return text  # no scheme: a relative reference (ours)
    cleaned = "".join(ch for ch in scheme if ch > " ").lower()  # browsers drop tabs/newlines in schemes
    return text if cleaned in LINK_SCHEMES else "#"


class Urls:
    def __init__(self, minter: Minter):
        self.minter = minter

    # resources -------------------------------------------------------------------------
    def iri(self, kind: str, ident: str) -> NamedNode | None:
        """The IRI a page URL stands for, or None if ``ident`` cannot be part of an IRI."""
        try:
            return self.minter.resource(kind, ident)
        except ValueError:
            return None

    def is_local(self, iri: str) -> bool:
        ref = self.minter.parse(getattr(iri, "value", iri))
        return ref is not None and ref.kind in PAGE_KINDS

    def page(self, iri, _external: bool = False, **params) -> str:
        """The page of a resource (a fragment IRI goes to its anchor); other IRIs are returned as they are."""
        iri = getattr(iri, "value", iri)
        ref = self.minter.parse(iri)
        if ref is None or ref.kind not in PAGE_KINDS:
            return safe_href(iri)
        url = url_for("resources.resource", kind=ref.kind, ident=ref.id, _external=_external, **params)
        return f"{url}#{quote(ref.fragment)}" if ref.fragment else url

    def data(self, iri, fmt: str | RdfSerialisation, *, external: bool = False) -> str:
        """The resource as RDF in one serialisation, ``?format=name``."""
        name = getattr(fmt, "name", fmt)
        iri = getattr(iri, "value", iri).partition("#")[0]
        ref = self.minter.parse(iri)
        if ref is None or ref.kind not in PAGE_KINDS:
            return safe_href(iri)
        page = url_for("resources.resource", kind=ref.kind, ident=ref.id, _external=external)
        return f"{page}?{urlencode({'format': name})}"  # one route build per call, the query added by hand

    def alternates(self, iri) -> list[tuple[str, RdfSerialisation]]:
        """(URL, serialisation) of every RDF form of the resource (built once per request)."""
        key = getattr(iri, "value", iri)
        memo = g.setdefault("_alternates", {})
        if key not in memo:
            memo[key] = [(self.data(iri, s), s) for s in GRAPH_SERIALISATIONS]
        return memo[key]

    def link_header(self, iri) -> str:
        """``Link`` header value advertising every alternate form of the resource."""
        return ", ".join(f'<{url}>; rel="alternate"; type="{s.media_type}"' for url, s in self.alternates(iri))

    # the app's own pages ---------------------------------------------------------------
    def home(self, **params) -> str:
        return url_for("home.index", **params)

    def sparql(self, **params) -> str:
        return url_for("sparql.endpoint", **params)

    def search(self, **params) -> str | None:
        """The search page, once a search blueprint is registered (None until then)."""
        if "search.index" not in current_app.view_functions:
            return None
        return url_for("search.index", **params)

    def void(self) -> str | None:
        """The VoID description of the dataset, once the linked-data blueprint is registered."""
        if "linkeddata.void" not in current_app.view_functions:
            return None
        return url_for("linkeddata.void")

    def static(self, filename: str) -> str:
        return url_for("static", filename=filename)

    def this_page(self, **params) -> str:
        """The current page with some query parameters changed (e.g. ``lang``)."""
        args: dict[str, Any] = request.args.to_dict()
        args.update(params)
        return url_for(request.endpoint or "home.index", **(request.view_args or {}), **args)
