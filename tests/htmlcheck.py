"""HTML validity basics and label checks for crawled pages (a small checker, not a full validator).

``problems(html)`` lists what is wrong with a page: no doctype or ``lang``, an empty title,
not exactly one ``h1``, tags closed out of order or never, duplicate ids, form controls
without a label, images without ``alt``, links without text, raw IRIs shown where a label
should be, and interface keys or ``None`` leaking into the text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
OPTIONAL_END = {"li", "dt", "dd", "p", "tr", "td", "th", "option", "thead", "tbody"}
LEAKS = re.compile(r"\b(?:None|facet_\w+|sort_\w+|format_\w+)\b|\{[a-z_]+\}")


class _Checker(HTMLParser):
    def __init__(self, base_iri: str):
        super().__init__(convert_charrefs=True)
        self.base_iri = base_iri
        self.errors: list[str] = []
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.labels_for: set[str] = set()
        self.controls: list[tuple[str, dict]] = []
        self.h1 = 0
        self.title = ""
        self.html_lang = None
        self.text: list[str] = []
        self.link: dict | None = None
        self.raw = ""  # inside <code>, <pre> and the permalink field IRIs are what is shown on purpose

    def handle_decl(self, decl):
        if decl.lower() == "doctype html":
            self.doctype = True

    def handle_starttag(self, tag, attrs):
        names = [a for a, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"<{tag}> repeats an attribute: {names}")
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']!r}")
            self.ids.add(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "img" and "alt" not in a:
            self.errors.append(f"<img src={a.get('src')}> without alt")
        elif tag == "label" and "for" in a:
            self.labels_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            if "label" not in self.stack:  # a control inside its <label> is labelled by it
                self.controls.append((tag, a))
        elif tag == "a" and "href" in a:
            self.link = {"href": a["href"], "text": [], "aria": a.get("aria-label")}
        if tag in ("code", "pre"):
            self.raw = tag
        if tag not in VOID:
            if tag in OPTIONAL_END and self.stack and self.stack[-1] == tag:
                self.stack.pop()
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag == self.raw:
            self.raw = ""
        if tag == "a" and self.link is not None:
            text = " ".join("".join(self.link["text"]).split())
            if not text and not self.link["aria"]:
                self.errors.append(f"link to {self.link['href']} has no text")
            if text.startswith(self.base_iri):
                self.errors.append(f"link shows a raw IRI: {text}")
            self.link = None
        while self.stack and self.stack[-1] != tag and self.stack[-1] in OPTIONAL_END:
            self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title":
            self.title += data
        if self.link is not None:
            self.link["text"].append(data)
        if self.stack and self.stack[-1] in ("script", "style"):
            return
        if not self.raw:
            self.text.append(data)


def problems(html: str, base_iri: str, *, iris_are_data: bool = False) -> list[str]:
    """What is wrong with a page; ``iris_are_data`` for pages whose content is IRIs (SPARQL results)."""
    checker = _Checker(base_iri if not iris_are_data else "\x00")
    checker.doctype = False
    checker.feed(html)
    checker.close()
    errors = list(checker.errors)
    if not checker.doctype:
        errors.append("no <!doctype html>")
    if checker.html_lang not in ("en", "zh-Hans"):
        errors.append(f"<html lang={checker.html_lang!r}>")
    if not checker.title.strip():
        errors.append("empty <title>")
    if checker.h1 != 1:
        errors.append(f"{checker.h1} <h1> elements")
    leftover = [t for t in checker.stack if t not in OPTIONAL_END]
    if leftover:
        errors.append(f"never closed: {leftover}")
    for tag, a in checker.controls:
        if a.get("id") not in checker.labels_for and not a.get("aria-label") and not a.get("aria-labelledby"):
            errors.append(f"<{tag} name={a.get('name')}> has no label")
    text = " ".join(" ".join(checker.text).split())
    for leak in LEAKS.findall(text):
        errors.append(f"interface text leaks {leak!r}")
    if not iris_are_data and base_iri in text:
        for found in re.findall(re.escape(base_iri) + r"\S*", text):
            errors.append(f"raw IRI in the text: {found}")
    return errors
