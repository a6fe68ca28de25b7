"""A stack's config read offline from ``Pulumi.<stack>.yaml``, for ``videokit validate --stack``.

Secret values are encrypted there and stay unread: a field that uses one is known to be set but
is not checked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._tree import ConfigValue, Context
from .loader import DeclarationError, Problem


def find_project(start: Sequence[Path]) -> Path | None:
    """The nearest ``Pulumi.yaml`` at or above each of ``start`` (then the working directory)."""
    for begin in [*start, Path.cwd()]:
        here = begin.resolve()
        here = here if here.is_dir() else here.parent
        for folder in [here, *here.parents]:
            if (folder / "Pulumi.yaml").is_file():
                return folder / "Pulumi.yaml"
    return None


def _yaml(path: Path) -> Any:
    from ruamel.yaml import YAML  # only for --stack: not on every validate's path
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise DeclarationError([Problem(str(path), 1, 1, "(file)", f"cannot be read: {exc}")]) from None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def offline_context(paths: Sequence[Path], stack: str, config_file: Path | None) -> Context:
    """The context a stack's program would see, read from files."""
    project_file = find_project([config_file] if config_file else list(paths))
    project = None
    if project_file is not None:
        data = _yaml(project_file)
        project = str(data.get("name")) if isinstance(data, dict) and data.get("name") else None
    if config_file is None and project_file is not None:
        candidate = project_file.parent / f"Pulumi.{stack}.yaml"
        config_file = candidate if candidate.is_file() else None
    values: dict[str, ConfigValue] = {}
    if config_file is not None:
        data = _yaml(config_file) or {}
        config = data.get("config") if isinstance(data, dict) else None
        for key, value in (config or {}).items():
            if isinstance(value, dict) and "secure" in value:
                values[str(key)] = ConfigValue(None, secret=True)
            else:
                values[str(key)] = ConfigValue(_text(value))
    return Context(stack=stack, project=project or "project", config=values.get)
