"""Harvest a member's repository over OAI-PMH 2.0, incrementally, into one of its collections.

``harvest(...)`` asks the repository who it is (Identify) and what it offers (ListMetadataFormats:
MARC 21 as MARCXML is taken over oai_dc, as it says far more; ``metadata_prefix`` overrides),
lists its records (ListRecords,
following resumption tokens, from the last harvest's responseDate unless told otherwise),
keeps every live record in a cache under ``state_dir`` (deletions remove them), and loads
the whole cache as one collection of the member's through :func:`graph.load.ingest.ingest`, so
each harvest replaces the previous one atomically. MARCXML records are read and mapped as the
``oai_marc21`` dialect (:mod:`graph.load.sources.oaipmh`, then the MARC 21 mapper), oai_dc as ``dc``;
a change of format since the last harvest starts over with a full one. Rejected records are
reported by the repository's URL and their OAI identifier. The cache and the ``from`` date advance
only when the load succeeded: a failed harvest changes nothing and the next one retries.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from graph.load import xmlsafe
from graph.identity.uris import Minter, digest
from graph.load.ingest import IngestReport, ingest
from graph.load.sources import Rejection
from graph.load.sources.dublincore import OAI, OAI_DC
from graph.load.sources.oaipmh import MARC21_SLIM
from graph.store.base import Store

USER_AGENT = "alliance-graph-harvester/0.1"
# MARCXML prefixes, best first (Koha offers marc21 and marcxml, Alma/FOLIO/Aleph marc21, DSpace marc);
# any other prefix whose namespace is MARC21/slim comes after them.
MARC_PREFIXES = ("marc21", "marcxml", "MARC21", "MARCXML", "marc")


class HarvestError(Exception):
    """The harvest failed; the store and the harvest state are as they were."""


@dataclass
class HarvestReport:
    url: str
    set_spec: str | None
    since: str | None  # the from date asked for (None: everything)
    metadata_prefix: str = "oai_dc"
    requests: int = 0
    received: int = 0  # records in the responses (live and deleted)
    deleted: int = 0
    kept: int = 0  # live records in the cache after this harvest
    response_date: str | None = None
    collection: str | None = None
    ingest: IngestReport | None = None

    def summary(self) -> str:
        frm = f" from {self.since}" if self.since else " (full)"
        loaded = f"; {self.ingest.summary()}" if self.ingest else ""
        return (
            f"harvested {self.url}{' set ' + self.set_spec if self.set_spec else ''} "
            f"({self.metadata_prefix}){frm}: "
            f"{self.received} records in {self.requests} requests, {self.deleted} deleted, "
            f"{self.kept} in the collection {self.collection!r}{loaded}"
        )


def _get(url: str, params: dict, timeout: float, retries: int = 3) -> ET.Element:
    target = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    for attempt in range(retries + 1):
        request = urllib.request.Request(target, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read()
            break
        except urllib.error.HTTPError as err:
            if err.code == 503 and attempt < retries:
                wait = err.headers.get("Retry-After", "2")
                time.sleep(min(int(wait) if wait.isdigit() else 2, 30))
                continue
            raise HarvestError(f"{target}: HTTP {err.code} {err.reason}") from err
        except (urllib.error.URLError, OSError) as err:
            raise HarvestError(f"{target}: {getattr(err, 'reason', err)}") from err
    try:
        return xmlsafe.fromstring(body)  # refuses entity declarations (XXE, entity expansion)
    except ET.ParseError as err:
        raise HarvestError(f"{target}: the response is not well-formed XML: {err}") from err


def _error(root: ET.Element) -> tuple[str, str] | None:
    err = root.find(f"{{{OAI}}}error")
    return (err.get("code", ""), (err.text or "").strip()) if err is not None else None


def identify(url: str, timeout: float = 60) -> dict:
    root = _get(url, {"verb": "Identify"}, timeout)
    if (err := _error(root)) is not None:
        raise HarvestError(f"{url}: Identify failed: {err[0]}: {err[1]}")
    node = root.find(f"{{{OAI}}}Identify")
    if node is None:
        raise HarvestError(f"{url}: not an OAI-PMH repository (no Identify in the answer)")
    return {
        "name": (node.findtext(f"{{{OAI}}}repositoryName") or url).strip(),
        "granularity": (node.findtext(f"{{{OAI}}}granularity") or "YYYY-MM-DD").strip(),
    }


def metadata_formats(url: str, timeout: float = 60) -> dict[str, str]:
    """The repository's metadata formats: prefix -> namespace (oai_dc alone if it will not say)."""
    root = _get(url, {"verb": "ListMetadataFormats"}, timeout)
    node = root.find(f"{{{OAI}}}ListMetadataFormats")
    if _error(root) is not None or node is None:
        return {"oai_dc": OAI_DC}  # every repository must offer oai_dc
    return {
        (f.findtext(f"{{{OAI}}}metadataPrefix") or "").strip(): (
            f.findtext(f"{{{OAI}}}metadataNamespace") or ""
        ).strip()
        for f in node.findall(f"{{{OAI}}}metadataFormat")
    }


def choose_format(url: str, offered: dict[str, str], wanted: str | None = None) -> tuple[str, str]:
    """(metadataPrefix, dialect name): ``wanted`` if the repository offers it, else MARCXML, else oai_dc."""

    def dialect(prefix: str) -> str | None:
        namespace = offered.get(prefix, "").rstrip("/")
        if namespace == MARC21_SLIM or (not namespace and prefix in MARC_PREFIXES):
            return "oai_marc21"
        if namespace == OAI_DC.rstrip("/") or (not namespace and prefix == "oai_dc"):
            return "dc"
        return None

    if wanted:
        if wanted not in offered:
            raise HarvestError(
                f"{url}: the repository does not offer metadataPrefix {wanted!r} "
                f"(it offers {', '.join(sorted(offered)) or 'nothing'})"
            )
        if (name := dialect(wanted)) is None:
            raise HarvestError(
                f"{url}: metadataPrefix {wanted!r} ({offered[wanted] or 'no namespace'}) is "
                f"neither MARCXML nor oai_dc; harvest marc21/marcxml or oai_dc"
            )
        return wanted, name
    ranked = [p for p in MARC_PREFIXES if p in offered] + sorted(p for p in offered if p not in MARC_PREFIXES)
    for prefix in ranked:
        if dialect(prefix) == "oai_marc21":
            return prefix, "oai_marc21"
    return "oai_dc", "dc"


def harvest(
    store: Store,
    minter: Minter,
    url: str,
    member: str,
    *,
    state_dir: str | Path,
    set_spec: str | None = None,
    from_date: str | None = None,
    full: bool = False,
    collection_name: str | None = None,
    clusters=None,
    timeout: float = 60,
    metadata_prefix: str | None = None,
    keep_sources: bool = False,
) -> HarvestReport:
    """Harvest ``url`` for ``member`` (MARCXML if offered, else oai_dc; or ``metadata_prefix``)
    and load it as one of its collections (``keep_sources``: see :func:`graph.load.ingest.ingest`)."""
    source_key = f"{url}|{set_spec or ''}"
    folder = Path(state_dir) / f"{member.lower()}-{digest(source_key)}"
    folder.mkdir(parents=True, exist_ok=True)
    state_path, cache_path = folder / "state.json", folder / "records.jsonl"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    repo = identify(url, timeout)
    prefix, dialect = choose_format(url, metadata_formats(url, timeout), metadata_prefix)
    full = full or state.get("prefix", "oai_dc") != prefix  # a cache of another format is no use
    cache: dict[str, str] = {}
    if cache_path.exists() and not full:
        for line in cache_path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            cache[entry["id"]] = entry["xml"]
    since = from_date or (None if full else state.get("last"))
    if since and repo["granularity"] == "YYYY-MM-DD":
        since = since[:10]
    report = HarvestReport(url=url, set_spec=set_spec, since=since, metadata_prefix=prefix)
    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    if set_spec:
        params["set"] = set_spec
    if since:
        params["from"] = since
    while True:
        root = _get(url, params, timeout)
        report.requests += 1
        report.response_date = report.response_date or (root.findtext(f"{{{OAI}}}responseDate") or "").strip()
        if (err := _error(root)) is not None:
            if err[0] == "noRecordsMatch":
                break
            raise HarvestError(f"{url}: ListRecords failed: {err[0]}: {err[1]}")
        listing = root.find(f"{{{OAI}}}ListRecords")
        if listing is None:
            raise HarvestError(f"{url}: the answer to ListRecords holds no ListRecords")
        for record in listing.findall(f"{{{OAI}}}record"):
            header = record.find(f"{{{OAI}}}header")
            ident = (header.findtext(f"{{{OAI}}}identifier") or "").strip() if header is not None else ""
            if header is None or not ident:
                continue
            report.received += 1
            if header.get("status") == "deleted":
                report.deleted += cache.pop(ident, None) is not None
            else:
                cache[ident] = ET.tostring(record, encoding="unicode")
        token = listing.find(f"{{{OAI}}}resumptionToken")
        if token is None or not (token.text or "").strip():
            break
        params = {"verb": "ListRecords", "resumptionToken": (token.text or "").strip()}
    report.kept = len(cache)
    report.collection = (
        collection_name or state.get("collection") or (repo["name"] + (f" / {set_spec}" if set_spec else ""))
    )
    if not cache:
        raise HarvestError(f"{url}: no records to load{' from ' + since if since else ''}")
    document = folder / "harvest.xml"
    with open(document, "w", encoding="utf-8") as fh:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="{OAI}"><ListRecords>\n')
        for xml in cache.values():
            fh.write(xml + "\n")
        fh.write("</ListRecords></OAI-PMH>\n")
    report.ingest = ingest(
        store,
        minter,
        [document],
        member,
        format=dialect,
        collection_name=report.collection,
        clusters=clusters,
        keep_sources=keep_sources,
    )
    _name_records(report.ingest.rejected, url, list(cache))
    with open(cache_path.with_suffix(".tmp"), "w", encoding="utf-8") as fh:
        for ident, xml in cache.items():
            fh.write(json.dumps({"id": ident, "xml": xml}, ensure_ascii=False) + "\n")
    cache_path.with_suffix(".tmp").replace(cache_path)
    state.update(
        {"url": url, "set": set_spec, "last": report.response_date, "collection": report.collection, "prefix": prefix}
    )
    state_path.write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n")
    return report


def _name_records(rejected: list[Rejection], url: str, identifiers: list[str]) -> None:
    """Each rejection names the repository and the record's OAI identifier (positions follow the
    cache, as the harvest document was written from it), keeping a 001 that differs in the reason."""
    for i, item in enumerate(rejected):
        if item.position is None or not 0 < item.position <= len(identifiers):
            continue
        ident = identifiers[item.position - 1]
        reason = item.reason
        if item.control_number and item.control_number != ident:
            reason = f"{reason} (001 {item.control_number})"
        rejected[i] = Rejection(url, item.position, ident, reason)
