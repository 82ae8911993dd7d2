"""`ckan sach ...` commands."""
from __future__ import annotations

import click


@click.group(short_help="San Andrés Cholula catalogue commands")
def sach() -> None:
    """Commands of the San Andrés Cholula catalogue."""


@sach.command("seed", short_help="Create the dependencias and temas (idempotent)")
def seed_command() -> None:
    """Create the dependencias (organizations) and temas (groups) that are missing, after
    checking every vocabulary file. Lists: ckanext.sach.seed.dependencias_file and
    ckanext.sach.seed.themes_file (default: ckanext/sach/vocab/)."""
    from ckanext.sach import seed

    result = seed.run()
    for kind in ("organizations", "groups"):
        click.echo(
            f"{kind}: {len(result[kind]['created'])} created, "
            f"{len(result[kind]['existing'])} already present"
        )
    click.echo(f"vocabularies: {len(result['vocabularies'])} checked")


@sach.command("demo", short_help="Load the demo catalogue (idempotent; runs seed first)")
def demo_command() -> None:
    """Load the demo catalogue: example datasets with uploaded CSV, JSON and GeoJSON files and
    a data dictionary each, spread over the dependencias (runs `seed` first)."""
    from ckanext.sach import demo

    result = demo.run()
    click.echo(
        f"datasets: {len(result['created'])} created, {len(result['existing'])} already present"
    )


@sach.command("check", short_help="Quality report per dependencia (completeness, stars, freshness)")
@click.option("--organization", "-o", default=None, help="Only this dependencia (name or id).")
@click.option("--reindex", is_flag=True, help="Reindex datasets whose freshness changed since indexing.")
def check_command(organization: str | None, reindex: bool) -> None:
    """Print, per dependencia, metadata completeness against the Guía's required fields,
    openness stars, data dictionary, freshness (current / due / overdue against the declared
    frequency) and unreviewed personal-data findings. Private datasets are included."""
    import ckan.plugins.toolkit as tk
    from ckan.types import Context

    from ckanext.sach.quality import logic as quality

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context: Context = {"user": site_user["name"], "ignore_auth": True}
    fq = ""
    if organization:
        try:
            org = tk.get_action("organization_show")(context.copy(), {"id": organization})
        except tk.ObjectNotFound as err:
            raise click.ClickException(f"Dependencia no encontrada: {organization}") from err
        fq = f'+owner_org:"{org["id"]}"'
    datasets = list(quality.iter_datasets(context, fq))
    click.echo(quality.format_report(quality.report(datasets)))
    if reindex:
        n = quality.reindex_stale(context, datasets, fq)
        click.echo(f"reindexados: {n}")


@sach.command("demo-microsite", short_help="Load the demo content of the Gobierno Abierto microsite")
def demo_microsite_command() -> None:
    """Create example texts, plain-language cards, publication plan, school activities and
    participation requests of /gobierno-abierto (idempotent; runs `seed` first, run `demo`
    before it to link the content to the demo datasets)."""
    from ckanext.sach.microsite import demo

    result = demo.run()
    click.echo(f"microsite: {len(result['created'])} created, {len(result['existing'])} already present")


@sach.command("dcat-warm", short_help="Build the cached DCAT serialisations that are missing")
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice(["ttl", "rdf", "jsonld", "pod"]),
              help="Formats to build (default: all; pod = /data.json).")
def dcat_warm_command(formats: tuple[str, ...]) -> None:
    """Serialise every public dataset that has no up-to-date cached serialisation, so the
    next harvest of /catalog.* is served from the cache. Run it after changing catalogue
    settings, dependencias, temas or vocabularies (they turn every entry cold), or from
    cron before the aggregators' harvest."""
    from ckanext.sach.dcat import cache, catalogue, listing, serialize

    if not cache.enabled():
        raise click.ClickException("Caché DCAT desactivada (ckanext.sach.dcat.cache_ttl = 0).")
    result = serialize.warm(listing.iter_rows(), formats or ("ttl", "rdf", "jsonld", "pod"),
                            catalogue.settings_version())
    for fmt, stats in result.items():
        click.echo(f"{fmt}: {stats['built']} generados, {stats['cached']} ya en caché")


@sach.command("privacy-scan", short_help="Run personal-data scans now (pending ones, or rescan datasets)")
@click.option("--dataset", "-d", "datasets", multiple=True, help="Rescan every resource of this dataset.")
@click.option("--all", "all_datasets", is_flag=True, help="Rescan every dataset of type dataset.")
def privacy_scan_command(datasets: tuple[str, ...], all_datasets: bool) -> None:
    """Scan resources for personal data in this process instead of the jobs worker: the pending
    scans (uploads above the inline size, linked files), plus every resource of the datasets
    given (or of all datasets with --all, e.g. for a catalogue loaded before the guard).
    Prints counts per status; never values."""
    from ckan import model

    from ckanext.sach.privacy import guard, jobs

    if not guard.enabled():
        raise click.ClickException("Guardia de datos personales desactivada o sin tablas "
                                   "(ckan db upgrade -p sach).")
    names = list(datasets)
    if all_datasets:
        names += [p.name for p in model.Session.query(model.Package)
                  .filter(model.Package.type == "dataset", model.Package.state != "deleted")]
    for name in names:
        pkg = model.Package.get(name)
        if pkg is None:
            raise click.ClickException(f"Conjunto de datos no encontrado: {name}")
        jobs.schedule_dataset(pkg)
    counts: dict[str, int] = {}
    for scan_id in jobs.pending_scan_ids():
        result = jobs.scan_resource(scan_id)
        status = result["status"] if result else "omitido"
        counts[status] = counts.get(status, 0) + 1
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "Nada que revisar.")


# `ckan sach template | export | load` (bulk publishing) live in their own module
from ckanext.sach.bulk import cli as _bulk_cli  # noqa: E402

_bulk_cli.register(sach)


@sach.command("search-rebuild", short_help="Rebuild the search index in parallel (each worker its own connection)")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--chunk-size", default=250, show_default=True, type=click.IntRange(1, 100000))
def search_rebuild_command(workers: int, chunk_size: int) -> None:
    """Reindex every dataset as `ckan search-index rebuild` does, with WORKERS processes.
    Exits non-zero naming the datasets that failed, or if a worker died."""
    from concurrent.futures.process import BrokenProcessPool

    from ckanext.sach.search import rebuild as _rebuild

    try:
        result = _rebuild.rebuild(workers=workers, chunk_size=chunk_size)
    except BrokenProcessPool as e:
        raise click.ClickException(f"A rebuild worker died, the index is incomplete: {e}") from e
    if result.failed:
        for pkg_id, error in sorted(result.failed.items()):
            click.echo(f"failed {pkg_id}: {error}", err=True)
        raise click.ClickException(
            f"{len(result.failed)} dataset(s) could not be indexed: "
            + ", ".join(sorted(result.failed)))
    if result.missing:
        raise click.ClickException(
            f"{len(result.missing)} dataset(s) reported as indexed have no search document: "
            + ", ".join(result.missing[:20]))
    click.echo(f"{len(result.indexed)} datasets indexed in {result.seconds:.1f} s "
               f"by {result.workers} workers")
