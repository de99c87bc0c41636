"""Small helpers for the web tests: read links out of a page, find resources by title."""

from __future__ import annotations

from html.parser import HTMLParser

from graph.views.common import select


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.heads: list[dict] = []  # <link> attributes
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self._href, self._text = attrs["href"], []
        elif tag == "link":
            self.heads.append(attrs)

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def parse(html: str) -> _Links:
    p = _Links()
    p.feed(html)
    return p


def links(html: str) -> list[tuple[str, str]]:
    return parse(html).links


def href_of(html: str, text: str, prefix: str = "") -> str:
    """The href of the first link whose text is ``text`` (and whose href starts with ``prefix``)."""
    for href, label in links(html):
        if label == text and href.startswith(prefix):
            return href
    raise AssertionError(f"no link {text!r} among {[label for _, label in links(html)][:60]}")


def path_of(iri: str, base: str) -> str:
    assert iri.startswith(base), iri
    return "/" + iri[len(base) :]


def instance_titled(store, title: str) -> str:
    """The IRI of the instance whose rdfs:label is exactly ``title`` (any language)."""
    from pyoxigraph import Literal

    rows = select(
        store,
        f"""SELECT DISTINCT ?i WHERE {{ ?i a bf:Instance ; rdfs:label ?l .
        FILTER(STR(?l) = {Literal(title)}) }}""",
    )
    assert len(rows) == 1, f"{len(rows)} instances titled {title!r}"
    return rows[0]["i"].value


class LiveServer:
    """A WSGI app served for real by waitress on a free local port, in a thread; ``with`` stops it."""

    def __init__(self, app, threads: int = 2):
        import logging
        import threading

        import waitress

        self._stopping = False
        self._logger = logging.getLogger("waitress")
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self._thread = threading.Thread(target=self._run, daemon=True, name="live-server")

    def _run(self):
        try:
            self.server.run()
        except OSError:
            if not self._stopping:  # the loop's select() sees its sockets closed on the way out
                raise

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping = True
        level = self._logger.level
        self._logger.setLevel(100)
        try:
            while self.server._map:  # close the listener, the trigger and any open channel
                for channel in list(self.server._map.values()):
                    channel.handle_close()
            self.server.task_dispatcher.shutdown()
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                raise RuntimeError("the live server did not stop")
        finally:
            self._logger.setLevel(level)
