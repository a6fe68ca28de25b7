"""Load YAML declarations with positions, and report every problem as ``file:line:col: field: message``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import RunError
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..reconcile.validate import describe
from ._entries import REFERENCES, SECTIONS

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16
MAX_ENTRIES = 1000
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, at a place."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.field}: {self.message}"

    def github(self) -> str:
        text = f"{self.field}: {self.message}".replace("%", "%25").replace("\n", "%0A")
        return f"::error file={self.file},line={self.line},col={self.col}::{text}"


class DeclarationError(RunError, ValueError):
    """A declaration file has problems; nothing was sent to the API.

    A ``pulumi.RunError``, so the engine shows the problems without a Python traceback.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Entry:
    section: str
    name: str
    props: dict[str, Any]
    line: int
    #: Inputs filled from other entries: input name (``channelId``) → entry name.
    refs: dict[str, str] = field(default_factory=dict)


@dataclass
class Document:
    path: str
    entries: list[Entry] = field(default_factory=list)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, dt.datetime):
        # A time without an offset stays without one, so that validation names it.
        return node.isoformat().replace("+00:00", "Z")
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _pos(node: Any, key: Any = None) -> tuple[int, int]:
    """1-based line and column of ``node`` or of its ``key``."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return (1, 1)
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            line, col = lc.key(key)
        elif key is not None and isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, col = lc.item(key)
        else:
            line, col = lc.line, lc.col
    except (KeyError, TypeError, AttributeError):
        line, col = lc.line, lc.col
    return (int(line) + 1, int(col) + 1)


def _locate(node: Any, loc: tuple[Any, ...], default: tuple[int, int]) -> tuple[int, int]:
    """The position of the deepest node along ``loc`` that exists in the file."""
    where = default
    for part in loc:
        in_map = isinstance(node, CommentedMap) and part in node
        in_seq = isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node)
        if in_map or in_seq:
            where = _pos(node, part)
            node = node[part]
        else:
            break
    return where


def _depth(node: Any, limit: int, level: int = 0) -> Any:
    """The first node nested deeper than ``limit``, if any."""
    if level > limit:
        return node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        found = _depth(child, limit, level + 1)
        if found is not None:
            return found
    return None


_TYPE_TAG = re.compile(r"^(bool|str|int|float|list|dict|none)$|\[")


def merged_errors(exc: ValidationError) -> list[tuple[tuple[Any, ...], str]]:
    """One message per place: union-member tags dropped, alternatives joined with 'or'."""
    merged: dict[tuple[Any, ...], list[str]] = {}
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, int) or not _TYPE_TAG.search(str(p)))
        text = describe(err)
        if text not in merged.setdefault(loc, []):
            merged[loc].append(text)
    return [(loc, " or ".join(texts)) for loc, texts in merged.items()]


def _decode(raw: bytes, path: str) -> str:
    if len(raw) > MAX_BYTES:
        raise DeclarationError(
            [Problem(path, 1, 1, "(file)", f"is {len(raw)} bytes; the limit is {MAX_BYTES}")]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded"
        raise DeclarationError([Problem(path, line, col, "(file)", message)]) from None


def parse(text: bytes | str, path: str) -> Document:
    """Check a whole file; raise :class:`DeclarationError` with every problem found."""
    problems: list[Problem] = []

    def add(line: int, col: int, where: str, message: str) -> None:
        problems.append(Problem(path, line, col, where, message))

    if isinstance(text, bytes):
        text = _decode(text, path)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        root = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x) or str(exc)
        raise DeclarationError([Problem(path, line, col, "(yaml)", message.replace("\n", " "))]) from None
    except (YAMLError, RecursionError) as exc:
        raise DeclarationError([Problem(path, 1, 1, "(yaml)", f"cannot be parsed: {exc}")]) from None

    doc = Document(path)
    if root is None:
        return doc
    if not isinstance(root, CommentedMap):
        raise DeclarationError(
            [Problem(path, 1, 1, "(file)", f"must be a mapping of sections ({', '.join(SECTIONS)})")]
        )
    deep = _depth(root, MAX_DEPTH)
    if deep is not None:
        line, col = _pos(deep)
        raise DeclarationError([Problem(path, line, col, "(file)", f"nests deeper than {MAX_DEPTH} levels")])

    seen_names: dict[str, str] = {}
    count = 0
    for section, body in root.items():
        line, col = _pos(root, section)
        if section not in SECTIONS:
            add(line, col, str(section), f"is not a section (allowed: {', '.join(SECTIONS)})")
            continue
        if body is None:
            continue
        if not isinstance(body, CommentedMap):
            add(line, col, str(section), "must map resource names to declarations")
            continue
        model = SECTIONS[section]
        for name, decl in body.items():
            count += 1
            line, col = _pos(body, name)
            where = f"{section}.{name}"
            if count > MAX_ENTRIES:
                add(line, col, where, f"more than {MAX_ENTRIES} declarations in one file")
                raise DeclarationError(problems)
            if not isinstance(name, str) or not NAME_RE.match(name):
                add(
                    line,
                    col,
                    where,
                    "a resource name must start with a letter or digit and use only "
                    "letters, digits, '.', '_' and '-' (at most 100)",
                )
                continue
            if name in seen_names:
                add(line, col, where, f"duplicates the name already used in {seen_names[name]}")
                continue
            seen_names[name] = section
            if not isinstance(decl, CommentedMap):
                add(line, col, where, "must be a mapping of fields")
                continue
            plain = _plain(decl)
            try:
                # The API's camelCase names only: a snake_case key is an unknown field here.
                model.model_validate(plain, by_alias=True, by_name=False)
            except ValidationError as exc:
                for loc, message in merged_errors(exc):
                    at = _locate(decl, loc, (line, col))
                    add(at[0], at[1], ".".join([where, *(str(p) for p in loc)]), message)
                continue
            refs = {
                target: str(plain.pop(key))
                for key, (target, _) in REFERENCES[section].items()
                if plain.get(key) is not None
            }
            doc.entries.append(Entry(section, name, plain, line, refs))

    for entry in doc.entries:
        for key, (target, section) in REFERENCES[entry.section].items():
            named = entry.refs.get(target)
            declared = root.get(section)
            names = {str(k) for k in declared} if isinstance(declared, CommentedMap) else set()
            if named is not None and named not in names:
                line, col = _pos(root[entry.section][entry.name], key)
                add(
                    line,
                    col,
                    f"{entry.section}.{entry.name}.{key}",
                    f"names no {key} of this file ({section}: {', '.join(sorted(names)) or 'none'})",
                )
    if problems:
        raise DeclarationError(sorted(problems, key=lambda p: (p.line, p.col)))
    return doc


def load(path: str | Path) -> Document:
    """Read and check one file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DeclarationError(
            [Problem(str(path), 1, 1, "(file)", f"cannot be read: {exc.strerror}")]
        ) from None
    return parse(data, str(path))
