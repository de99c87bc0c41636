"""The ``alliance`` command line: members, ingest, bulk RDF loads, stats, serving and the demo.

It sits above both graph/ (everything it loads, derives and reports) and web/ (imported only by
the commands that serve), so a command that does not serve never imports Flask.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import click

from graph.catalogue import DEFAULT_DATA, Catalogue, CatalogueError
from graph.store import StoreError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


class Context:
    def __init__(self, data: str, base: str | None, store: str | None = None):
        self.data = data
        self.base = base
        self.store = store
        self._catalogue: Catalogue | None = None

    def catalogue(self, reader: bool = False) -> Catalogue:
        """The data directory's catalogue; ``reader``: the command only reads, so it may run beside
        another process that holds the store (a running server), on the store as it is now."""
        if self._catalogue is None:
            try:
                self._catalogue = Catalogue.open(self.data, self.base, store=self.store, reader=reader)
            except (CatalogueError, StoreError) as err:
                raise click.ClickException(str(err)) from err
            if self._catalogue.beside_writer:
                click.echo(
                    "note: another alliance process is using this data directory; reading the store as it is now",
                    err=True,
                )
            try:
                lag = self._catalogue.index_lag()
            except (sqlite3.Error, StoreError):  # a check that cannot run now stops no command
                lag = None
            if lag:
                click.echo(f"warning: {lag}", err=True)
        return self._catalogue

    def close(self) -> None:
        if self._catalogue is not None:
            self._catalogue.close()
            self._catalogue = None


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    "data",
    envvar="ALLIANCE_DATA",
    default=DEFAULT_DATA,
    show_default=True,
    type=click.Path(file_okay=False),
    help="Data directory (env ALLIANCE_DATA).",
)
@click.option(
    "--base",
    envvar="ALLIANCE_BASE",
    default=None,
    help="Base URI of every resource, fixed when the data directory is created "
    "(env ALLIANCE_BASE; default http://127.0.0.1:5000/).",
)
@click.option(
    "--store",
    "store_url",
    envvar="ALLIANCE_STORE",
    default=None,
    metavar="URL",
    help="Keep the graph in a SPARQL 1.1 server instead of the embedded store: "
    "sparql+http://HOST:PORT/?flavour=oxigraph|virtuoso (env ALLIANCE_STORE).",
)
@click.version_option(package_name="alliance-graph")
@click.pass_context
def main(ctx: click.Context, data: str, base: str | None, store_url: str | None) -> None:
    """Alliance Graph: a library alliance's shared catalogue as a BIBFRAME 2 knowledge graph."""
    ctx.obj = Context(data, base, store_url)
    ctx.call_on_close(ctx.obj.close)


# members ---------------------------------------------------------------------------
@main.group()
def member() -> None:
    """Manage member libraries."""


@member.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Name of the library (English or main form).")
@click.option("--name-zh", default=None, help="Chinese name, e.g. 北京大学图书馆.")
@click.option(
    "--opac",
    default=None,
    metavar="URL_PATTERN",
    help="Link pattern of the library's own catalogue; {id} stands for its record id.",
)
@pass_ctx
def member_add(obj: Context, code: str, name: str, name_zh: str | None, opac: str | None) -> None:
    """Add a member library CODE (or update its description)."""
    from graph.alliance.members import Member, MemberError, add_member

    cat = obj.catalogue()
    try:
        m = add_member(cat.store, cat.minter, Member(code, name, name_zh, opac))
    except MemberError as err:
        raise click.BadParameter(str(err)) from err
    click.echo(f"member {m.code}: {m.name}{' / ' + m.name_zh if m.name_zh else ''} <{m.iri}>")


@member.command("list")
@pass_ctx
def member_list(obj: Context) -> None:
    """List the member libraries."""
    from graph.alliance.members import list_members

    for m in list_members(obj.catalogue(reader=True).store):
        click.echo(f"{m.code}\t{m.name}\t{m.name_zh or ''}\t{m.opac or ''}")


def _require_member(cat: Catalogue, code: str) -> str:
    from graph.alliance.members import get_member

    m = get_member(cat.store, code)
    if m is None:
        raise click.BadParameter(
            f"no member {code.upper()}; add it first with `alliance member add {code.upper()} --name ...`",
            param_hint="--member",
        )
    return m.code


# ingest and load -------------------------------------------------------------------
@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--member", "member_code", required=True, help="Code of the member whose catalogue this is.")
@click.option("--replace", is_flag=True, help="Replace the member's whole catalogue with these files.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write rejected records as JSON Lines here (default: DATA/rejects/CODE-….jsonl).",
)
@click.option(
    "--format",
    "format_name",
    default=None,
    metavar="NAME",
    help="Read the files as this format instead of detecting it: marc21, unimarc (or cnmarc), local (spreadsheet), dc.",
)
@click.option(
    "--collection",
    "collection_name",
    default=None,
    metavar="NAME",
    help="Load the files as this named collection of the member's (e.g. a local-literature "
    "list); loading the collection again replaces it.",
)
@pass_ctx
def ingest(
    obj: Context,
    files: tuple[str, ...],
    member_code: str,
    replace: bool,
    rejects: str | None,
    format_name: str | None,
    collection_name: str | None,
) -> None:
    """Convert catalogue files to BIBFRAME and load them for a member.

    MARC 21, UNIMARC/CNMARC (ISO 2709 or XML), local-literature spreadsheets (CSV, XLSX)
    and Dublin Core XML, each detected from the file unless --format names it. All FILES
    become one batch that appears at once when complete; a broken record is reported and
    skipped. Loading the same files again changes nothing.
    """
    from graph.load.dialects import UnknownDialect, get
    from graph.load.ingest import IngestError, count_records

    if format_name:
        try:
            get(format_name)
        except UnknownDialect as err:
            raise click.BadParameter(str(err), param_hint="--format") from err
    cat = obj.catalogue()
    code = _require_member(cat, member_code)
    total = sum(count_records(f, format_name) for f in files)
    try:
        with click.progressbar(length=total, label=f"ingest {code}", file=sys.stderr) as bar:
            report = cat.ingest(
                list(files),
                code,
                replace=replace,
                progress=bar.update,
                format=format_name,
                collection=collection_name,
                index_progress=_Counter("search index"),
            )
    except IngestError as err:
        if err.report is not None and err.report.rejected:
            _report_rejects(obj, err.report, rejects)
        raise click.ClickException(str(err)) from err
    click.echo(report.summary())
    _report_notices(report)
    if report.rejected:
        _report_rejects(obj, report, rejects)
    _echo_index(report)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--member", "member_code", required=True, help="Code of the member whose records these are.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="RDF file to write: .nq (N-Quads), .nt (N-Triples) or .ttl (Turtle), optionally .gz.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write rejected records as JSON Lines here (default: OUTPUT.rejects.jsonl).",
)
@click.option(
    "--format",
    "format_name",
    default=None,
    metavar="NAME",
    help="Read the files as this format instead of detecting it (marc21, unimarc, local, dc).",
)
@click.option("--workers", type=int, default=None, help="Converter processes (default: one per core).")
@pass_ctx
def convert(
    obj: Context,
    files: tuple[str, ...],
    member_code: str,
    output: str,
    rejects: str | None,
    format_name: str | None,
    workers: int | None,
) -> None:
    """Convert catalogue files to a BIBFRAME RDF file without loading it.

    URIs are those `alliance ingest` would mint in this data directory (its base URI),
    so the file can be loaded later with `alliance load`. Broken records are reported
    and skipped; the command fails only when no record could be converted.
    """
    from graph.catalogue import configured_base
    from graph.load.convert import ConvertError, convert_files
    from graph.formats import UnknownFormat
    from graph.load.ingest import count_records
    from graph.alliance.members import MemberError, check_code

    try:
        code = check_code(member_code)
    except MemberError as err:
        raise click.BadParameter(str(err), param_hint="--member") from err
    total = sum(count_records(f, format_name) for f in files)
    try:
        with click.progressbar(length=total, label=f"convert {code}", file=sys.stderr) as bar:
            report = convert_files(
                list(files),
                output,
                code,
                base=configured_base(obj.data, obj.base),
                format=format_name,
                workers=workers,
                progress=bar.update,
            )
    except UnknownFormat as err:
        raise click.BadParameter(str(err), param_hint="--output") from err
    except ConvertError as err:
        if err.report is not None and err.report.rejected:
            _write_rejects(err.report, rejects or output + ".rejects.jsonl")
        raise click.ClickException(str(err)) from err
    click.echo(report.summary())
    _report_notices(report)
    if report.rejected:
        _write_rejects(report, rejects or output + ".rejects.jsonl")


def _write_rejects(report, path: str) -> None:
    """Write the rejections as JSON Lines and show the first 20 of them."""
    report.write_rejects(path)
    for r in report.rejected[:20]:
        click.echo(f"  rejected: {r}", err=True)
    if len(report.rejected) > 20:
        click.echo(f"  … and {len(report.rejected) - 20} more", err=True)
    click.echo(f"rejected records written to {path}", err=True)


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--member", "member_code", default=None, help="Validate this member's loaded catalogue.")
@click.option(
    "--format",
    "format_name",
    default=None,
    metavar="NAME",
    help="Read FILE as this source format (marc21, unimarc, ...) instead of detecting it.",
)
@click.option("--show", default=20, show_default=True, help="How many findings to print.")
@pass_ctx
def validate(obj: Context, file: str | None, member_code: str | None, format_name: str | None, show: int) -> None:
    """Check a file, a member's loaded data or the whole alliance against the alliance profile (SHACL).

    FILE is an RDF file (any format `alliance load` reads) or a source file (MARC,
    CNMARC, a spreadsheet), which is converted first; --member CODE checks what that
    member loaded; with neither, the whole alliance as queries see it (one description
    per edition and work, docs/union.md). Also checks that every BIBFRAME
    and BFLC term is defined by the ontologies and that no node is blank. Exits 1 when
    the data does not conform (warnings alone do not fail).
    """
    from graph.load.rdfload import LoadError
    from graph.load.validate import validate_alliance, validate_member, validate_path

    if file and member_code:
        raise click.UsageError("give FILE, --member CODE or neither (the whole alliance), not both")
    if file:
        try:
            report = validate_path(file, format=format_name)
        except LoadError as err:
            raise click.ClickException(str(err)) from err
    elif member_code:
        cat = obj.catalogue(reader=True)
        report = validate_member(cat.store, _require_member(cat, member_code))
    else:
        report = validate_alliance(obj.catalogue(reader=True).store)
    for finding in (report.violations + report.warnings)[:show]:
        click.echo(f"  {finding}")
    for term in report.undefined_terms[:show]:
        click.echo(f"  undefined term: <{term}>")
    click.echo(report.summary())
    if not report.conforms:
        raise SystemExit(1)


@main.command()
@click.argument("url")
@click.option("--member", "member_code", required=True, help="Code of the member whose repository this is.")
@click.option("--set", "set_spec", default=None, help="Harvest only this OAI-PMH set.")
@click.option(
    "--from",
    "from_date",
    default=None,
    metavar="DATE",
    help="Harvest records changed since DATE (default: since the last harvest of this URL and set).",
)
@click.option("--full", is_flag=True, help="Forget earlier harvests of this URL and set and take everything.")
@click.option(
    "--collection",
    "collection_name",
    default=None,
    metavar="NAME",
    help="Name of the member's collection the records form (default: the repository's name and set).",
)
@click.option(
    "--metadata-prefix",
    "metadata_prefix",
    default=None,
    metavar="PREFIX",
    help="Harvest this format (a MARCXML prefix such as marc21, or oai_dc) instead of the richest "
    "one the repository offers (MARCXML before oai_dc).",
)
@pass_ctx
def harvest(
    obj: Context,
    url: str,
    member_code: str,
    set_spec: str | None,
    from_date: str | None,
    full: bool,
    collection_name: str | None,
    metadata_prefix: str | None,
) -> None:
    """Harvest a member's OAI-PMH repository at URL into one of its collections.

    Takes MARC 21 as MARCXML (marc21, marcxml) when the repository offers it, else oai_dc.
    Follows resumption tokens; later harvests take only what changed (deletions too) and
    replace the collection atomically. State is kept in DATA/harvest/.
    """
    from graph.load.harvest import HarvestError
    from graph.load.ingest import IngestError

    cat = obj.catalogue()
    code = _require_member(cat, member_code)
    try:
        report = cat.harvest(
            url,
            code,
            state_dir=Path(obj.data) / "harvest",
            set_spec=set_spec,
            from_date=from_date,
            full=full,
            collection_name=collection_name,
            metadata_prefix=metadata_prefix,
            index_progress=_Counter("search index"),
        )
    except (HarvestError, IngestError) as err:
        raise click.ClickException(str(err)) from err
    click.echo(report.summary())
    if report.ingest is not None:
        if report.ingest.rejected:
            _report_rejects(obj, report.ingest, None)
        _echo_index(report.ingest)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
def template(path: str) -> None:
    """Write the local-literature spreadsheet template to PATH (.xlsx or .csv) to fill in."""
    from graph.load.sources.spreadsheet import write_template

    click.echo(f"template written to {write_template(path)}")


def _report_notices(report) -> None:
    """File-level notices (ignored columns, re-detected encodings), each kind once with its count."""
    kinds: dict[str, list] = {}
    for n in report.notices:
        kinds.setdefault(n.reason, []).append(n)
    for _reason, found in list(kinds.items())[:20]:
        first = found[0]
        more = f" (and {len(found) - 1} more records)" if len(found) > 1 else ""
        click.echo(f"  notice: {first}{more}", err=True)


def _report_rejects(obj: Context, report, path: str | None) -> None:
    import time

    if path is None:
        folder = Path(obj.data) / "rejects"
        folder.mkdir(parents=True, exist_ok=True)
        path = str(folder / f"{report.member}-{time.strftime('%Y%m%dT%H%M%S')}.jsonl")
    _write_rejects(report, path)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--member", "member_code", default=None, help="Load as a batch of this member's data.")
@click.option("--graph", "graph_iri", default=None, help="Load into this named graph instead.")
@click.option("--replace", is_flag=True, help="Replace the member's data (or the graph) with these files.")
@pass_ctx
def load(obj: Context, files: tuple[str, ...], member_code: str | None, graph_iri: str | None, replace: bool) -> None:
    """Bulk-load RDF: N-Triples, N-Quads, Turtle, TriG, RDF/XML, JSON-LD (each may be .gz).

    A file with a syntax error loads nothing; the error names the file and line.
    """
    import pyoxigraph as ox

    from graph.formats import UnknownFormat
    from graph.load.rdfload import LoadError, load_files

    if (member_code is None) == (graph_iri is None):
        raise click.UsageError("give exactly one of --member CODE or --graph IRI")
    cat = obj.catalogue()
    code = _require_member(cat, member_code) if member_code else None
    graph = None
    if graph_iri:
        try:
            graph = ox.NamedNode(graph_iri)
        except ValueError as err:
            raise click.BadParameter(f"not an IRI: {graph_iri}", param_hint="--graph") from err
    total = sum(os.path.getsize(f) for f in files)
    try:
        with click.progressbar(length=total, label="load", file=sys.stderr) as bar:
            report = load_files(cat.store, list(files), member=code, graph=graph, replace=replace, progress=bar.update)
    except (LoadError, UnknownFormat) as err:
        raise click.ClickException(f"{err}; nothing was loaded") from err
    batch = report.batch
    assert batch is not None  # load_files returns once the batch is written
    click.echo(f"loaded {report.triples} triples from {len(files)} file(s) into <{batch.graph.value}>")
    _sync_search(cat)


# the search index ------------------------------------------------------------------------
def _echo_index(report) -> None:
    click.echo(f"search index: {report.indexed} works updated in {report.index_seconds:.1f} s")


def _sync_search(cat: Catalogue, changed=()) -> None:
    """Bring the search index up to date after a load (it follows the store's active graphs)."""
    import time

    started = time.perf_counter()
    n = cat.sync_search(changed=changed, progress=_Counter("search index"))
    click.echo(f"search index: {n} works updated in {time.perf_counter() - started:.1f} s")


class _Counter:
    """Progress of an open-ended job on stderr: a count every ``every`` steps."""

    def __init__(self, label: str, every: int = 10_000):
        self.label, self.every, self.n = label, every, 0

    def __call__(self, steps: int = 1) -> None:
        before, self.n = self.n, self.n + steps
        if before // self.every != self.n // self.every:
            click.echo(f"{self.label}: {self.n} works", err=True)


@main.group()
def index() -> None:
    """The search index (derived from the store; rebuildable at any time)."""


@index.command("rebuild")
@pass_ctx
def index_rebuild(obj: Context) -> None:
    """Derive the whole search index again from the store."""
    import time

    cat = obj.catalogue()
    started = time.perf_counter()
    n = cat.search.rebuild(cat.store, cat.minter, progress=_Counter("search index"))
    click.echo(f"search index: {n} works indexed in {time.perf_counter() - started:.1f} s")


@index.command("sync")
@pass_ctx
def index_sync(obj: Context) -> None:
    """Update the search index with what changed in the store since it was last brought up to date."""
    _sync_search(obj.catalogue())


# tokens ------------------------------------------------------------------------------
@main.group()
def token() -> None:
    """Bearer tokens for writes over SPARQL Update and the Graph Store Protocol."""


def _tokens(obj: Context):
    """The data directory's tokens, or with --store the SPARQL server's (shared by every web node)."""
    from graph.alliance.tokens import TokenStore

    return obj.catalogue().tokens if obj.store else TokenStore(obj.data)


@token.command("create")
@click.option("--member", "member_code", default=None, help="A token that writes only this member's graphs.")
@click.option("--admin", is_flag=True, help="A token that writes any graph.")
@click.option("--label", default="", help="A note to recognise the token by (who has it).")
@pass_ctx
def token_create(obj: Context, member_code: str | None, admin: bool, label: str) -> None:
    """Make a token and print it once (only its hash is kept)."""
    from graph.alliance.tokens import TokenError

    if member_code:
        from graph.alliance.members import get_member

        cat = obj.catalogue(reader=True)
        if get_member(cat.store, member_code) is None:
            raise click.BadParameter(f"no member {member_code.upper()}", param_hint="--member")
    Path(obj.data).mkdir(parents=True, exist_ok=True)
    try:
        grant, secret = _tokens(obj).create(member=member_code, admin=admin, label=label)
    except TokenError as err:
        raise click.UsageError(str(err)) from err
    scope = "admin (any graph)" if grant.admin else f"member {grant.member}"
    click.echo(f"token {grant.id} for {scope}; keep it secret, it is shown only now:", err=True)
    click.echo(secret)


@token.command("list")
@pass_ctx
def token_list(obj: Context) -> None:
    """The tokens: id, scope, creation time, label (never the secret)."""
    for g in _tokens(obj).grants():
        click.echo(f"{g.id}\t{'admin' if g.admin else g.member}\t{g.created}\t{g.label}")


@token.command("revoke")
@click.argument("token_id")
@pass_ctx
def token_revoke(obj: Context, token_id: str) -> None:
    """Revoke the token TOKEN_ID (as `alliance token list` shows it)."""
    if not _tokens(obj).revoke(token_id):
        raise click.ClickException(f"no token {token_id}")
    click.echo(f"revoked {token_id}")


# stats -------------------------------------------------------------------------------
@main.command()
@pass_ctx
def stats(obj: Context) -> None:
    """What the store holds: members, batches, triples, works, instances, items."""
    from graph.views.stats import catalogue_stats

    cat = obj.catalogue(reader=True)
    s = catalogue_stats(cat)
    click.echo(f"data directory: {obj.data}")
    click.echo(f"base URI:       {cat.minter.base}")
    for key in ("members", "works", "instances", "items", "triples"):
        click.echo(f"{key + ':':15s} {s[key]}")
    for row in s["batches"]:
        click.echo(
            f"  {row['member'] or '-':8s} {row['triples']:>10} triples  <{row['graph']}>  {', '.join(row['sources'])}"
        )


# serving -------------------------------------------------------------------------------
@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--workers", default=0, type=click.IntRange(min=0), help="Web worker processes (default: one per core).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1), help="Threads per worker process.")
@click.option(
    "--store", "store_url", default=None, metavar="URL", help="Serve from a SPARQL 1.1 server (as the global --store)."
)
@pass_ctx
def serve(obj: Context, host: str, port: int, workers: int, threads: int, store_url: str | None) -> None:
    """Serve the web site and the SPARQL endpoint on every core.

    A pre-fork server (granian): WORKERS web processes read the store; one writer process
    holds it and takes every write (docs/architecture.md). SIGHUP restarts them gracefully.
    """
    if store_url:
        obj.store = store_url
    check_port(host, port)
    _serve(obj, host, port, workers, threads)


def check_port(host: str, port: int) -> None:
    """One line and exit 1, before any work, when HOST:PORT is taken (web.prefork.check_port)."""
    from web import prefork

    try:
        prefork.check_port(host, port)
    except prefork.ServeError as err:
        raise click.ClickException(str(err)) from err


def _serve(obj: Context, host: str, port: int, workers: int = 0, threads: int = 4) -> None:
    from web import prefork

    obj.close()  # the writer process opens the store: pyoxigraph allows one writer
    if not prefork.supported():  # no fork (Windows): one process, waitress
        import logging

        from web import create_app
        from web.rawurls import create_server

        app = create_app({"ALLIANCE_CATALOGUE": obj.catalogue(), "ALLIANCE_DATA": obj.data})
        logging.basicConfig()  # as waitress.serve does: its warnings (queue depth) reach the console
        try:
            server = create_server(app, host=host, port=port, threads=threads * 2, ident="alliance-graph")
        except OSError as err:  # taken since check_port looked
            raise click.ClickException(prefork.port_message(host, port, err)) from err
        click.echo(f"serving {obj.data} on http://{host}:{port}/ (Ctrl+C to stop)")
        server.run()
        return
    options = prefork.Options(
        data=obj.data, host=host, port=port, workers=workers, threads=threads, store=obj.store, base=obj.base
    )
    click.echo(
        f"serving {obj.data} on http://{host}:{port}/ with {options.worker_count} worker processes (Ctrl+C to stop)"
    )
    try:
        prefork.serve(options)
    except prefork.ServeError as err:
        raise click.ClickException(str(err)) from err


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option(
    "--serve/--no-serve", "then_serve", default=True, show_default=True, help="Serve the demo once it is built."
)
@pass_ctx
def demo(obj: Context, host: str, port: int, then_serve: bool) -> None:
    """Build a sample alliance (generated here, nothing downloaded) and serve it."""
    from graph.sample import load_sample

    if then_serve:
        check_port(host, port)  # before minutes of building, not after
    cat = obj.catalogue()
    for report in load_sample(cat):
        click.echo(report.summary())
        _echo_index(report)
    if then_serve:
        _serve(obj, host, port)


from cli import copycat, union  # noqa: E402  (overlap, generate; check-list, export: co-construction)

union.register(main)
copycat.register(main)
