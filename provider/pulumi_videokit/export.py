"""``videokit export``: a live tenant written as declarations that adopt what is already there.

Every entry carries ``adopt: <id>``, so a stack made from the output takes the objects over
(0 creates, 0 deletes) and then manages exactly what is declared. Fields the API never returns
are written as comments that say so, never invented. Output is sorted and names are derived
from the objects, so a second export of an unchanged tenant is byte-identical.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .client import (
    APIConnectionError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    RetryBudgetExceededError,
    ServerError,
    VideoKitClient,
    VideoKitError,
)
from .gitops.loader import MAX_ENTRIES
from .models import parse_time
from .reconcile.kinds import KINDS, SECTIONS, SPECS, Scope, Settings

KIND_NAMES = {k.spec.kind.lower(): k.spec.section for k in KINDS}


def sections_of(kinds: str) -> tuple[str, ...]:
    """The sections a comma-separated ``--kinds`` names, in its order; naming none is an error,
    since a file that declares nothing has the stack delete everything it managed."""
    if any(k.strip().lower() == "all" for k in kinds.split(",")):
        return SECTIONS
    sections = tuple(dict.fromkeys(section_of(k) for k in kinds.split(",") if k.strip()))
    if not sections:
        raise ValueError(f"--kinds names no kind: give one or more of {', '.join(SECTIONS)}")
    return sections


def section_of(name: str) -> str:
    """``channels``, ``Channel`` or ``channel`` → ``channels``."""
    low = name.strip().lower()
    for section in SECTIONS:
        if low in (section.lower(), section.lower().rstrip("s")):
            return section
    if low in KIND_NAMES:
        return KIND_NAMES[low]
    raise ValueError(f"{name!r} is not a kind (allowed: {', '.join(SECTIONS)}, or all)")


#: The sections read only for the streaming assets named by ``--asset`` (what each exports).
BY_ASSET = {"assetSettings": "settings", "assetDetails": "details"}


@dataclass
class Filters:
    sections: tuple[str, ...] = SECTIONS
    name_prefix: str | None = None
    #: Channel ids or names: only these channels, and only events on them.
    channels: tuple[str, ...] = ()
    since: datetime | None = None
    #: Streaming assets whose settings and details are exported.
    assets: tuple[str, ...] = ()
    retain: bool = False

    def __post_init__(self) -> None:
        """Refuse, before any call, the filters that could only ever export nothing."""
        if any(not c.strip() for c in self.channels):
            raise ValueError("--channel is empty: give a channel's id or name, or leave out --channel")
        if any(not a.strip() for a in self.assets):
            raise ValueError("--asset is empty: give a streaming asset's id, or leave out --asset")
        if not self.assets and set(self.sections) <= BY_ASSET.keys():
            what = " and ".join(BY_ASSET[s] for s in self.sections)
            raise ValueError(
                f"--kinds {','.join(self.sections)} exports the {what} of the assets named by --asset: "
                "give --asset ID"
            )


@dataclass
class Item:
    """One object to write: its section, readable base name, id, fields and comments."""

    section: str
    base: str
    object_id: str
    fields: dict[str, Any]
    comments: list[str] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # YAML key → object id of another item
    name: str = ""


def collect(client: VideoKitClient, f: Filters) -> list[Item]:
    """Read the tenant and return what to write, named and ordered: one operation, whose calls
    share one retry budget."""
    with client.operation():
        return _collect(client, f)


def _collect(client: VideoKitClient, f: Filters) -> list[Item]:
    kinds = {k.spec.section: k(client, Settings()) for k in KINDS}
    channels = None
    if f.channels:
        # A --channel that names nothing is a typo, not an empty tenant: a file that declares
        # nothing, committed over an export, would have the stack delete what it managed.
        listed = list(client.live.channels.list())
        wanted = set(f.channels)
        channels = frozenset(c.id for c in listed if c.id in wanted or c.name in wanted)
        unknown = sorted(w for w in wanted if not any(w in (c.id, c.name) for c in listed))
        if unknown:
            raise ValueError(f"no channel has the id or name {', '.join(map(repr, unknown))}")
    scope = Scope(f.name_prefix, f.since, channels, f.assets)
    items = [
        Item(section, e.base, e.object_id, e.fields, e.comments, e.refs)
        for section in SECTIONS
        if section in f.sections
        for e in kinds[section].exported(scope)
    ]
    _name(items)
    return items


_ASSETS = "/streaming/v1/assets/"


def failure(exc: VideoKitError, config: Mapping[str, str]) -> str:
    """One line for an API failure: the call, what came back, and the setting or option to check.

    ``config`` is the provider configuration, read only to name the setting the base URL came
    from; the client's errors never carry a credential."""
    base = (
        "videokit:endpoint / VIDEOKIT_ENDPOINT"
        if config.get("endpoint")
        else "videokit:tenantName / VIDEOKIT_TENANT_NAME"
    )
    cause = exc.last if isinstance(exc, RetryBudgetExceededError) else exc
    if exc.path.startswith(_ASSETS) and isinstance(cause, (NotFoundError, BadRequestError)):
        hint = "check the --asset value: it names no streaming asset of this tenant"
    elif isinstance(cause, APIConnectionError):
        hint = f"check {base} and that the API can be reached from here"
    elif isinstance(cause, NotFoundError):
        hint = f"check {base}: the base URL does not serve this tenant's API"
    elif isinstance(cause, (ServerError, RateLimitError)):
        hint = "the API is failing or throttling: try again later, or raise videokit:retryTotalSeconds"
    else:
        hint = ""
    text = " ".join(str(exc).split())
    return f"{text}; {hint}" if hint else text


def _name(items: list[Item]) -> None:
    """Readable names, unique across sections, assigned in a stable order."""
    used: set[str] = set()
    for item in sorted(items, key=lambda i: (SECTIONS.index(i.section), i.base, i.object_id)):
        name, n = item.base, 2
        while name in used:
            name = f"{item.base}-{n}"
            n += 1
        used.add(name)
        item.name = name


# ---- writing ----

_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def _key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) and name.lower() not in _YAML_WORDS else json.dumps(name)


def _escape(value: Any) -> Any:
    """``${`` in a value is written ``$${``, so the loader reads it back literally."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v) for v in value]
    return value


def _value(value: Any) -> str:
    # JSON is YAML: quoted strings and flow collections read back exactly.
    return json.dumps(_escape(value), ensure_ascii=False, sort_keys=True)


def render_yaml(items: Sequence[Item], f: Filters, sections: Iterable[str] | None = None) -> str:
    by_id = {(i.section, i.object_id): i for i in items}
    out = [
        "# yaml-language-server: $schema=https://pulumi-videokit.dev/schemas/videokit.schema.json",
        "# Written by `videokit export`. Every entry adopts the object it names: `pulumi up` creates",
        "# and deletes nothing, and from then on changes only what is declared here.",
    ]
    for section in sections or SECTIONS:
        chosen = [i for i in items if i.section == section]
        if not chosen:
            continue
        out.append(f"{section}:")
        for item in sorted(chosen, key=lambda i: i.name):
            out.append(f"  {_key(item.name)}:")
            out.extend(f"    # {line}" for line in item.comments)
            for key, target in item.refs.items():
                field_name, named_in = SPECS[section].references[key]
                ref = by_id.get((named_in, target))
                if ref is not None:
                    out.append(f"    {key}: {_value(ref.name)}")
                else:
                    out.append(f"    {field_name}: {_value(target)}")
            out.extend(f"    {k}: {_value(v)}" for k, v in item.fields.items())
            if "adopt" in SPECS[section].input_names():
                out.append(f"    adopt: {_value(item.object_id)}")
            if f.retain:
                out.append("    retainOnDelete: true")
    return "\n".join(out) + "\n"


def render_files(items: Sequence[Item], f: Filters, sections: Iterable[str]) -> dict[str, str]:
    """One file per kind, ``channels.yaml``; a kind with more entries than a file may hold
    (:data:`~.loader.MAX_ENTRIES`) goes on in ``channels-2.yaml`` and so on (never
    ``channels.2.yaml``, which would be an overlay for a stack named 2)."""
    out: dict[str, str] = {}
    for section in sections:
        chosen = sorted((i for i in items if i.section == section), key=lambda i: i.name)
        for number, start in enumerate(range(0, len(chosen), MAX_ENTRIES), start=1):
            part = chosen[start : start + MAX_ENTRIES]
            name = f"{section}.yaml" if number == 1 else f"{section}-{number}.yaml"
            # References name entries of other files, which load together as one set.
            out[name] = render_yaml([*part, *(i for i in items if i.section != section)], f, [section])
    return out


def too_many_for_one_file(items: Sequence[Item]) -> str | None:
    """Why ``items`` cannot be written as one file, if they cannot."""
    if len(items) <= MAX_ENTRIES:
        return None
    return (
        f"{len(items)} objects are more than one declarations file may hold ({MAX_ENTRIES}); "
        "export them with --out DIR, which writes as many files as they need"
    )


def render_import(items: Sequence[Item]) -> str:
    """The file ``pulumi import --file`` takes, for the native provider's type tokens."""
    resources = [
        {"type": SPECS[i.section].native_token, "name": i.name, "id": i.object_id}
        for i in sorted(items, key=lambda i: (SECTIONS.index(i.section), i.name))
    ]
    return json.dumps({"resources": resources}, indent=2) + "\n"


def parse_since(text: str) -> datetime:
    value = parse_time(text)
    if not isinstance(value, datetime):
        raise ValueError(f"{text!r} is not an ISO 8601 time such as 2030-01-10T10:00:00Z")
    return value


def check_output(out_dir: str | None, out_file: str | None) -> None:
    """Refuse, before the tenant is read, an output place that cannot be written, where that is
    known without writing: an empty value, a file where a directory must be or the reverse, a
    missing parent, no permission. What only a write can tell (a full disk) is found on writing."""
    if out_dir is not None and out_file is not None:
        raise ValueError("--out and -o/--output both name where to write: give one of them")
    if out_dir is not None:
        _check_place(out_dir, "--out", directory=True)
    if out_file is not None:
        _check_place(out_file, "-o/--output", directory=False)


def _check_place(path: str, option: str, *, directory: bool) -> None:
    what = "directory" if directory else "file"
    if not path.strip():
        raise ValueError(
            f"{option} is empty: name the {what} to write, or leave out {option} to print to stdout"
        )
    if directory and os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(
            f"{option} {path}: is not a directory; name a directory for the files, or use -o FILE"
        )
    if not directory and os.path.isdir(path):
        raise ValueError(f"{option} {path}: is a directory; name the file to write, or use --out DIR")
    if os.path.exists(path):
        if not os.access(path, os.W_OK | (os.X_OK if directory else 0)):
            raise ValueError(f"{option} {path}: permission denied; choose a {what} you can write")
        return
    # Where the new file or directory would be made: the parent for a file; the nearest existing
    # ancestor for a directory, which is made with its parents.
    parent = os.path.dirname(os.path.abspath(path))
    if directory:
        while not os.path.lexists(parent) and parent != os.path.dirname(parent):
            parent = os.path.dirname(parent)
    if not os.path.exists(parent):
        raise ValueError(
            f"{option} {path}: the directory {parent} does not exist; create it, or choose another"
        )
    if not os.path.isdir(parent):
        raise ValueError(f"{option} {path}: {parent} is not a directory; choose another {what}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path}: permission denied in {parent}; choose a {what} you can write")


def write_failure(exc: OSError, option: str, place: str) -> str:
    """One line for an output that could not be written after the tenant was read."""
    where = exc.filename if isinstance(exc.filename, str) and exc.filename else place
    return (
        f"cannot write {where}: {exc.strerror or exc}; fix that or choose another {option}, and export again"
    )


def stack_config(stack: str, cwd: str | None = None) -> Mapping[str, Any]:
    """``videokit:*`` values of a Pulumi stack, read with the Pulumi CLI (secrets decrypted)."""
    import subprocess

    try:
        done = subprocess.run(
            ["pulumi", "config", "--json", "--show-secrets", "--stack", stack],
            # No terminal to prompt on: a missing passphrase fails, with Pulumi's message, at once.
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=cwd,
            check=False,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        raise ValueError(
            f"`pulumi config --stack {stack}` did not finish in 300 s: check that its backend can be reached"
            " (`pulumi whoami`)"
        ) from None
    except FileNotFoundError:
        raise ValueError(
            f"--stack {stack} reads the stack's config with the Pulumi CLI, and `pulumi` is not on PATH: "
            "install it (https://www.pulumi.com/docs/install/) or add its directory to PATH, or leave out "
            "--stack and set the VIDEOKIT_* environment variables"
        ) from None
    except PermissionError:
        raise ValueError(
            f"--stack {stack} reads the stack's config with the Pulumi CLI, and the `pulumi` found on PATH "
            "cannot be run (permission denied): fix its permissions or PATH"
        ) from None
    if done.returncode != 0:
        raise ValueError(f"`pulumi config --stack {stack}` failed: {' '.join(done.stderr.split())}")
    data = json.loads(done.stdout or "{}")
    return {k: (v.get("value") if isinstance(v, dict) else v) for k, v in data.items()}
