"""Load YAML declarations with positions, and report every problem as ``file:line:col: field: message``.

Many files and directories load as one set of declarations; ``NAME.<stack>.yaml`` overlays
``NAME.yaml`` on that stack; ``${...}`` is resolved in string values (see ``_tree``).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..reconcile.kinds import SECTIONS, SPECS
from ..reconcile.validate import describe, may_omit
from . import _fastyaml, _tree
from ._entries import OPTIONS, entry_of
from ._tree import Context, Node, Pos

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16
MAX_ENTRIES = 1000
#: The longest string value: far past any field the API takes.
MAX_STRING = 64 * 1024
#: Aliases (``*name``) in one file, how deep one may reach through others, and how many nodes
#: they may add in all: enough for shared settings, never for a file that grows a million-fold.
MAX_ALIASES = 1000
MAX_ALIAS_DEPTH = 3
MAX_ALIAS_NODES = 100_000
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _escape(text: str) -> str:
    """Workflow-command data: ``%``, carriage returns and line breaks encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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

    def github(self, level: str = "error") -> str:
        """A GitHub Actions annotation; a file name or message cannot end it or start another."""
        text = _escape(f"{self.field}: {self.message}")
        where = _escape(self.file).replace(":", "%3A").replace(",", "%2C")
        return f"::{level} file={where},line={self.line},col={self.col}::{text}"


class DeclarationError(ValueError):
    """A declaration file has problems; nothing was sent to the API.

    Not a ``pulumi.RunError`` here, so that checking files needs no Pulumi: ``from_yaml`` raises
    it as one (:class:`pulumi_videokit.gitops.DeclarationRunError`, a subclass of this), so the
    engine shows the problems without a Python traceback.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


#: Fields that two sections write on one object, by (section, section it refers to): a
#: ``VodAsset``'s tags and attributes are those of the streaming asset ``AssetDetails`` manages.
SHARED_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("assetDetails", "vodAssets"): ("tags", "attributes")
}


#: Sections whose objects the API allows twice for one natural key, yet a create whose answer
#: was lost finds again by that key: two entries with one key are refused, as the API's own
#: unique keys are, for the reason given.
FOUND_BY_KEY: dict[str, str] = {
    "recordings": "a create whose answer is lost finds its recording by channelId, start and end, so "
    "one of two such entries could take the other's recording and leave its own orphaned",
}


@dataclass
class Entry:
    section: str
    name: str
    props: dict[str, Any]
    line: int
    #: Inputs filled from other entries: input name (``channelId``) → entry name.
    refs: dict[str, str] = field(default_factory=dict)
    file: str = ""
    col: int = 1
    #: Pulumi resource options, with Pulumi's camelCase names (``retainOnDelete``).
    options: dict[str, Any] = field(default_factory=dict)
    #: Top-level props whose value holds a secret config value: they stay Pulumi secrets.
    secrets: frozenset[str] = frozenset()
    node: Node | None = field(default=None, repr=False, compare=False)


@dataclass
class Document:
    path: str
    #: In declaration order: an entry after every entry it refers to or depends on.
    entries: list[Entry] = field(default_factory=list)
    #: The files read: base files, each followed by its overlay when one applied.
    files: list[str] = field(default_factory=list)
    #: What is allowed but probably not meant: an empty file, an overlay no stack applies.
    warnings: list[Problem] = field(default_factory=list)


_URN = re.compile(r"^urn:pulumi:[^:]+::[^:]+::(?P<type>[^:]+(?::[^:]+)*)::(?P<name>[^:]+)$")


def _alias_name(alias: str) -> str:
    """The resource name an alias gives (an earlier name, or a URN's last part)."""
    found = _URN.match(alias)
    return found.group("name") if found else alias


def _alias_problem(kind: str, name: str, alias: Any) -> str | None:
    if not isinstance(alias, str):
        return "must be an earlier name of this entry or a URN"
    found = _URN.match(alias)
    if alias.startswith("urn:") and found is None:
        return f"{alias!r} is not a URN (urn:pulumi:STACK::PROJECT::TYPE::NAME)"
    if found is not None and not found.group("type").endswith(f":{kind}"):
        return f"{alias!r} is not a URN of {'an' if kind[0] in 'AEIOU' else 'a'} {kind}"
    if found is None and not NAME_RE.match(alias):
        return (
            f"{alias!r} is not a resource name (a letter or digit, then letters, digits, '.', '_' "
            "and '-') or a URN"
        )
    if _alias_name(alias) == name and found is None:
        return "is this entry's own name; an alias names an earlier one"
    return None


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


def merged_errors(
    exc: ValidationError | list[Any],
) -> list[tuple[tuple[Any, ...], str]]:
    """One message per place: union-member tags dropped, alternatives joined with 'or'."""
    merged: dict[tuple[Any, ...], list[str]] = {}
    for err in exc.errors() if isinstance(exc, ValidationError) else exc:
        loc = tuple(p for p in err["loc"] if isinstance(p, int) or not _TYPE_TAG.search(str(p)))
        text = describe(err)
        if text not in merged.setdefault(loc, []):
            merged[loc].append(text)
    return [(loc, _either(texts)) for loc, texts in merged.items()]


_WRONG_TYPE = re.compile(r"^must be (?P<wanted>.+?), not (?P<given>[^(]+?)(?P<hint> \(.*\))?$")


def _either(texts: list[str]) -> str:
    """``must be true or false or a string, not a list``: one sentence for a union's types."""
    found = [_WRONG_TYPE.match(t) for t in texts]
    if len(texts) > 1 and all(found) and len({m["given"] for m in found if m}) == 1:
        wanted = " or ".join(m["wanted"] for m in found if m)
        return f"must be {wanted}, not {found[0]['given'] if found[0] else ''}"
    return " or ".join(texts)


def _lax_errors(section: str, plain: dict[str, Any]) -> list[Any]:
    try:
        entry_of(section).model_validate(plain, by_alias=True, by_name=False)
    except ValidationError as exc:
        return exc.errors()
    return []


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


def read_tree(text: bytes | str, path: str) -> Node | None:
    """Parse one file into a positioned tree (``None`` when it is empty); file-level problems
    raise :class:`DeclarationError`."""
    if isinstance(text, bytes):
        text = _decode(text, path)
    fast = _fastyaml.parse(text, path, MAX_DEPTH)
    tree = _read_with_ruamel(text, path) if isinstance(fast, _fastyaml.Unsure) else fast
    if tree is None or tree.value is None:
        return None
    long = _long_string(tree)
    if long is not None:
        raise DeclarationError(
            [
                Problem(
                    path,
                    long.pos.line,
                    long.pos.col,
                    "(file)",
                    f"holds a string longer than {MAX_STRING} characters",
                )
            ]
        )
    if not isinstance(tree.value, dict):
        allowed = ", ".join([*SECTIONS, "allowEnv"])
        raise DeclarationError([Problem(path, 1, 1, "(file)", f"must be a mapping of sections ({allowed})")])
    return tree


def _long_string(node: Node) -> Node | None:
    """The first string value or key longer than :data:`MAX_STRING`, if any."""
    value = node.value
    if isinstance(value, str):
        return node if len(value) > MAX_STRING else None
    if isinstance(value, dict):
        for key, child in value.items():
            found = child if isinstance(key, str) and len(key) > MAX_STRING else _long_string(child)
            if found is not None:
                return found
    elif isinstance(value, list):
        for child in value:
            found = _long_string(child)
            if found is not None:
                return found
    return None


def _read_with_ruamel(text: str, path: str) -> Node | None:
    """The whole of YAML, and ruamel's words for what is wrong: for what ``_fastyaml`` leaves."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    _check_nesting(text, path)
    yaml = _fastyaml.ruamel_yaml()
    yaml.allow_duplicate_keys = False
    try:
        _check_aliases(yaml, text, path)
        root = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x) or str(exc)
        raise DeclarationError([Problem(path, line, col, "(yaml)", message.replace("\n", " "))]) from None
    except (YAMLError, RecursionError) as exc:
        raise DeclarationError([Problem(path, 1, 1, "(yaml)", f"cannot be parsed: {exc}")]) from None
    if root is None:
        return None
    if not isinstance(root, dict):
        allowed = ", ".join([*SECTIONS, "allowEnv"])
        raise DeclarationError([Problem(path, 1, 1, "(file)", f"must be a mapping of sections ({allowed})")])
    deep = _depth(root, MAX_DEPTH)
    if deep is not None:
        lc = getattr(deep, "lc", None)
        line, col = (lc.line + 1, lc.col + 1) if lc is not None else (1, 1)
        raise DeclarationError([Problem(path, line, col, "(file)", f"nests deeper than {MAX_DEPTH} levels")])
    return _tree.from_yaml(root, path)


def _check_nesting(text: str, path: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` from libyaml's tokens, before ruamel's
    scanner, which slows down with every level of an open flow collection."""
    try:
        import yaml as pyyaml
        from yaml import tokens
    except ImportError:  # no PyYAML: ruamel alone reads the file
        return
    opening = (
        tokens.FlowSequenceStartToken,
        tokens.FlowMappingStartToken,
        tokens.BlockSequenceStartToken,
        tokens.BlockMappingStartToken,
    )
    closing = (tokens.FlowSequenceEndToken, tokens.FlowMappingEndToken, tokens.BlockEndToken)
    loader = getattr(pyyaml, "CBaseLoader", pyyaml.BaseLoader)
    depth = 0

    def too_deep(mark: Any) -> DeclarationError:
        return DeclarationError(
            [Problem(path, mark.line + 1, mark.column + 1, "(file)", f"nests deeper than {MAX_DEPTH} levels")]
        )

    try:
        for token in pyyaml.scan(text, Loader=loader):
            if isinstance(token, opening):
                depth += 1
                if depth > MAX_DEPTH + 1:  # the top-level mapping is the first level
                    raise too_deep(token.start_mark)
            elif isinstance(token, closing):
                depth -= 1
    except pyyaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:  # libyaml's own limit
            raise too_deep(exc.problem_mark) from None
        # Any other syntax error: ruamel's words for it are the ones users see.


def _check_aliases(yaml: Any, text: str, path: str) -> None:
    """Refuse a file whose aliases would expand past the limits, from its events alone: nothing
    is expanded to find out."""
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

    sizes: dict[str, tuple[int, int]] = {}  # anchor → (nodes, alias depth)
    open_: list[list[Any]] = []  # per open collection: [anchor, nodes, alias depth]
    aliases = added = 0

    def fail(event: Any, message: str) -> None:
        mark = event.start_mark
        raise DeclarationError([Problem(path, mark.line + 1, mark.column + 1, "(yaml)", message)])

    for event in yaml.parse(text):
        if isinstance(event, CollectionStartEvent):
            open_.append([event.anchor, 1, 0])
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, nodes, depth = open_.pop()
            size = (nodes, depth)
        elif isinstance(event, ScalarEvent):
            anchor, size = event.anchor, (1, 0)
        elif isinstance(event, AliasEvent):
            if any(entry[0] == event.anchor for entry in open_):
                fail(event, f"alias *{event.anchor} is inside the value it names, which would never end")
            anchor = None
            nodes, depth = sizes.get(event.anchor, (1, 0))
            size = (nodes, depth + 1)
            aliases += 1
            added += nodes
            if aliases > MAX_ALIASES:
                fail(event, f"more than {MAX_ALIASES} aliases in one file")
            if size[1] > MAX_ALIAS_DEPTH:
                fail(
                    event,
                    f"alias *{event.anchor} reaches through more than {MAX_ALIAS_DEPTH} levels of "
                    "aliases; write the values out",
                )
            if added > MAX_ALIAS_NODES:
                fail(
                    event,
                    f"alias *{event.anchor} brings the file past {MAX_ALIAS_NODES} values copied by "
                    "aliases; write the values out",
                )
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if open_:
            open_[-1][1] += size[0]
            open_[-1][2] = max(open_[-1][2], size[1])


def _read_path(path: Path) -> Node | None:
    if path.exists() and not path.is_file():
        raise DeclarationError([Problem(str(path), 1, 1, "(file)", "is not a regular file")])
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # known before reading it
            raise DeclarationError(
                [Problem(str(path), 1, 1, "(file)", f"is {size} bytes; the limit is {MAX_BYTES}")]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DeclarationError(
            [Problem(str(path), 1, 1, "(file)", f"cannot be read: {exc.strerror}")]
        ) from None
    return read_tree(data, str(path))


# ---- which files ----

YAML_SUFFIXES = (".yaml", ".yml")


def _is_pulumi_file(path: Path) -> bool:
    """Pulumi's own project and stack files, which are never declarations."""
    return path.name.startswith("Pulumi.") or path.name == "Pulumi.yaml"


def overlay_base(path: Path) -> tuple[Path, str] | None:
    """``(base file, stack)`` when ``path`` is ``NAME.<stack>.yaml`` next to ``NAME.yaml``."""
    stem, suffix = path.stem, path.suffix
    if suffix not in YAML_SUFFIXES or "." not in stem:
        return None
    name, _, stack = stem.rpartition(".")
    for base_suffix in YAML_SUFFIXES:
        base = path.with_name(name + base_suffix)
        if name and stack and base.exists():
            return base, stack
    return None


def find_project(start: Sequence[Path]) -> Path | None:
    """The nearest ``Pulumi.yaml`` at or above each of ``start`` (then the working directory)."""
    for begin in [*start, Path.cwd()]:
        here = begin.resolve()
        here = here if here.is_dir() else here.parent
        for folder in [here, *here.parents]:
            if (folder / "Pulumi.yaml").is_file():
                return folder / "Pulumi.yaml"
    return None


def project_root(yaml_file: Path) -> Path:
    """The project a YAML file's ``file:`` paths must stay inside: the directory of the nearest
    ``Pulumi.yaml`` at or above it (the program's directory, where the engine runs the program
    and the provider); outside any Pulumi project, the working directory when the file is under
    it, else the file's own directory."""
    here = yaml_file.resolve().parent
    for folder in [here, *here.parents]:
        if (folder / "Pulumi.yaml").is_file():
            return folder
    cwd = Path.cwd().resolve()
    return cwd if here.is_relative_to(cwd) else here


def project_stacks(paths: Sequence[Path]) -> list[str] | None:
    """The stacks with a ``Pulumi.<stack>.yaml`` beside the project's ``Pulumi.yaml`` (``None``
    without a project)."""
    project = find_project(paths)
    if project is None:
        return None
    return sorted(
        f.name[len("Pulumi.") : -len(f.suffix)]
        for f in project.parent.iterdir()
        if f.name.startswith("Pulumi.") and f.suffix in YAML_SUFFIXES and f.name.count(".") == 2
    )


def _stack_part(path: Path) -> str | None:
    """``prod`` for ``player.prod.yaml``: the part an overlay names its stack by."""
    if path.suffix not in YAML_SUFFIXES or "." not in path.stem:
        return None
    name, _, stack = path.stem.rpartition(".")
    return stack if name and stack else None


@dataclass
class Found:
    """The files named by a load: base files with their overlays, and what is wrong with the rest."""

    pairs: list[tuple[Path, Path | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def discover(paths: Iterable[str | Path], stack: str | None) -> Found:
    """The base files named by ``paths`` (every ``*.yaml``/``*.yml`` under a directory, sorted,
    recursively; hidden entries and Pulumi's own files skipped), each with its overlay for
    ``stack``. An overlay is never a base file: one without its base file is an error, and one
    for a stack the project does not have is a warning."""
    given = [Path(p) for p in paths]
    files: list[Path] = []
    for p in given:
        if p.is_dir():
            files.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and f.suffix in YAML_SUFFIXES
                and not _is_pulumi_file(f)
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            files.append(p)
    out = Found()
    stacks: list[str] | None = None
    seen: set[Path] = set()
    for f in files:
        if f in seen:
            continue
        seen.add(f)
        part = _stack_part(f)
        if part is not None:
            if stacks is None:
                stacks = project_stacks(given) or []
            known = [*stacks, *([stack] if stack and stack not in stacks else [])]
            base = overlay_base(f)
            if base is not None:
                if part not in known and stacks:
                    out.warnings.append(
                        Problem(
                            str(f),
                            1,
                            1,
                            "(file)",
                            f"is an overlay for stack {part!r}, which has no Pulumi.{part}.yaml "
                            f"(stacks: {', '.join(stacks)}); it changes nothing on any of them",
                        )
                    )
                continue
            if part in known:
                name = f.stem.rpartition(".")[0]
                out.problems.append(
                    Problem(
                        str(f),
                        1,
                        1,
                        "(file)",
                        f"is an overlay for stack {part!r}, but its base file {name}{f.suffix} is "
                        f"missing; an overlay only changes a base file's entries (create "
                        f"{name}{f.suffix}, or rename this file to declare its entries on every stack)",
                    )
                )
                continue
        overlay = None
        if stack is not None:
            for suffix in YAML_SUFFIXES:
                candidate = f.with_name(f"{f.stem}.{stack}{suffix}")
                if candidate.exists():
                    overlay = candidate
                    break
        out.pairs.append((f, overlay))
    return out


# ---- checking ----


class _Checker:
    """Checks the merged tree of each file, then the set of them together."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.problems: list[Problem] = []
        self.entries: list[Entry] = []
        #: What interpolation resolved, in every file: values no message may show.
        self.resolved = _tree.Resolved()
        #: Names of entries with problems of their own, by section: a reference to one is no
        #: second error.
        self.invalid: dict[str, set[str]] = {}
        #: Entries an overlay removes (``name: null``), by (section, name): where it does.
        self.removed: dict[tuple[str, str], Pos] = {}

    def add(self, pos: Pos, where: str, message: str) -> None:
        self.problems.append(Problem(pos.file, pos.line, pos.col, where, self.resolved.mask(message)))

    def file(self, root: Node) -> None:
        sections: dict[Any, Node] = dict(root.value)
        allow = sections.pop("allowEnv", None)
        allow_env = self._allow_env(allow)
        resolved = _tree.Resolved(hidden=self.resolved.hidden)
        tree = _tree.interpolate(Node(sections, root.pos), self.ctx, allow_env, self.add, resolved)
        count = 0
        for section, body in tree.value.items():
            if section not in SECTIONS:
                allowed = ", ".join([*SECTIONS, "allowEnv"])
                self.add(body.pos, str(section), f"is not a section (allowed: {allowed})")
                continue
            if body.value is None:
                continue
            if not isinstance(body.value, dict):
                self.add(body.pos, str(section), "must map resource names to declarations")
                continue
            for name, decl in body.value.items():
                count += 1
                where = f"{section}.{name}"
                if count > MAX_ENTRIES:
                    self.add(decl.pos, where, f"more than {MAX_ENTRIES} declarations in one file")
                    raise DeclarationError(self.problems)
                self.entry(section, name, decl, resolved)

    def _allow_env(self, node: Node | None) -> frozenset[str]:
        if node is None or node.value is None:
            return frozenset()
        if not isinstance(node.value, list):
            self.add(node.pos, "allowEnv", "must be a list of environment variable names")
            return frozenset()
        names: set[str] = set()
        for item in node.value:
            if isinstance(item.value, str) and _tree.ENV_NAME.match(item.value):
                names.add(item.value)
            else:
                self.add(item.pos, "allowEnv", f"{item.value!r} is not an environment variable name")
        return frozenset(names)

    def entry(self, section: str, name: Any, decl: Node, resolved: _tree.Resolved) -> None:
        where = f"{section}.{name}"
        if not isinstance(name, str) or not NAME_RE.match(name):
            self.add(
                decl.pos,
                where,
                "a resource name must start with a letter or digit and use only "
                "letters, digits, '.', '_' and '-' (at most 100)",
            )
            return
        if not isinstance(decl.value, dict):
            self.add(decl.pos, where, "must be a mapping of fields")
            return
        spec = SPECS[section]
        plain = _tree.plain(decl)
        unresolved = [p[2:] for p in resolved.unresolved if p[:2] == (section, name)]
        whole = {p[2:]: token for p, token in resolved.whole.items() if p[:2] == (section, name)}
        try:
            # The API's camelCase names only: a snake_case key is an unknown field here. Strict,
            # as the JSON Schema is: a string is not a number, nor a number a boolean.
            entry_of(section).model_validate(plain, by_alias=True, by_name=False, strict=True)
        except ValidationError as exc:
            found = exc.errors()
            if any(tuple(e["loc"]) in whole for e in found):
                # ``${config:fps}`` is text, and stands for the number it spells.
                found = [e for e in found if tuple(e["loc"]) not in whole] + [
                    e for e in _lax_errors(section, plain) if tuple(e["loc"]) in whole
                ]
            errors = []
            for err in found:
                loc = tuple(err["loc"])
                if any(loc[: len(u)] == u for u in unresolved) or (not loc and unresolved):
                    continue  # a value not known offline is not judged
                if err["type"] == "missing" and len(loc) == 1 and may_omit(spec, plain, str(loc[0])):
                    continue  # an object adopted by id keeps what the API never returns
                errors.append(err)
            for loc, message in merged_errors(errors):
                if loc in whole and whole[loc] not in self.resolved.mask(message):
                    message = f"{message} (the value of {whole[loc]})"
                self.add(_tree.locate(decl, loc), ".".join([where, *(str(p) for p in loc)]), message)
            if errors:
                self.invalid.setdefault(section, set()).add(name)
                return
        if section == "vodAssets" and not self._local_file(decl, where, plain, unresolved):
            self.invalid.setdefault(section, set()).add(name)
            return
        refs = {
            target: str(plain.pop(key))
            for key, (target, _) in SPECS[section].references.items()
            if plain.get(key) is not None
        }
        options = {k: plain.pop(k) for k in OPTIONS if k in plain}
        options = {k: v for k, v in options.items() if v is not None}
        inputs = set(spec.input_names())
        for i, path in enumerate(options.get("ignoreChanges", [])):
            head = re.split(r"[.\[]", path, maxsplit=1)[0]
            if head not in inputs:
                self.add(
                    _tree.locate(decl, ("ignoreChanges", i)),
                    f"{where}.ignoreChanges.{i}",
                    f"{path!r} is not an input of {spec.kind} (allowed: {', '.join(sorted(inputs))})",
                )
        for i, alias in enumerate(options.get("aliases", [])):
            problem = _alias_problem(spec.kind, name, alias)
            if problem:
                self.add(_tree.locate(decl, ("aliases", i)), f"{where}.aliases.{i}", problem)
        secrets = frozenset(str(p[2]) for p in resolved.secret if p[:2] == (section, name) and len(p) > 2)
        self.entries.append(
            Entry(
                section, name, plain, decl.pos.line, refs, decl.pos.file, decl.pos.col, options, secrets, decl
            )
        )

    def _local_file(self, decl: Node, where: str, plain: dict[str, Any], unresolved: list[Any]) -> bool:
        """A VodAsset's ``file`` is relative to the declaring YAML file, inside its project (see
        :func:`project_root`), and must be readable; it is recorded relative to the program's
        directory, so where the checkout lives never matters.  ``contentHash`` is the provider's
        to compute from it, never declared."""
        from ..reconcile.kinds.vod_asset import file_problem, outside_problem

        ok = "contentHash" not in plain
        if not ok:
            self.add(
                _tree.locate(decl, ("contentHash",)),
                f"{where}.contentHash",
                "is computed by the provider from file; remove it",
            )
        file = plain.get("file")
        if not isinstance(file, str) or any(u[:1] == ("file",) for u in unresolved):
            return ok
        at = _tree.locate(decl, ("file",))
        yaml_dir = Path(at.file).parent
        root = project_root(Path(at.file))
        outside = outside_problem(file, yaml_dir, root)
        problem = file_problem(file, yaml_dir, root)
        if problem:
            said = [] if Path(file).is_absolute() else ["relative to this YAML file"]
            said += [f"the project is {root}"] if outside else []
            self.add(at, f"{where}.file", f"{problem} ({'; '.join(said)})")
            return False
        plain["file"] = Path(os.path.relpath(os.path.abspath(yaml_dir / file))).as_posix()
        return ok

    def together(self) -> list[Entry]:
        """Checks across files: unique names, references, dependsOn; then the declaration order."""
        first: dict[str, Entry] = {}
        unique: list[Entry] = []
        for entry in self.entries:
            other = first.get(entry.name)
            if other is None:
                first[entry.name] = entry
                unique.append(entry)
                continue
            here = Pos(entry.file, entry.line, entry.col)
            there = Pos(other.file, other.line, other.col)
            self.add(
                here,
                f"{entry.section}.{entry.name}",
                f"duplicates the name already used in {other.section} at {there}",
            )
            if other.file != entry.file:
                # In another file, both places are errors: either one may be the one to rename.
                self.add(
                    there,
                    f"{other.section}.{other.name}",
                    f"the same name is declared again in {entry.section} at {here}",
                )
        self._aliases(unique, first)
        self._unique_keys(unique)
        self._one_writer(unique)
        by_section: dict[str, set[str]] = {}
        for entry in unique:
            by_section.setdefault(entry.section, set()).add(entry.name)
        graph: dict[str, list[str]] = {}
        for entry in unique:
            node = entry.node
            assert node is not None
            needs: list[str] = []
            for key, (target, section) in SPECS[entry.section].references.items():
                named = entry.refs.get(target)
                if named is None:
                    continue
                names = by_section.get(section, set())
                if named in self.invalid.get(section, set()) and named not in names:
                    continue
                gone = self.removed.get((section, named))
                if named not in names and gone is not None:
                    self.add(
                        _tree.locate(node, (key,)),
                        f"{entry.section}.{entry.name}.{key}",
                        f"names {section}.{named}, which the overlay at {gone} removes on stack "
                        f"{self.ctx.stack}; remove {entry.name} there too ({entry.section}: "
                        f"{{{entry.name}: null}}) or keep {named}",
                    )
                elif named not in names:
                    self.add(
                        _tree.locate(node, (key,)),
                        f"{entry.section}.{entry.name}.{key}",
                        f"names no {key} of these files ({section}: {', '.join(sorted(names)) or 'none'})",
                    )
                else:
                    needs.append(named)
            for i, named in enumerate(entry.options.get("dependsOn", [])):
                if named not in first:
                    self.add(
                        _tree.locate(node, ("dependsOn", i)),
                        f"{entry.section}.{entry.name}.dependsOn.{i}",
                        f"names no entry of these files: {named!r}",
                    )
                else:
                    needs.append(named)
            graph[entry.name] = needs
        return self._ordered(unique, graph)

    def _aliases(self, entries: list[Entry], declared: dict[str, Entry]) -> None:
        """An alias names an entry's earlier name: not one still declared, nor one claimed twice."""
        claimed: dict[str, Entry] = {}
        for entry in entries:
            node = entry.node
            assert node is not None
            for i, alias in enumerate(entry.options.get("aliases", [])):
                old = _alias_name(alias)
                here = (_tree.locate(node, ("aliases", i)), f"{entry.section}.{entry.name}.aliases.{i}")
                if old in declared and old != entry.name and declared[old].section == entry.section:
                    other = declared[old]
                    there = Pos(other.file, other.line, other.col)
                    self.add(
                        *here,
                        f"{old!r} is still declared in {other.section} at {there}; "
                        "an alias names an entry's earlier name (remove that entry, or this alias)",
                    )
                elif old in claimed and claimed[old] is not entry:
                    self.add(
                        *here,
                        f"{old!r} is already an alias of {claimed[old].section}.{claimed[old].name}; "
                        "one earlier name can become only one entry",
                    )
                else:
                    claimed[old] = entry

    def _unique_keys(self, entries: list[Entry]) -> None:
        """Two entries the API would take for one object (a domain it allows once; one asset's
        details, by its id or by the entry that makes it), or that a lost create would take for
        one (:data:`FOUND_BY_KEY`), are an error."""
        seen: dict[tuple[str, str], Entry] = {}
        for entry in entries:
            spec = SPECS[entry.section]
            if not (spec.unique_key or entry.section in FOUND_BY_KEY) or any(
                k not in entry.props and k not in entry.refs for k in spec.natural_key
            ):
                continue
            # A key filled by a reference (``vodAsset: clip``) is the same object when it names
            # the same entry; one given by value is compared as the API compares it.
            values = spec.normalize({k: entry.props[k] for k in spec.natural_key if k in entry.props})
            named = {k: entry.refs[k] for k in spec.natural_key if k not in entry.props}
            key = (entry.section, repr((sorted(values.items()), sorted(named.items()))))
            other = seen.setdefault(key, entry)
            if other is entry or entry.node is None:
                continue
            there = Pos(other.file, other.line, other.col)
            if entry.section in FOUND_BY_KEY:
                yaml_key = "start"
                message = (
                    f"records the same channel and window as {other.section}.{other.name} at {there} "
                    f"(times compared as instants); {FOUND_BY_KEY[entry.section]}: merge the two "
                    "entries or change one's window"
                )
            elif named:
                yaml_key = next(k for k, (target, _) in spec.references.items() if target in named)
                target = named[spec.references[yaml_key][0]]
                message = (
                    f"names the same {spec.references[yaml_key][1]}.{target} as {other.section}.{other.name} "
                    f"at {there}; one {spec.kind} per {spec.natural_key_text} (merge the two entries)"
                )
            else:
                yaml_key = spec.natural_key[0]
                message = (
                    f"is the same {spec.natural_key_text} as {other.section}.{other.name} at {there} "
                    f"(case and a trailing slash do not count); the API allows one {spec.kind} per "
                    f"{spec.natural_key_text}"
                )
            self.add(
                _tree.locate(entry.node, (yaml_key,)), f"{entry.section}.{entry.name}.{yaml_key}", message
            )

    def _one_writer(self, entries: list[Entry]) -> None:
        """A field two entries write on one object (a VOD asset's tags, by its ``VodAsset`` and by
        an ``AssetDetails`` naming it) would have each up undo the other: an error at the entry
        that refers, naming the other's line."""
        declared = {(e.section, e.name): e for e in entries}
        for entry in entries:
            for key, (target, section) in SPECS[entry.section].references.items():
                shared = SHARED_FIELDS.get((entry.section, section), ())
                other = declared.get((section, entry.refs.get(target, "")))
                if other is None or entry.node is None or other.node is None:
                    continue
                for name in (n for n in shared if n in entry.props and n in other.props):
                    here = _tree.locate(entry.node, (name,))
                    there = _tree.locate(other.node, (name,))
                    self.add(
                        here,
                        f"{entry.section}.{entry.name}.{name}",
                        f"{section}.{other.name} at {there} declares {name} of the same asset too "
                        f"({key}: {other.name}), so each up would undo the other's {name}: declare them "
                        "in one of the two entries",
                    )

    def _ordered(self, entries: list[Entry], graph: dict[str, list[str]]) -> list[Entry]:
        """Entries with each after those it needs; a cycle is an error at a dependsOn."""
        by_name = {e.name: e for e in entries}
        sections = {section: i for i, section in enumerate(SECTIONS)}
        given = {e.name: (sections[e.section], i) for i, e in enumerate(entries)}
        rank = {name: i for i, name in enumerate(sorted(by_name, key=given.__getitem__))}
        state: dict[str, int] = {}
        out: list[Entry] = []
        reported: set[frozenset[str]] = set()

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = [*trail[trail.index(name) :], name]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    self._cycle(by_name, cycle)
                return
            state[name] = 1
            for need in sorted(graph.get(name, []), key=lambda n: rank[n]):
                visit(need, [*trail, name])
            state[name] = 2
            out.append(by_name[name])

        for name in sorted(by_name, key=lambda n: rank[n]):
            visit(name, [])
        return out

    def _cycle(self, by_name: dict[str, Entry], cycle: list[str]) -> None:
        text = " → ".join(cycle)
        for a, b in itertools.pairwise(cycle):
            entry = by_name[a]
            deps = entry.options.get("dependsOn", [])
            if b in deps and entry.node is not None:
                i = deps.index(b)
                self.add(
                    _tree.locate(entry.node, ("dependsOn", i)),
                    f"{entry.section}.{entry.name}.dependsOn.{i}",
                    f"makes a cycle: {text}",
                )
                return


def check(
    trees: list[tuple[list[str], Node | None]],
    ctx: Context,
    files: list[str],
    removed: dict[tuple[str, str], Pos] | None = None,
) -> Document:
    """Check merged trees (each with the files it came from) as one set of declarations."""
    checker = _Checker(ctx)
    checker.removed = removed or {}
    for _names, root in trees:
        if root is not None:
            checker.file(root)
    ordered = checker.together()
    if checker.problems:
        order = {f: i for i, f in enumerate(files)}
        raise DeclarationError(
            sorted(
                set(checker.problems), key=lambda p: (order.get(p.file, len(order)), p.file, p.line, p.col)
            )
        )
    return Document(files[0] if files else "", ordered, files)


def parse(text: bytes | str, path: str, context: Context | None = None) -> Document:
    """Check one file's text; raise :class:`DeclarationError` with every problem found."""
    return check([([path], read_tree(text, path))], context or Context(), [path])


def _removals(overlay: Node) -> dict[tuple[str, str], Pos]:
    """The entries an overlay removes with ``name: null``, and where."""
    out: dict[tuple[str, str], Pos] = {}
    if not isinstance(overlay.value, dict):
        return out
    for section, body in overlay.value.items():
        if isinstance(section, str) and isinstance(body.value, dict):
            out.update({(section, str(n)): v.pos for n, v in body.value.items() if v.value is None})
    return out


def load(*paths: str | Path, context: Context | None = None) -> Document:
    """Read and check files and directories as one set of declarations, with the overlays of
    ``context.stack`` merged over their base files."""
    ctx = context or Context()
    problems: list[Problem] = []
    trees: list[tuple[list[str], Node | None]] = []
    files: list[str] = []
    removed: dict[tuple[str, str], Pos] = {}
    found = discover(paths, ctx.stack)
    problems.extend(found.problems)
    if not found.pairs and not problems:
        where = ", ".join(str(p) for p in paths) or "(no path)"
        raise DeclarationError([Problem(where, 1, 1, "(file)", "holds no *.yaml or *.yml declarations")])
    for base, overlay in found.pairs:
        try:
            root = _read_path(base)
            files.append(str(base))
            if overlay is not None:
                files.append(str(overlay))
                over = _read_path(overlay)
                if over is not None:
                    removed.update(_removals(over))
                    report = lambda pos, where, message: problems.append(  # noqa: E731
                        Problem(pos.file, pos.line, pos.col, where, message)
                    )
                    root = _tree.merge(root or Node({}, Pos(str(base), 1, 1)), over, (), report)
            trees.append(([str(base)] + ([str(overlay)] if overlay else []), root))
        except DeclarationError as exc:
            problems.extend(exc.problems)
    try:
        doc = check(trees, ctx, files, removed)
    except DeclarationError as exc:
        problems.extend(exc.problems)
    if problems:
        order = {f: i for i, f in enumerate(files)}
        raise DeclarationError(
            sorted(
                dict.fromkeys(problems), key=lambda p: (order.get(p.file, len(order)), p.file, p.line, p.col)
            )
        )
    declaring = {e.file for e in doc.entries}
    doc.warnings = [
        *found.warnings,
        *(
            Problem(
                str(base),
                1,
                1,
                "(file)",
                "declares nothing: on a stack that holds objects from it, `pulumi up` deletes them all",
            )
            for base, overlay in found.pairs
            if str(base) not in declaring and str(overlay) not in declaring
        ),
    ]
    return doc
