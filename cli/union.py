"""The union catalogue's commands: ``alliance overlap`` (collection reports) and ``alliance generate`` (test alliance)."""

from __future__ import annotations

import json
import sys

import click


@click.command()
@click.option(
    "--level",
    type=click.Choice(["instance", "work"]),
    default="instance",
    show_default=True,
    help="Count editions (bf:Instance) or works (bf:Work) as titles.",
)
@click.option(
    "--scarce",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="A title held by at most this many members is scarce.",
)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--table",
    default="matrix",
    show_default=True,
    type=click.Choice(["members", "matrix", "distribution", "lcc", "clc", "decade"]),
    help="With --format csv: which table.",
)
@click.option(
    "--list",
    "which",
    type=click.Choice(["unique", "scarce", "common", "everyone"]),
    default=None,
    help="Instead of numbers, list the titles (CSV): only MEMBER holds (unique), MEMBER and at most "
    "--scarce in all (scarce), MEMBER and another (common), every member (everyone).",
)
@click.option("--member", "member_code", default=None, help="The member a --list is about.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", show_default=True)
@click.pass_obj
def overlap(
    obj, level: str, scarce: int, fmt: str, table: str, which: str | None, member_code: str | None, output
) -> None:
    """Overlap of the members' holdings: matrix, unique/scarce titles, duplication, by class and decade.

    \b
    alliance overlap > overlap.json
    alliance overlap --format csv --table matrix
    alliance overlap --list unique --member PKU -o pku-only.csv
    """
    from graph.union.overlap import overlap as compute, rows_csv, title_rows, to_csv

    cat = obj.catalogue(reader=True)
    ov = compute(cat.store, cat.minter, level)
    if which:
        try:
            iris = ov.titles(which, member_code, scarce)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--member") from err
        output.write(rows_csv(title_rows(cat.store, ov, iris)))
        return
    report = ov.report(scarce)
    if fmt == "json":
        output.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        output.write(to_csv(report, table))
    if output is not sys.stdout and output.name != "<stdout>":
        click.echo(
            f"{report['titles']} titles, {report['holdings']} holdings, duplication ratio "
            f"{report['duplication_ratio']}",
            err=True,
        )


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for members/CODE.mrc, members.json, truth.tsv, summary.json.",
)
@click.option("--members", default=5, show_default=True, type=click.IntRange(2, 16))
@click.option(
    "--records",
    default=None,
    type=click.IntRange(1),
    help="Total member records wanted (default: members/2 per source record).",
)
@click.option("--limit", default=None, type=click.IntRange(1), help="Use at most this many source records.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--wade-giles-member",
    "wade_giles",
    is_flag=True,
    help="Add member WGL, which catalogues Chinese records in Wade-Giles (880s kept or dropped).",
)
@click.option(
    "--han-member",
    "han_only",
    is_flag=True,
    help="Add member HAN, which catalogues Chinese records in Han characters only.",
)
def generate(
    sources: tuple[str, ...],
    out_dir: str,
    members: int,
    records: int | None,
    limit: int | None,
    seed: int,
    wade_giles: bool,
    han_only: bool,
) -> None:
    """Build a test alliance from real MARC 21 records, with the true clusters beside it.

    Each member gets its own re-catalogued copies (own control numbers and 852s, ISBN forms,
    title case, dropped fields, ...) of a popularity-skewed share of SOURCES; truth.tsv says
    which records are the same edition and the same work. Load it with `alliance ingest`.
    """
    from graph.sample.real_records import generate as run

    report = run(
        list(sources),
        out_dir,
        members=members,
        records=records,
        limit=limit,
        seed=seed,
        wade_giles=wade_giles,
        han_only=han_only,
    )
    click.echo(
        f"{report.records} records for {len(report.members)} members from {report.sources} sources "
        f"in {out_dir}: " + ", ".join(f"{c} {n}" for c, n in report.holdings.items())
    )


def register(main: click.Group) -> None:
    main.add_command(overlap)
    main.add_command(generate)
