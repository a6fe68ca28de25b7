"""A declaration file parsed by libyaml (PyYAML's C parser) into positioned nodes.

ruamel's round-trip loader, which the loader used alone before, takes about a second for a
1,000-entry file; libyaml builds the same tree in a few hundredths of one. The values are
ruamel's (YAML 1.2, ``on``/``yes`` are strings; a time without an offset stays without one) and
so are the positions (a mapping member at its key, a list item at the item).

:func:`parse` gives up (returns :data:`UNSURE`) on anything it does not reproduce exactly, and
the loader then reads the file with ruamel: a syntax error (ruamel's message is the one users
see), a duplicate key, an explicit tag, an alias or merge key, a ``%YAML`` directive, a key that
is not a single value, nesting deeper than the loader allows, or no C parser at all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ._tree import Node, Pos

try:
    from yaml import MappingNode, ScalarNode, SequenceNode
    from yaml._yaml import CParser

    HAVE_LIBYAML = True
except ImportError:  # PyYAML without libyaml, or no PyYAML: ruamel reads every file
    HAVE_LIBYAML = False


class Unsure:
    """What :func:`parse` returns when ruamel must read the file."""


UNSURE = Unsure()

#: The prefix of the tags this module's resolver gives; any other tag was written in the file.
_MINE = "\0"
_STR, _NULL, _BOOL, _INT = "\0str", "\0null", "\0bool", "\0int"

# YAML 1.2 implicit types as ruamel resolves them (ruamel.yaml.resolver, the (1, 2) entries),
# tried in the same order for each first character.
_IMPLICIT: list[tuple[str, re.Pattern[str], str]] = [
    ("bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (
        "float",
        re.compile(
            r"""^(?:
             [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        "-+0123456789.",
    ),
    (
        "int",
        re.compile(
            r"""^(?:[-+]?0b[0-1_]+
            |[-+]?0o?[0-7_]+
            |[-+]?[0-9_]+
            |[-+]?0x[0-9a-fA-F_]+)$""",
            re.X,
        ),
        "-+0123456789",
    ),
    ("merge", re.compile(r"^(?:<<)$"), "<"),
    ("null", re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN"),
    (
        "timestamp",
        re.compile(
            r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
            |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
            (?:[Tt]|[ \t]+)[0-9][0-9]?
            :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
            (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
            re.X,
        ),
        "0123456789",
    ),
    ("value", re.compile(r"^(?:=)$"), "="),
]
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _regexp, _first in _IMPLICIT:
    for _char in _first:
        _BY_FIRST.setdefault(_char, []).append((_MINE + _tag, _regexp))
_PLAIN_INT = re.compile(r"^[-+]?[1-9][0-9]*$")
#: The common date-time spellings, read without ruamel (its constructor costs an import).
_PLAIN_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$")


if HAVE_LIBYAML:

    class _Composer(CParser):
        """libyaml's composer with ruamel's YAML 1.2 resolver, marking the tags it resolved."""

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                if value == "":
                    return _NULL if implicit[0] else _STR
                if implicit[0]:
                    for tag, regexp in _BY_FIRST.get(value[0], ()):
                        if regexp.match(value):
                            return tag
                return _STR
            return _MINE + ("seq" if kind is SequenceNode else "map")


class _Unsure(Exception):
    pass


_constructor: Any = None


def ruamel_yaml() -> Any:
    """ruamel's round-trip loader, with a scalar its type cannot hold (``2030-02-30``,
    ``!!int abc``) kept as the string it is, for the checks to judge at its line."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class Tolerant(RoundTripConstructor):
        pass

    for tag in ("timestamp", "int", "float", "bool"):
        full = "tag:yaml.org,2002:" + tag
        typed = RoundTripConstructor.yaml_constructors[full]

        def construct(self: Any, node: Any, typed: Any = typed) -> Any:
            try:
                return typed(self, node)
            except (ValueError, KeyError, IndexError):  # the scalar is not of its type
                return self.construct_scalar(node)

        Tolerant.add_constructor(full, construct)
    yaml = YAML(typ="rt")
    yaml.Constructor = Tolerant
    return yaml


def _ruamel_value(tag: str, value: str) -> Any:
    """A value as ruamel's round-trip constructor makes it (floats, timestamps, unusual ints)."""
    global _constructor
    from ruamel.yaml.nodes import ScalarNode as RuamelScalar

    if _constructor is None:
        _constructor = ruamel_yaml().constructor
    try:
        return _constructor.construct_object(RuamelScalar("tag:yaml.org,2002:" + tag, value), deep=True)
    except Exception:
        raise _Unsure from None


def _key(node: Any) -> Any:
    """A mapping key, as ruamel makes it (keys are not normalized like values)."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return node.value in ("true", "True", "TRUE")
    if tag == _INT and _PLAIN_INT.match(node.value):
        return int(node.value)
    if not tag.startswith(_MINE) or tag in ("\0merge", "\0value"):
        raise _Unsure
    return _ruamel_value(tag[1:], node.value)


def _value(node: Any) -> Any:
    """A scalar value, as ``_tree`` normalizes ruamel's: times as ISO strings (without an offset
    when the file gave none), dates as ISO dates, plain ints, floats and strings."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == "\0timestamp" and _PLAIN_TIME.match(node.value):
        try:
            parsed = dt.datetime.fromisoformat(node.value.replace("t", "T"))
        except ValueError:  # 2030-02-30T10:00:00Z: a string, for the checks to judge
            return node.value
        return parsed.isoformat().replace("+00:00", "Z")
    key = _key(node)
    if isinstance(key, dt.datetime):
        return key.isoformat().replace("+00:00", "Z")
    if isinstance(key, dt.date):
        return key.isoformat()
    if isinstance(key, bool) or key is None:
        return key
    if isinstance(key, int):
        return int(key)
    if isinstance(key, float):
        return float(key)
    if isinstance(key, str):
        return str(key)
    raise _Unsure


def _build(node: Any, file: str, pos: Pos, level: int, limit: int, seen: set[int]) -> Node:
    if level > limit or id(node) in seen:  # too deep for the loader, or an alias
        raise _Unsure
    seen.add(id(node))
    cls = node.__class__
    if cls is ScalarNode:
        return Node(_value(node), pos)
    if not node.tag.startswith(_MINE):
        raise _Unsure
    if cls is MappingNode:
        out: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _Unsure
            key = _key(key_node)
            if key in out:
                raise _Unsure  # ruamel reports the duplicate, with its own words
            mark = key_node.start_mark
            at = Pos(file, mark.line + 1, mark.column + 1)
            out[key] = _build(value_node, file, at, level + 1, limit, seen)
        return Node(out, pos)
    items: list[Node] = []
    for item in node.value:
        mark = item.start_mark
        items.append(_build(item, file, Pos(file, mark.line + 1, mark.column + 1), level + 1, limit, seen))
    return Node(items, pos)


_DIRECTIVE = re.compile(r"^%", re.M)


def parse(text: str, file: str, max_depth: int) -> Node | Unsure | None:
    """The file's tree (``None`` when it holds no value), or :data:`UNSURE` when ruamel must read it."""
    if not HAVE_LIBYAML or _DIRECTIVE.search(text):
        return UNSURE
    try:
        composer = _Composer(text)
        try:
            root = composer.get_single_node()
        finally:
            composer.dispose()
        if root is None:
            return None
        tree = _build(root, file, Pos(file, 1, 1), 0, max_depth, set())
    except (_Unsure, RecursionError):
        return UNSURE
    except Exception:  # a syntax error: ruamel's message and position are the ones users see
        return UNSURE
    return tree
