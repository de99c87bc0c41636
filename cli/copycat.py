"""Co-construction commands: ``alliance check-list`` (a purchase list against the alliance) and
``alliance export`` (a member's editions as the alliance's union records, MARC 21)."""

from __future__ import annotations

import sys

import click


@click.command("check-list")
@click.argument("list_file", metavar="LIST", type=click.Path(exists=True, dir_okay=False))
@click.option("--member", "member_code", default=None, help="The member buying: lines it already holds say so.")
@click.option(
    "--output",
    "-o",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the checked list here (.csv or .xlsx); default: CSV on standard output.",
)
@click.option(
    "--scarce",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="An edition held by at most this many members is scarce.",
)
@click.option(
    "--sort",
    type=click.Choice(["row", "verdict"]),
    default="row",
    show_default=True,
    help="Lines in list order, or by verdict (not held first).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the added columns and verdicts.",
)
@click.pass_obj
def check_list(
    obj, list_file: str, member_code: str | None, output: str | None, scarce: int, sort: str, lang: str
) -> None:
    """Check a purchase list (CSV or XLSX) against what the alliance already holds.

    Each line is matched as loading it would match (ISBN in any form, a set ISBN never alone;
    title + author + year without one) and gets the edition it matched, other editions of the
    work, who holds them and how many copies, and a verdict: not held, another edition held,
    held by N members (scarce or common), held by this member already.

    \b
    alliance check-list order.xlsx --member THU -o checked.xlsx
    alliance check-list order.csv --sort verdict > checked.csv
    """
    from graph.views.checklist import ListError, check_list as run
    from graph.views.checklist.output import to_csv, write

    cat = obj.catalogue()
    if member_code:
        member_code = _member(cat, member_code)
    try:
        report = run(list_file, cat.store, cat.clusters, member_code, scarce, lang)
    except ListError as err:
        raise click.ClickException(str(err)) from err
    if output:
        try:
            write(report, output, lang, sort)
        except OSError as err:
            raise click.ClickException(f"{output}: cannot write: {err.strerror or err}") from err
    else:
        sys.stdout.write(to_csv(report, lang, sort).lstrip("\ufeff"))
    for notice in report.notices:
        click.echo(f"{list_file}: {notice}", err=True)
    for bad in report.bad:
        click.echo(f"{list_file}: {bad}", err=True)
    s = report.summary()
    share = f"{100 * s['price_held_share']:.1f}%"
    here = f" ({s['held_here']} by {member_code})" if member_code else ""
    click.echo(
        f"{s['rows']} rows: {s['checked']} checked, {s['bad']} bad; {s['held']} held in the alliance{here}, "
        f"{s['other_edition']} in another edition, {s['not_held']} not held; "
        f"price {s['price_held']:.2f} of {s['price_total']:.2f} already held ({share})"
        + (f"; written to {output}" if output else ""),
        err=True,
    )


@click.command("export")
@click.option("--member", "member_code", required=True, help="Export the editions this member holds.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The file: ISO 2709 (.mrc) or MARCXML (.xml).",
)
@click.pass_obj
def export(obj, member_code: str, output: str) -> None:
    """Write the union record (MARC 21) of every edition a member holds, to reload its own system.

    Built from the alliance's description of each edition (docs/marc-export.md); the member's
    own holdings fields are left for it to fill. Written a record at a time.

    \b
    alliance export --member THU -o thu-union.mrc
    """
    from graph.views.exports.marc21_file import ExportError, export_member, file_format

    try:
        file_format(output)
    except ExportError as err:
        raise click.BadParameter(str(err), param_hint="--output") from err
    cat = obj.catalogue()
    code = _member(cat, member_code)
    try:
        report = export_member(cat.store, cat.minter.library(code), code, output, progress=_every(10_000))
    except OSError as err:
        raise click.ClickException(f"{output}: cannot write: {err.strerror or err}") from err
    click.echo(
        f"{code}: {report.records} union records written to {output}"
        + (f" ({report.skipped} held editions no longer described, left out)" if report.skipped else ""),
        err=True,
    )


def _member(cat, code: str) -> str:
    from graph.alliance.members import get_member

    m = get_member(cat.store, code)
    if m is None:
        raise click.BadParameter(f"no member {code.upper()}", param_hint="--member")
    return m.code


def _every(n: int):
    done = [0]

    def progress(steps: int = 1) -> None:
        before = done[0]
        done[0] += steps
        if before // n != done[0] // n:
            click.echo(f"{done[0]} records", err=True)

    return progress


def register(main: click.Group) -> None:
    main.add_command(check_list)
    main.add_command(export)
