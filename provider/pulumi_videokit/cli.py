"""The ``videokit`` command."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click
from click.decorators import FC

from ._version import __version__


def _format_option(*choices: str, help: str | None = None) -> Callable[[FC], FC]:
    """``--format`` (the ``fmt`` parameter): one of ``choices``, the first by default."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help=help
    )


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
@_format_option("text", "github", help="github prints GitHub Actions annotations.")
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
    if stack is not None:
        # org/project/stack names the same stack as its last part, which names its files.
        stack = stack.rsplit("/", 1)[-1]
        if not re.match(r"^[A-Za-z0-9_.-]+$", stack):
            raise click.UsageError(f"--stack {stack!r} is not a stack name (letters, digits, '_', '.', '-')")
    try:
        context = offline_context(paths, stack, config_file) if stack else None
        doc = load(*paths, context=context)
    except DeclarationError as exc:
        for problem in exc.problems:
            click.echo(problem.github() if fmt == "github" else str(problem))
        sys.exit(1)
    for warning in doc.warnings:
        click.echo(warning.github("warning") if fmt == "github" else f"warning: {warning}", err=True)
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


@main.command()
@click.option(
    "--kinds",
    default="all",
    show_default=True,
    help="Comma-separated sections (or kind names) to export, or all of them.",
)
@click.option(
    "--name-prefix", default=None, help="Only objects whose name (event: title; domain: host) starts so."
)
@click.option(
    "--channel", "channels", multiple=True, help="Only this channel (id or name) and its events; repeatable."
)
@click.option(
    "--since", default=None, help="Only objects created at or after this time (domains carry no date)."
)
@click.option(
    "--asset",
    "assets",
    multiple=True,
    help="A streaming asset whose settings and details are exported; repeatable.",
)
@click.option(
    "--retain", is_flag=True, help="Add retainOnDelete: true, so a destroy leaves every object in place."
)
@_format_option(
    "yaml",
    "pulumi-import",
    help="pulumi-import writes the JSON file `pulumi import --file` takes, for the native provider.",
)
@click.option(
    "--out", "out_dir", type=click.Path(readable=False), metavar="DIR", help="One file per kind here."
)
@click.option(
    "-o",
    "--output",
    "out_file",
    type=click.Path(readable=False),
    metavar="FILE",
    help="One file (default: stdout).",
)
@click.option(
    "--stack", default=None, help="Read videokit:* config from this Pulumi stack (as the provider does)."
)
def export(
    kinds: str,
    name_prefix: str | None,
    channels: tuple[str, ...],
    since: str | None,
    assets: tuple[str, ...],
    retain: bool,
    fmt: str,
    out_dir: str | None,
    out_file: str | None,
    stack: str | None,
) -> None:
    """Write a live tenant as declarations that adopt what exists (never any key material).

    Config comes from the same keys and environment variables as the provider:
    videokit:tenantName/tenantId/apiKey/endpoint (with --stack) or VIDEOKIT_*.
    """
    from . import export as ex
    from .client import VideoKitError
    from .reconcile.errors import UserError
    from .reconcile.kinds import Kind
    from .reconcile.service import connect, read_config

    config: dict[str, str] = {}
    try:
        ex.check_output(out_dir, out_file)
        sections = ex.sections_of(kinds)
        filters = ex.Filters(
            sections=sections,
            name_prefix=name_prefix,
            channels=channels,
            since=ex.parse_since(since) if since else None,
            assets=assets,
            retain=retain,
        )
        config = read_config(ex.stack_config(stack) if stack else {})
        client = connect(Kind, config).client
        items = ex.collect(client, filters)
    except (ValueError, UserError) as exc:
        click.echo(f"videokit export: {exc}", err=True)
        sys.exit(1)
    except VideoKitError as exc:
        click.echo(f"videokit export: {ex.failure(exc, config)}", err=True)
        sys.exit(1)
    if fmt == "pulumi-import":
        texts = {"import.json": ex.render_import(items)}
    elif out_dir is not None:
        texts = ex.render_files(items, filters, sections)
    else:
        crowded = ex.too_many_for_one_file(items)
        if crowded:
            _refuse("export", crowded)
        texts = {"": ex.render_yaml(items, filters)}
    if out_dir is None and out_file is None:
        click.echo(next(iter(texts.values())), nl=False)
    try:
        if out_dir is not None:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            for name, text in texts.items():
                (Path(out_dir) / name).write_text(text, encoding="utf-8")
        elif out_file is not None:
            Path(out_file).write_text(next(iter(texts.values())), encoding="utf-8")
    except OSError as exc:  # the --out or -o place the user named
        option, place = ("--out", out_dir) if out_dir is not None else ("-o/--output", out_file or "")
        _refuse("export", ex.write_failure(exc, option, place))
    counts = ", ".join(f"{sum(i.section == s for i in items)} {s}" for s in sections)
    click.echo(f"videokit export: {counts}", err=True)


@main.group()
def plugin() -> None:
    """The native plugin, for Pulumi YAML and the other languages' SDKs."""


@plugin.command("install")
def plugin_install() -> None:
    """Install the native plugin into Pulumi's plugin cache (`pulumi plugin install`), as one that
    runs this Python (replacing one of this version): the engine finds it there, as it finds any
    provider, with no warning."""
    import os
    import shlex
    import shutil
    import subprocess
    import tempfile

    pulumi = shutil.which("pulumi")
    if pulumi is None:
        click.echo("videokit plugin install: `pulumi` is not on PATH; install the Pulumi CLI first", err=True)
        sys.exit(1)
    with tempfile.TemporaryDirectory() as scratch:
        launcher = Path(scratch) / "pulumi-resource-videokit"
        launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m pulumi_videokit "$@"\n')
        launcher.chmod(0o755)
        command = [pulumi, "plugin", "install", "resource", "videokit", __version__, "--file", str(launcher)]
        done = subprocess.run(
            [*command, "--reinstall", "--non-interactive"],
            capture_output=True,
            text=True,
            env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
        )
    if done.returncode != 0:
        click.echo(
            f"videokit plugin install: {' '.join(command[1:5])} failed: {done.stderr.strip()}", err=True
        )
        sys.exit(1)
    click.echo(f"installed the videokit plugin v{__version__}, running {sys.executable} -m pulumi_videokit")


@main.command("plan-summary")
@click.argument("file", default="-")
@click.option(
    "--expect-no-changes",
    is_flag=True,
    help="Any change is an error (exit 1), like `pulumi preview --expect-no-changes`.",
)
def plan_summary(file: str, expect_no_changes: bool) -> None:
    """Markdown for a PR comment from `pulumi preview --json` (FILE or stdin).

    Exit code: 0 nothing would change, 2 changes, 1 the preview failed or its output cannot be
    read (not its JSON, the wrong shape, or cut off before its end).
    """
    from .reports import PREVIEW, ReviewError
    from .reports import plan_summary as summarize

    text = _read_engine_json("plan-summary", file, PREVIEW)
    try:
        plan = summarize(text, expect_no_changes=expect_no_changes)
    except ReviewError as exc:
        _refuse("plan-summary", f"{_input_name(file)}: {exc}")
    click.echo(plan.markdown, nl=False)
    sys.exit(plan.exit_code)


@main.command("drift-report")
@click.argument("file", default="-")
@_format_option("markdown", "json")
def drift_report(file: str, fmt: str) -> None:
    """What changed outside the repo, from `pulumi refresh --preview-only --json` (FILE or stdin).

    Exit code: 0 no drift, 2 drift, 1 the refresh failed or its output cannot be read (not its
    JSON, the wrong shape, or cut off before its end).
    """
    from .reports import REFRESH, ReviewError
    from .reports import drift_report as report

    text = _read_engine_json("drift-report", file, REFRESH)
    try:
        drift = report(text)
    except ReviewError as exc:
        _refuse("drift-report", f"{_input_name(file)}: {exc}")
    click.echo(drift.json() if fmt == "json" else drift.markdown(), nl=False)
    sys.exit(drift.exit_code)


def _input_name(file: str) -> str:
    return "stdin" if file == "-" else file


def _refuse(command: str, message: str) -> NoReturn:
    click.echo(f"videokit {command}: {message}", err=True)
    sys.exit(1)


def _read_engine_json(command: str, file: str, writer: str) -> str:
    """The text of FILE or stdin; a terminal on stdin is refused rather than waited on."""
    from .reports import ReviewError, decode

    if file == "-" and sys.stdin is not None and sys.stdin.isatty():
        _refuse(command, f"reads the output of `{writer}` from FILE or stdin: pipe it in or name the file")
    try:
        with click.open_file(file, "rb") as stream:
            return decode(stream.read())
    except OSError as exc:
        _refuse(command, f"{_input_name(file)}: {exc.strerror or exc}")
    except ReviewError as exc:
        _refuse(command, f"{_input_name(file)}: {exc}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
