"""The ``videokit`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._version import __version__


@click.group()
@click.version_option(__version__, prog_name="videokit")
def main() -> None:
    """Cloud Video Kit as code: emulator, validation and schema tools."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file that seeds the state and receives every write.",
)
@click.option("--api-key", default="test-api-key", show_default=True, envvar="VIDEOKIT_API_KEY")
@click.option(
    "--tenant-id",
    default="00000000-0000-0000-0000-000000000001",
    show_default=True,
    envvar="VIDEOKIT_TENANT_ID",
)
@click.option("--tenant-name", default="emulator", show_default=True)
@click.option(
    "--transition-seconds",
    default=2.0,
    show_default=True,
    type=float,
    help="How long channels stay Starting/Stopping.",
)
@click.option("--latency-ms", default=0, show_default=True, type=int, help="Added to every request.")
@click.option("--faults", default="", help="e.g. '429:0.2,503:0.1,drop:every3' (kind:rate[:METHOD[:path]])")
@click.option("--seed", default=None, type=int, help="Seed for random faults.")
@click.option(
    "--lenient",
    is_flag=True,
    help="Accept unknown body fields and query parameters, as a forgiving server would "
    "(default: refuse them with 400, as the contract is written).",
)
@click.option(
    "--return-key-material",
    is_flag=True,
    help="Answer Create API Key with the new key in a 'key' field; the reference documents none.",
)
def emulator(
    host: str,
    port: int,
    data: Path | None,
    api_key: str,
    tenant_id: str,
    tenant_name: str,
    transition_seconds: float,
    latency_ms: int,
    faults: str,
    seed: int | None,
    lenient: bool,
    return_key_material: bool,
) -> None:
    """Serve a local Cloud Video Kit API that judges every request by the reference's contract."""
    import uvicorn

    from .emulator import EmulatorConfig, FaultPlan, Store, create_app, parse_spec

    try:
        rules = parse_spec(faults)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from None
    config = EmulatorConfig(
        api_key=api_key,
        tenant_id=tenant_id,
        tenant_name=tenant_name,
        transition_seconds=transition_seconds,
        latency_ms=latency_ms,
        public_url=f"http://{host}:{port}",
        lenient=lenient,
        return_key_material=return_key_material,
    )
    store = Store(data)
    if data is not None and not data.exists():
        store.save()
    app = create_app(config, store=store, faults=FaultPlan(rules, seed=seed))
    click.echo(f"videokit emulator on http://{host}:{port} (tenant {tenant_name})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github prints GitHub Actions annotations.",
)
@click.option("--stack", default=None, help="Check as stack NAME sees them: its overlays and ${...} values.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The stack's config file (default: Pulumi.<stack>.yaml beside the nearest Pulumi.yaml).",
)
def validate(paths: tuple[Path, ...], fmt: str, stack: str | None, config_file: Path | None) -> None:
    """Check YAML declarations offline, files and directories together as one set: schema,
    models, references, names unique across files; with --stack, that stack's overlays and
    interpolated values too."""
    from .gitops.loader import DeclarationError, load
    from .gitops.stackconfig import offline_context

    if config_file is not None and stack is None:
        raise click.UsageError("--config needs --stack")
    try:
        context = offline_context(paths, stack, config_file) if stack else None
        doc = load(*paths, context=context)
    except DeclarationError as exc:
        for problem in exc.problems:
            click.echo(problem.github() if fmt == "github" else str(problem))
        sys.exit(1)
    if fmt == "text":
        label = ", ".join(str(p) for p in paths)
        where = f" from {len(doc.files)} files" if len(doc.files) > 1 else ""
        on = f", stack {stack}" if stack else ""
        click.echo(f"{label}: ok ({len(doc.entries)} declarations){where}{on}", err=True)


@main.command()
@click.option(
    "--overlay",
    is_flag=True,
    help="The schema of an overlay (NAME.<stack>.yaml): nothing required, null removes.",
)
def schema(overlay: bool) -> None:
    """Print the JSON Schema of the YAML declarations."""
    from .gitops.schema import render

    click.echo(render(overlay=overlay), nl=False)


@main.command("plan-summary")
@click.argument("file", default="-")
@click.option(
    "--expect-no-changes",
    is_flag=True,
    help="Any change is an error (exit 1), like `pulumi preview --expect-no-changes`.",
)
def plan_summary(file: str, expect_no_changes: bool) -> None:
    """Markdown for a PR comment from `pulumi preview --json` (FILE or stdin).

    Exit code: 0 nothing would change, 2 changes, 1 the preview failed or cannot be read.
    """
    from .gitops.review import ReviewError
    from .gitops.review import plan_summary as summarize

    try:
        with click.open_file(file, "r") as stream:
            plan = summarize(stream.read(), expect_no_changes=expect_no_changes)
    except (OSError, ReviewError) as exc:
        click.echo(f"videokit plan-summary: {exc}", err=True)
        sys.exit(1)
    click.echo(plan.markdown, nl=False)
    sys.exit(plan.exit_code)


@main.command("drift-report")
@click.argument("file", default="-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
def drift_report(file: str, fmt: str) -> None:
    """What changed outside the repo, from `pulumi refresh --preview-only --json` (FILE or stdin).

    Exit code: 0 no drift, 2 drift, 1 the refresh failed or cannot be read.
    """
    from .gitops.review import ReviewError
    from .gitops.review import drift_report as report

    try:
        with click.open_file(file, "r") as stream:
            drift = report(stream.read())
    except (OSError, ReviewError) as exc:
        click.echo(f"videokit drift-report: {exc}", err=True)
        sys.exit(1)
    click.echo(drift.json() if fmt == "json" else drift.markdown(), nl=False)
    sys.exit(drift.exit_code)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
