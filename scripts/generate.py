"""`make generate`: everything written from the kinds' and the lookups' tables, so a field's facts live
in one place.

Writes the types of the Python classes (``provider/pulumi_videokit/resources/__init__.pyi``), the
package's names (``provider/pulumi_videokit/__init__.py``, between its markers), the JSON Schemas in
``schemas/`` and the README's tables of what each resource does and of the lookups (between their
markers). ``--check`` writes nothing and exits 1 naming each file that is stale;
``tests/test_registry.py`` makes the same check in ``make test``. The typed SDKs under ``sdk/`` come
from ``make sdk``.

Usage: scripts/generate.py [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pulumi_videokit.gitops.schema import render as yaml_schema
from pulumi_videokit.lookups import FUNCTIONS
from pulumi_videokit.native.schema import render as package_schema
from pulumi_videokit.reconcile.kinds import KINDS, Kind
from pulumi_videokit.specs import CONTROL_FIELDS, words

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "provider" / "pulumi_videokit" / "resources"
README = ROOT / "README.md"

_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def python_type(node: Mapping[str, Any]) -> str:
    """The Python type of a JSON Schema node, as the typed classes take it."""
    if "anyOf" in node:
        kinds = [python_type(n) for n in node["anyOf"] if n.get("type") != "null"]
        return " | ".join(dict.fromkeys(kinds))
    if "enum" in node:
        return "Literal[" + ", ".join(json.dumps(v) for v in node["enum"]) + "]"
    if "const" in node:
        return f"Literal[{json.dumps(node['const'])}]"
    if "$ref" in node:
        return "Mapping[str, Any]"
    kind = node.get("type")
    if kind == "array":
        return f"Sequence[{python_type(node.get('items', {}))}]"
    if kind == "object":
        extra = node.get("additionalProperties")
        return f"Mapping[str, {python_type(extra)}]" if isinstance(extra, dict) else "Mapping[str, Any]"
    return _SCALARS.get(str(kind), "Any")


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    """A ``$ref`` to an enum is written as its values; any other ``$ref`` stays a mapping."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = defs.get(ref.rsplit("/", 1)[-1], {})
        return target if "enum" in target else node
    if "anyOf" in node:
        return {**node, "anyOf": [_resolve(n, defs) for n in node["anyOf"]]}
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return {**node, "items": _resolve(node["items"], defs)}
    return node


def typed_class(kind: type[Kind]) -> str:
    """The typed face of ``kind``'s class: keyword arguments from its model, outputs from its
    outputs model."""
    spec = kind.spec
    model = spec.model.model_json_schema(by_alias=True, mode="validation")
    defs = model.get("$defs", {})
    required = set(model.get("required", []))
    args: list[str] = []
    for name, node in model["properties"].items():
        hint = python_type(_resolve(node, defs))
        if name in CONTROL_FIELDS:
            # Controls steer the provider and must be known when the program runs.
            args.append(f"        {snake(name)}: {hint} | None = None,")
        elif name in required:
            args.append(f"        {snake(name)}: pulumi.Input[{hint}],")
        else:
            args.append(f"        {snake(name)}: pulumi.Input[{hint}] | None = None,")
    args.sort(key=lambda line: " = None" in line)
    optional = {name: "" if name in spec.required_outputs else " | None" for name in spec.outputs}
    outputs = [
        f"    {snake(name)}: pulumi.Output[{python_type(n)}{optional[name]}]"
        for name, n in spec.output_types.items()
    ]
    return f'''
class {spec.kind}Provider(VideoKitProvider): ...

class {spec.kind}(VideoKitResource):
    """{spec.doc}"""

{chr(10).join(outputs)}
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
{chr(10).join(args)}
    ) -> None: ...
'''


def stub() -> str:
    """``resources/__init__.pyi``: the types of the resources package, every kind's class typed."""
    return '''"""Types of `pulumi_videokit.resources`, written by `make generate` from the kinds' table."""

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pulumi

from ..reconcile.kinds import KINDS as KINDS
from ..reconcile.kinds import Kind as Kind
from ._provider import ConfigurationError as ConfigurationError
from ._provider import InterruptRefused as InterruptRefused
from ._provider import VideoKitProvider as VideoKitProvider
from ._resource import InvalidDeclarationError as InvalidDeclarationError
from ._resource import VideoKitResource as VideoKitResource

RESOURCES: dict[str, type[VideoKitResource]]
''' + "".join(typed_class(k) for k in KINDS)


def _code(names: Any) -> str:
    listed = [f"`{n}`" for n in names]
    return words(listed) if listed else "—"


def readme_table() -> str:
    """What each resource does, one row per kind."""
    rows = [
        "| resource | updated in place | replaced when one changes "
        "| never returned (kept from the last apply) | outputs | notes |",
        "|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        spec = kind.spec
        fields = spec.input_names()
        replaced = _code([f for f in fields if f in spec.create_only])
        if spec.delete_before_replace and spec.create_only:
            replaced += " (deleted first)"
        outputs = _code(spec.outputs)
        if spec.secret_outputs:
            outputs += " (secret: " + _code(spec.secret_outputs) + ")"
        rows.append(
            f"| `{spec.kind}` | {_code(f for f in fields if f in spec.patchable)} | {replaced} "
            f"| {_code(f for f in fields if f in spec.never_returned)} | {outputs} "
            f"| {spec.notes or spec.doc} |"
        )
    return "\n".join(rows) + "\n"


def lookups_table() -> str:
    """The data lookups, one row per function of ``lookups.FUNCTIONS``."""
    rows = ["| function | arguments | answers |", "|---|---|---|"]
    for fn in FUNCTIONS.values():
        names = ", ".join(f"`{n}`" for n in fn.argument_names()) or "—"
        rows.append(f"| `{fn.name}` | {names} | {fn.description} |")
    return "\n".join(rows) + "\n"


def _readme(current: str) -> str:
    """The README with its tables between their markers written anew."""
    for source, table in (("kinds", readme_table), ("lookups", lookups_table)):
        begin = f"<!-- generated by `make generate` from the {source}: begin -->"
        end = f"<!-- generated by `make generate` from the {source}: end -->"
        start, stop = current.index(begin) + len(begin), current.index(end)
        current = current[:start] + "\n" + table() + current[stop:]
    return current


def _regions(current: str, lines: Callable[[str], list[str]], source: str = "kinds") -> str:
    """``current`` with each region between ``# generated … from the SOURCE`` markers written
    anew: ``lines`` is given the text before the region."""
    begin = f"# generated by `make generate` from the {source}: begin"
    end = f"# generated by `make generate` from the {source}: end"
    out, at = [], 0
    while (start := current.find(begin, at)) >= 0:
        line_start = current.rfind("\n", 0, start) + 1
        indent = current[line_start:start]
        stop = current.index(end, start)
        stop_line = current.rfind("\n", 0, stop) + 1
        out.append(current[at : start + len(begin)] + "\n")
        out.append("".join(f"{indent}{line}\n" for line in lines(current[:start])))
        at = stop_line
    return "".join(out) + current[at:]


def _modules() -> list[tuple[str, str]]:
    """Each kind's typed module and class name."""
    return [(k.__module__.rsplit(".", 1)[-1], k.spec.kind) for k in KINDS]


def _package_init(current: str) -> str:
    """The package's names from the kinds (``resources``) and the lookups (``lookups``), each
    imported for type checkers, listed in ``_LAZY`` to import on first use, and in ``__all__``."""

    def writer(module: str, names: list[str]) -> Callable[[str], list[str]]:
        def lines(before: str) -> list[str]:
            if "__all__" in before:
                return [f'"{name}",' for name in names]
            if "_LAZY = {" in before:
                return [f'"{name}": ".{module}",' for name in names]
            return [f"from .{module} import {name} as {name}" for name in names]

        return lines

    kinds = sorted(name for _, name in _modules())
    functions = sorted(f.python_name for f in FUNCTIONS.values())
    return _regions(_regions(current, writer("resources", kinds)), writer("lookups", functions), "lookups")


def targets() -> dict[Path, Callable[[str], str]]:
    """Each generated file, and how its new text is made from its current one."""
    out: dict[Path, Callable[[str], str]] = {
        ROOT / "schemas" / "pulumi-package.json": lambda _: package_schema(),
        ROOT / "schemas" / "videokit.schema.json": lambda _: yaml_schema(),
        ROOT / "schemas" / "videokit.overlay.schema.json": lambda _: yaml_schema(overlay=True),
        README: _readme,
        RESOURCES / "__init__.pyi": lambda _: stub(),
        RESOURCES.parent / "__init__.py": _package_init,
    }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is stale")
    check = parser.parse_args().check
    stale = []
    for path, make in targets().items():
        current = path.read_text() if path.exists() else ""
        wanted = make(current)
        if wanted != current:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(wanted)
    if check and stale:
        then = (
            " (then `make sdk`: the SDKs follow the package schema)"
            if any("pulumi-package" in str(p) for p in stale)
            else ""
        )
        print("stale, run `make generate`" + then + ": " + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
