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
from .loader import DeclarationError, Problem, find_project, project_stacks


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
    if config_file is None:
        if project_file is None:
            where = ", ".join(str(p) for p in paths)
            message = f"stack {stack}: no Pulumi.yaml at or above {where}; give its config file with --config"
            raise DeclarationError([Problem(where, 1, 1, "(stack)", message)])
        config_file = project_file.parent / f"Pulumi.{stack}.yaml"
        if not config_file.is_file():
            stacks = ", ".join(project_stacks([project_file]) or []) or "none"
            raise DeclarationError(
                [
                    Problem(
                        str(config_file),
                        1,
                        1,
                        "(stack)",
                        f"stack {stack} has no config file here (stacks with one: {stacks}); "
                        "check the name, or give the config file with --config",
                    )
                ]
            )
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
