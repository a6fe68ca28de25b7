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
        "## The adoption rule",
        "",
        "An existing object is taken over only when the declaration says `adopt` (checked for on-air",
        "protection like any change, refused in preview, shown as `adopt` by `videokit plan-summary`),",
        "or when it is the object *this resource's own interrupted create* made. To know that, every",
        "create writes an attempt to the journal before its POST: the resource (backend, tenant, URN),",
        "a token, its natural key, and the ids that already had that key. The attempt is removed as soon",
        "as the engine has the create's answer, or the create failed cleanly; a plugin that outlives a",
        "killed engine keeps it. So an attempt left behind always means a create that was cut off, and",
        "only the next create of the same resource resolves it: by the id the API named, or by natural",
        "key among objects that did not exist before the POST, were made after it began, and that no",
        "other create or adoption has claimed since. Everything else makes a new object: a replacement",
        "(either order), a new entry reusing a removed or retained one's name, another stack's or",
        "backend's declaration of the same name. A 409 on create is an error every time. The journal is",
        "empty after a run that was not killed, holds names, ids and natural keys only, and drops",
        "attempts older than 14 days.",
        "",
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
        "    or file, values of the wrong type (`frameRate: \"30\"`, `running: 1`, `protect: \"true\"`),",
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
