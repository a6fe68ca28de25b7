"""A YAML tree that remembers where each value came from (file, line, column), overlays merged
over it, and ``${...}`` interpolation resolved in its strings.

Nothing here imports ``pulumi``: the stack's config reaches it through :class:`Context`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..lookups import Reference


@dataclass(frozen=True)
class Pos:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class Node:
    """A value (``dict`` of nodes, ``list`` of nodes, or a scalar) and the place an error about it
    points at: its key for a mapping member, the item for a list item."""

    value: Any
    pos: Pos


#: Reports a problem: position, dotted field path, message.
Report = Callable[[Pos, str, str], None]


def _lc(node: Any, key: Any, file: str, default: Pos) -> Pos:
    lc = getattr(node, "lc", None)
    if lc is None:
        return default
    try:
        line, col = lc.key(key) if isinstance(node, dict) else lc.item(key)
    except (KeyError, TypeError, AttributeError, IndexError):
        return default
    return Pos(file, int(line) + 1, int(col) + 1)


def _scalar(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # A time without an offset stays without one, so that validation names it.
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def from_yaml(node: Any, file: str, pos: Pos | None = None) -> Node:
    """Convert a ruamel round-trip tree into positioned nodes."""
    here = pos or Pos(file, 1, 1)
    if isinstance(node, dict):
        return Node({k: from_yaml(v, file, _lc(node, k, file, here)) for k, v in node.items()}, here)
    if isinstance(node, list):
        return Node([from_yaml(v, file, _lc(node, i, file, here)) for i, v in enumerate(node)], here)
    return Node(_scalar(node), here)


def plain(node: Node) -> Any:
    if isinstance(node.value, dict):
        return {str(k): plain(v) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [plain(v) for v in node.value]
    return node.value


def locate(node: Node, loc: tuple[Any, ...]) -> Pos:
    """The position of the deepest node along ``loc`` that exists."""
    where = node.pos
    for part in loc:
        value = node.value
        if (isinstance(value, dict) and part in value) or (
            isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        ):
            node = value[part]
        else:
            break
        where = node.pos
    return where


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a single value"


def merge(base: Node, over: Node, path: tuple[str, ...], report: Report) -> Node:
    """Deep-merge ``over`` onto ``base``: mappings merge, lists and single values replace, and a
    ``null`` removes the entry or field it names."""
    if isinstance(base.value, dict) and isinstance(over.value, dict):
        out = dict(base.value)
        for key, child in over.value.items():
            where = (*path, str(key))
            if child.value is None:
                if key in out:
                    del out[key]
                else:
                    report(child.pos, ".".join(where), f"null removes nothing: {base.pos.file} has no {key}")
                continue
            out[key] = merge(out[key], child, where, report) if key in out else child
        return Node(out, base.pos)
    if base.value is not None and _shape(base.value) != _shape(over.value):
        report(
            over.pos,
            ".".join(path),
            f"the overlay gives {_shape(over.value)} where {base.pos} has {_shape(base.value)}; "
            "an overlay may change a value but not its shape (null removes it)",
        )
        return base
    return over


# ---- interpolation ----


@dataclass(frozen=True)
class ConfigValue:
    """One stack config value; ``value`` is ``None`` for a secret that cannot be read offline."""

    value: str | None
    secret: bool = False


@dataclass
class Context:
    """What ``${...}`` may name: the stack, the project, the stack's config, the environment.

    ``stack`` is ``None`` when the files are checked without a stack: then ``${stack}``,
    ``${project}`` and ``${config:…}`` are left unresolved (their fields are not checked) and no
    overlay applies.
    """

    stack: str | None = None
    project: str | None = None
    config: Callable[[str], ConfigValue | None] | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    lookup: Callable[[Reference], str] | None = None


TOKEN = re.compile(r"\$\$\{|\$\{([^{}$]*)\}|\$\{")
CONFIG_NAME = re.compile(r"^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FORMS = (
    "${stack}, ${project}, ${config:NAME}, ${env:NAME}, ${lookup:FUNCTION(ARG=VALUE).FIELD} "
    "(write $${ for a literal ${)"
)


@dataclass
class Resolved:
    """The outcome of interpolation over a tree."""

    #: Paths (tuples of keys and indexes) whose value is not known offline: not checked.
    unresolved: set[tuple[Any, ...]] = field(default_factory=set)
    #: Paths whose value came from a secret config value.
    secret: set[tuple[Any, ...]] = field(default_factory=set)
    #: Paths whose whole value is one resolved ``${...}`` (the token, by path): a string that may
    #: stand for a number or a boolean, since config and environment values are text.
    whole: dict[tuple[Any, ...], str] = field(default_factory=dict)
    #: Values a message must never show (environment variables, secret config), with the token
    #: that stands for each: ``(value, "${env:API_KEY}")``.
    hidden: list[tuple[str, str]] = field(default_factory=list)

    def mask(self, message: str) -> str:
        """``message`` with every hidden value replaced by its ``${...}``."""
        for value, token in sorted(self.hidden, key=lambda h: -len(h[0])):
            if len(value) >= 3:
                message = message.replace(value, token)
        return message


class _Unresolved(Exception):
    pass


def interpolate(
    node: Node,
    ctx: Context,
    allow_env: frozenset[str],
    report: Report,
    done: Resolved,
    path: tuple[Any, ...] = (),
    field_path: tuple[str, ...] = (),
) -> Node:
    """Resolve ``${...}`` in every string value of ``node`` (keys are names, never interpolated)."""
    if isinstance(node.value, dict):
        return Node(
            {
                k: interpolate(v, ctx, allow_env, report, done, (*path, k), (*field_path, str(k)))
                for k, v in node.value.items()
            },
            node.pos,
        )
    if isinstance(node.value, list):
        return Node(
            [
                interpolate(v, ctx, allow_env, report, done, (*path, i), (*field_path, str(i)))
                for i, v in enumerate(node.value)
            ],
            node.pos,
        )
    if not isinstance(node.value, str) or "$" not in node.value:
        return node
    text = node.value
    out: list[str] = []
    last = 0
    unknown = secret = failed = False
    pos = 0
    while (match := TOKEN.search(text, pos)) is not None:
        out.append(text[last : match.start()])
        last = pos = match.end()
        token = match.group(0)
        if token == "$${":
            out.append("${")
            continue
        expr = match.group(1)
        if expr is None:
            nested = _nested_end(text, match.start())
            if nested is not None:
                report(
                    node.pos,
                    ".".join(field_path),
                    f"{text[match.start() : nested]}: a lookup's arguments are literal text; a ${{…}} "
                    "inside ${lookup:…} is not supported (no nesting): write the value itself",
                )
                last = pos = nested
            else:
                report(
                    node.pos,
                    ".".join(field_path),
                    f"{text!r} has a ${{ that is not closed; write $${{ for a literal ${{",
                )
            failed = True
            continue
        try:
            value, is_secret = _resolve(expr.strip(), ctx, allow_env)
        except _Unresolved:
            unknown = True
            out.append(token)
            continue
        except ValueError as exc:
            report(node.pos, ".".join(field_path), str(exc))
            failed = True
            continue
        secret = secret or is_secret
        if is_secret or expr.strip().startswith("env:"):
            done.hidden.append((value, token))
        out.append(value)
    out.append(text[last:])
    if failed or unknown:
        done.unresolved.add(path)
    if secret:
        done.secret.add(path)
    if not (failed or unknown) and TOKEN.fullmatch(text) and text != "$${":
        done.whole[path] = text
    return Node("".join(out), node.pos)


def _nested_end(text: str, start: int) -> int | None:
    """Where the ``${lookup:…}`` at ``start`` ends when a ``${…}`` is nested in it (its ``}``
    matched with the nested ones'); ``None`` when no lookup with a nested ``${`` starts there."""
    if not text.startswith("${lookup:", start):
        return None
    depth, at, nested = 1, start + 2, False
    while at < len(text) and depth:
        if text.startswith("${", at):
            depth, nested, at = depth + 1, True, at + 2
            continue
        depth -= text[at] == "}"
        at += 1
    return at if nested and depth == 0 else None


def _resolve(expr: str, ctx: Context, allow_env: frozenset[str]) -> tuple[str, bool]:
    if expr == "stack":
        if ctx.stack is None:
            raise _Unresolved
        return ctx.stack, False
    if expr == "project":
        if ctx.project is None:
            raise _Unresolved
        return ctx.project, False
    kind, _, name = expr.partition(":")
    if kind == "config" and name:
        if not CONFIG_NAME.match(name):
            raise ValueError(f"${{config:{name}}}: a config key is NAME or NAMESPACE:NAME")
        if ctx.stack is None or ctx.config is None or ctx.project is None:
            raise _Unresolved
        key = name if ":" in name else f"{ctx.project}:{name}"
        found = ctx.config(key)
        if found is None:
            raise ValueError(
                f"${{config:{name}}}: stack {ctx.stack} has no config value {key} "
                f"(set it with `pulumi config set {name} VALUE`, --secret for a secret)"
            )
        if found.value is None:
            raise _Unresolved
        return found.value, found.secret
    if kind == "env" and name:
        if not ENV_NAME.match(name):
            raise ValueError(f"${{env:{name}}}: not an environment variable name")
        if name not in allow_env:
            allowed = ", ".join(sorted(allow_env)) or "none"
            raise ValueError(
                f"${{env:{name}}}: {name} is not in this file's allowEnv (allowed: {allowed}); "
                "list it under a top-level allowEnv to read it"
            )
        if name not in ctx.environ:
            if ctx.stack is None:
                raise _Unresolved
            raise ValueError(f"${{env:{name}}}: environment variable {name} is not set")
        return ctx.environ[name], False
    if kind == "lookup" and name:
        # The lookups' models are built only for a file that uses one.
        from ..lookups import LookupFailed, parse_reference

        try:
            reference = parse_reference(name)
            if ctx.lookup is None:
                raise _Unresolved
            return ctx.lookup(reference), False
        except LookupFailed as exc:
            raise ValueError(f"${{lookup:{name}}}: {exc}") from None
    raise ValueError(f"${{{expr}}} is not a known interpolation (allowed: {FORMS})")
