"""A small real OAI-PMH 2.0 repository (oai_dc, and MARCXML when told) for the harvest tests, served by waitress on 127.0.0.1.

    python tests/oai_server.py RECORDS.json      # prints the port it listens on, then serves

RECORDS.json is re-read on every request, so a test changes the repository by rewriting it:
``{"name": ..., "records": [{"id", "datestamp", "sets": [...], "deleted": bool, "dc": {"title": [...]},
"marcxml": "<record xmlns=...MARC21/slim>...</record>"}], "formats": {"marc21": MARC21/slim namespace}}``:
``formats`` adds metadata formats to oai_dc; a record's ``marcxml`` is its metadata in each of them.
Verbs: Identify, ListMetadataFormats, ListSets, ListRecords (from, until, set, resumption tokens
two records a page), GetRecord; errors as the protocol says (badVerb, badArgument,
cannotDisseminateFormat, noRecordsMatch, badResumptionToken, idDoesNotExist).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

PAGE = 2
OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_xml(rec: dict, prefix: str = "oai_dc") -> str:
    sets = "".join(f"<setSpec>{escape(s)}</setSpec>" for s in rec.get("sets", []))
    status = ' status="deleted"' if rec.get("deleted") else ""
    header = (
        f"<header{status}><identifier>{escape(rec['id'])}</identifier>"
        f"<datestamp>{rec['datestamp']}</datestamp>{sets}</header>"
    )
    if rec.get("deleted"):
        return f"<record>{header}</record>"
    if prefix != "oai_dc":
        return f"<record>{header}<metadata>{rec.get('marcxml', '')}</metadata></record>"
    elements = "".join(
        f"<dc:{name}>{escape(value)}</dc:{name}>" for name, values in rec.get("dc", {}).items() for value in values
    )
    return (
        f'<record>{header}<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/">{elements}</oai_dc:dc></metadata></record>'
    )


def make_app(data_path: Path):
    def respond(start_response, body: str):
        payload = body.encode("utf-8")
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(payload)))])
        return [payload]

    def app(environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if environ.get("REQUEST_METHOD") == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            query = environ["wsgi.input"].read(size).decode()
        args = {k: v[0] for k, v in parse_qs(query).items()}
        data = json.loads(data_path.read_text(encoding="utf-8"))
        verb = args.get("verb", "")
        request = f'<request verb="{escape(verb)}">http://127.0.0.1/oai</request>'
        head = f"{OAI_HEAD}<responseDate>{_now()}</responseDate>{request}"

        def error(code, text):
            return respond(start_response, f'{head}<error code="{code}">{escape(text)}</error></OAI-PMH>')

        if verb == "Identify":
            return respond(
                start_response,
                f"{head}<Identify><repositoryName>{escape(data['name'])}</repositoryName>"
                "<baseURL>http://127.0.0.1/oai</baseURL><protocolVersion>2.0</protocolVersion>"
                "<adminEmail>oai@example.org</adminEmail><earliestDatestamp>2000-01-01T00:00:00Z"
                "</earliestDatestamp><deletedRecord>persistent</deletedRecord>"
                "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify></OAI-PMH>",
            )
        formats = {"oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/", **data.get("formats", {})}
        if verb == "ListMetadataFormats":
            body = "".join(
                f"<metadataFormat><metadataPrefix>{escape(p)}</metadataPrefix><schema>{escape(ns)}.xsd"
                f"</schema><metadataNamespace>{escape(ns)}</metadataNamespace></metadataFormat>"
                for p, ns in formats.items()
            )
            return respond(start_response, f"{head}<ListMetadataFormats>{body}</ListMetadataFormats></OAI-PMH>")
        if verb == "ListSets":
            sets = sorted({s for r in data["records"] for s in r.get("sets", [])})
            body = "".join(f"<set><setSpec>{escape(s)}</setSpec><setName>{escape(s)}</setName></set>" for s in sets)
            return respond(start_response, f"{head}<ListSets>{body}</ListSets></OAI-PMH>")
        if verb == "GetRecord":
            found = [r for r in data["records"] if r["id"] == args.get("identifier")]
            if not found:
                return error("idDoesNotExist", args.get("identifier", ""))
            prefix = args.get("metadataPrefix", "")
            if prefix not in formats:
                return error("cannotDisseminateFormat", prefix or "(none)")
            return respond(start_response, f"{head}<GetRecord>{_record_xml(found[0], prefix)}</GetRecord></OAI-PMH>")
        if verb != "ListRecords":
            return error("badVerb", f"illegal verb {verb!r}")
        if "resumptionToken" in args:
            try:
                offset, frm, until, set_spec, prefix = args["resumptionToken"].split("|")
                offset = int(offset)
            except ValueError:
                return error("badResumptionToken", args["resumptionToken"])
        else:
            prefix = args.get("metadataPrefix", "")
            if prefix not in formats:
                return error("cannotDisseminateFormat", prefix or "(none)")
            offset, frm, until, set_spec = 0, args.get("from", ""), args.get("until", ""), args.get("set", "")
        chosen = [
            r
            for r in sorted(data["records"], key=lambda r: (r["datestamp"], r["id"]))
            if (not frm or r["datestamp"] >= frm)
            and (not until or r["datestamp"][: len(until)] <= until)
            and (not set_spec or set_spec in r.get("sets", []))
        ]
        if not chosen:
            return error("noRecordsMatch", "no records match")
        page = chosen[offset : offset + PAGE]
        token = ""
        if offset + PAGE < len(chosen):
            token = (
                f'<resumptionToken completeListSize="{len(chosen)}" cursor="{offset}">'
                f"{offset + PAGE}|{frm}|{until}|{set_spec}|{prefix}</resumptionToken>"
            )
        elif offset:
            token = f'<resumptionToken completeListSize="{len(chosen)}" cursor="{offset}"/>'
        body = "".join(_record_xml(r, prefix) for r in page)
        return respond(start_response, f"{head}<ListRecords>{body}{token}</ListRecords></OAI-PMH>")

    return app


def main(argv: list[str]) -> int:
    import waitress

    server = waitress.create_server(make_app(Path(argv[1])), host="127.0.0.1", port=0, threads=2)
    print(server.effective_port, flush=True)
    server.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
