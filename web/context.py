"""What every request shares: the catalogue, the page language, and the helpers templates call."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app, request

from graph.catalogue import Catalogue
from graph.index import Searcher
from vocab import labels
from web.urls import Urls

LANG_COOKIE = "lang"


@dataclass
class State:
    catalogue: Catalogue
    urls: Urls
    searcher: Searcher
    cache: dict = field(default_factory=dict)


def state() -> State:
    return current_app.extensions["alliance"]


def store():
    return state().catalogue.store


def minter():
    return state().catalogue.minter


def cached(key, compute):
    """``compute()``, remembered until the store changes (stores without a write counter: not kept)."""
    generation = getattr(store(), "generation", None)
    if generation is None:
        return compute()
    cache = state().cache
    hit = cache.get(key)
    if hit is not None and hit[0] == generation:
        return hit[1]
    value = compute()
    cache[key] = (generation, value)
    return value


def page_language() -> str:
    """``?lang=``, then the language cookie, then Accept-Language; English by default."""
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in labels.UI_LANGUAGES:
            return candidate
    return request.accept_languages.best_match(labels.UI_LANGUAGES) or labels.DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    from web.urls import safe_href

    app.add_template_filter(safe_href, "href")  # links taken from data: {{ url|href }}

    @app.context_processor
    def helpers():
        lang = page_language()
        return {
            "lang": lang,
            "other_lang": "zh" if lang == "en" else "en",
            "urls": state().urls,
            "t": lambda key, **values: labels.ui(key, lang, **values),
            "copies": lambda n: labels.copies(n, lang),
            "editor_labels": lambda: labels.editor_labels(lang),
            "query_text": request.args.get("q", "") if request.endpoint == "search.index" else "",
        }

    @app.after_request
    def remember_language(response):
        chosen = request.args.get("lang")
        if chosen in labels.UI_LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
        if response.mimetype == "text/html":
            response.vary.update(("Accept-Language", "Cookie"))
        # record data (titles, notes) goes out as Turtle, JSON, CSV, text: never let a browser
        # guess any of it is HTML
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
