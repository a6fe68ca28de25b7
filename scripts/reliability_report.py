"""Run the reliability tests and write docs/reliability.md from the figures they measure."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = [
    "tests/test_client_faults.py",
    "tests/test_emulator_behaviour.py",
    "tests/test_yaml_corpus.py",
    "tests/test_bad_input_corpus.py",
    "tests/test_hostile_files.py",
    "tests/test_review_hostile.py",
    "tests/test_export_errors.py",
    "tests/test_journal.py",
    "tests/test_sequences.py",
    "tests/test_stateful.py",
    "tests/e2e/test_engine_faults.py",
    "tests/e2e/test_engine_sequences.py",
    "tests/e2e/test_engine_bad_input.py",
    "tests/e2e/test_secrets_scan.py",
]
ROWS = [
    ("runs converged", "runs that ended with exactly the declared objects (engine runs, stateful applies)"),
    ("duplicates", "objects found twice on the emulator after a faulty run"),
    ("lost objects", "declared objects missing from the emulator or from state"),
    ("acknowledged emulator writes lost", "writes the emulator answered but did not keep after kill -9"),
    ("bad inputs tried", "malformed declarations fed to the loader, the checks and the engine"),
    ("bad inputs rejected cleanly", "... rejected with a file:line:col or property path, no API call"),
    ("secret-scan hits (ours)", "API key, generated key or signing key in our logs, errors, state, requests"),
    ("secret-scan hits (engine -v=9 RPC trace)", "the same, in the engine's own -v=9 property trace"),
    (
        "stateful: applies failed under faults",
        "stateful applies that failed while faults were on (retried later)",
    ),
    ("stateful: runs killed mid-create", "stateful runs killed between a create's POST and the state write"),
    ("stateful: creates refused with 409", "stateful creates refused because another object holds the URL"),
]


#: The section on when an existing object is taken over, as docs/reliability.md holds it.
ADOPTION_RULE = [
    "## The adoption rule",
    "",
    "An existing object is taken over only when the declaration says `adopt` (checked for on-air",
    "protection like any change, refused in preview, shown as `adopt` by `videokit plan-summary`),",
    "or when it is the object *this resource's own interrupted create* made. To know that, every",
    "create writes an attempt to the journal before its POST: the resource (backend, tenant, URN),",
    "a token, its natural key, and the ids that already had that key. The attempt is written before",
    "that lookup, so a create of the key that finishes meanwhile claims its object in it; one cut off",
    "before its POST is marked unsent and made nothing. The attempt is removed as soon",
    "as the engine has the create's answer, or the create failed cleanly; a plugin that outlives a",
    "killed engine keeps it. So an attempt left behind always means a create that was cut off, and",
    "only the next create of the same resource resolves it: by the id the API named, or by natural",
    "key among objects that did not exist before the POST, were made after it began, and that no",
    "other create or adoption has claimed since. Everything else makes a new object: a replacement",
    "(either order), a new entry reusing a removed or retained one's name, another stack's or",
    "backend's declaration of the same name. A 409 on create is an error every time. The journal is",
    "empty after a run that was not killed, holds names, ids and natural keys only, and drops",
    "attempts older than 14 days. Every change to an attempt re-reads it under one lock of the",
    "directory (a lock per process, then `flock`), so a claim from a copy read mid-create can never",
    "bring back an attempt that its create has finished.",
    "",
    'For channels and events, "the ids that already had that key" come from a read before each of',
    "the first 16 creates of the kind in a provider process, as for the other kinds; after those,",
    "from one listing of the kind, at most 10 seconds old (once it is older, as many creates ask again",
    "as that listing took pages, then the kind is listed again: from the first listing on, never more",
    "than twice the cheaper way). Allowed domains always come from the listing, since the one way to",
    "ask about a URL is to list every domain. Every object the process itself made, half made or",
    "renamed is added, and kept whatever a later listing shows; a create whose answer was lost makes",
    "the listing old. That spares a read per object in a large up (an up of N channels, events and",
    "domains sends about 4N requests instead of 7N), and it narrows one guarantee there.",
    "An object of the same key made *elsewhere* after that listing (another stack's concurrent run,",
    "or by hand, at most 10 seconds before the create), or one a listing missed because objects were",
    "deleted while it paged, is not known to exist. If the create is then cut off:",
    "- when its own POST never landed, the next create of the resource takes that object for its",
    "  own (channels and events only when it is younger than 5 minutes, the allowance for clocks);",
    "- when its POST landed too, the two are not told apart: the create fails with both ids, and the",
    "  user adopts one by id.",
    "The other kinds still ask before each create.",
    "",
    "An attempt is written as `<hash>.unsent` while its create looks up what exists, and becomes",
    "`<hash>.json`, in the shape every earlier version reads, when it is sent; claims reach both. A",
    "run that finds the attempt it judged changed meanwhile (a provider left over from a killed run",
    "heard its answer) sends nothing and says to run `pulumi up` again, which then resumes by the id.",
    "",
    "An entry renamed without `aliases` is two resources to the engine, which creates the new name",
    "before it deletes the old: when the new name made the old one's object its own in that run (the",
    "asset of an `assetDetails` or `assetSettings` entry, or an object it adopts by id), the old name's",
    "delete does not undo it. Details and settings give back only the fields the new name does not",
    "declare; any other kind sends nothing. The engine shows a warning on the old name that says so.",
    "The new name has recorded the old one's values as what it found, so its own destroy later puts",
    "those back: listing the old name in `aliases` is what keeps one resource. Only a run's own creates",
    "count (a run is one plugin process): when the two are split over runs (a `--target` up, or a run",
    "that failed or was killed before its deletes), the old name's delete later deletes, or gives back,",
    "everything, as for any removed entry. When several new entries take one asset over, only the",
    "fields none of them declares are given back.",
    "",
]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        figures_file = Path(tmp) / "figures.json"
        # The model-based test searches four times deeper here than in `make test`.
        env = {**os.environ, "VIDEOKIT_FIGURES": str(figures_file), "VIDEOKIT_STATEFUL_EXAMPLES": "100"}
        command = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *TESTS]
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "no output"
        failed = [line for line in run.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
        figures = json.loads(figures_file.read_text()) if figures_file.exists() else {}
    faults = {k.split(": ", 1)[1]: v for k, v in figures.items() if k.startswith("faults injected: ")}
    lines = [
        "# Reliability figures",
        "",
        f"From the last run of `make reliability` on {dt.date.today().isoformat()}: `{summary}`.",
        "",
        "## Faults injected, by kind",
        "",
        "| fault | count |",
        "|---|---|",
        *[f"| {kind} | {int(count)} |" for kind, count in sorted(faults.items())],
        "",
        "## Outcomes",
        "",
        "| figure | value | what it counts |",
        "|---|---|---|",
        *[f"| {name} | {int(figures.get(name, 0))} | {what} |" for name, what in ROWS],
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make reliability                                   # everything below, and rewrites this file",
        *[f".venv/bin/python -m pytest -q {t}" for t in TESTS],
        "```",
        "",
        *ADOPTION_RULE,
        "## What the scenarios are",
        "",
        "- **Lost answers**: the emulator carries out every third create and drops the connection; the",
        "  provider looks the object up by its natural key among objects new since its POST and keeps",
        "  it. One object per resource, all ids in state.",
        "- **Throttling and 5xx**: 20% 429 (with `Retry-After`) and 10% 503 on every request, through a",
        "  whole `up`, `refresh` and `destroy`.",
        "- **Killed runs**: `kill -9` of `pulumi up` after its 1st, 2nd and 3rd create; then",
        "  `pulumi cancel`,",
        "  `pulumi refresh --clear-pending-creates`, `pulumi up`. The journal lets the same resource's",
        "  next create finish what the killed one made; `destroy` leaves no orphan.",
        "- **Half-done creates**: a channel is created but its start fails (500), or waiting for On times",
        "  out; the channel stays in state through the engine's partial-failure path and the next `up`",
        "  finishes the job.",
        "- **Sequences**: each edit that once lost or took over an object (a URL changed, an event moved,",
        "  settings moved, a retained channel and a reused name, another stack's URL, the same stack on",
        "  another backend, a rename with `aliases`, adopt on air, a key replaced), on the core, and a",
        "  sequence of them through the real engine on both doors, once more under faults and once with",
        "  `kill -9` in the middle; the tenant is asserted object by object after every `up`.",
        "- **Model-based test**: three stacks (dev and prod on one backend, dev again on another) share",
        "  a tenant and a journal; random declarations, replaces in both orders, `retainOnDelete`,",
        "  aliases, adopt, hand edits, faults and kills, judged after every step against a reference",
        "  model: no stack ever holds another's, a retained, hand-made or foreign object; nothing held is",
        "  lost; a converged stack holds exactly its declarations; a clean tenant holds nothing more.",
        "- **Hostile and broken input**: each ends in one line naming the file and place (or the call",
        "  and the setting to check), exit code 1, no traceback, and no request where none belongs:",
        "  - `videokit validate`: alias bombs (5, 6 and 9 levels, wide, too many aliases), a huge string",
        '    or file, values of the wrong type (`frameRate: "30"`, `running: 1`, `protect: "true"`),',
        "    an overlay without its base file (error) or for a stack with no config file (warning), an",
        "    empty file (warning), `--stack` with no `Pulumi.<stack>.yaml`, a date-only time (the hint",
        "    is a full instant), a host that is not ASCII (its IDNA form suggested) or not a host, one",
        "    error per mistake (an invalid channel is not also a missing one; a reference to an entry an",
        "    overlay removes names the overlay); the model and the emulator judge domain URLs alike;",
        "  - `videokit export`: a wrong key or tenant, a wrong base URL, an unknown `--asset`, refused",
        "    connections, timeouts and a 500 that never clears;",
        "  - `plan-summary` and `drift-report`: a stream cut before its summary event, a document cut",
        "    short, wrong shapes, bad bytes, a terminal on stdin; secret fields listed masked; fields",
        "    no refresh can see named; a plan that deletes every object leads the warnings;",
        "  - the providers: a 500 on a read retried, never on a create; one retry budget per provider",
        "    call; a key found after its create's answer was lost warns on that resource; `pulumi import`",
        "    output runs with no change; `up --target` of a channel replace refuses to recreate its",
        "    event on the deleted channel.",
        "- **Secrets**: a stack run at `-v=9 --logtostderr --logflow` and `-v=8` with the provider's debug",
        "  log on, a 401 error path, `pulumi stack export` and the emulator's request log are scanned.",
        "",
        "The engine itself traces every property it sends to or receives from a provider at `-v=9`",
        '("Marshaling property for RPC"), secrets included: the Python dynamic-provider host tells the',
        "engine it cannot take secrets, so stack config reaches it in plaintext, and a generated key is",
        "plaintext in the create response before the engine marks it secret. Those lines are counted",
        "separately above; at `-v=8` and below there are none, and nothing of ours ever carries a secret.",
        "Pulumi's own docs warn that verbose logs may contain credentials.",
        "",
    ]
    if failed:
        lines[3:3] = ["", "Failed in that run:", "", *[f"- `{line}`" for line in failed]]
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "reliability.md").write_text("\n".join(lines))
    print("\n".join([*failed, summary]))
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
