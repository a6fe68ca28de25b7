"""Run a stack at the most verbose log levels and scan everything it leaves behind for secrets."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pulumi_videokit.emulator import RunningEmulator

from .. import figures
from ..conftest import API_KEY
from .conftest import record, stack_for

# The engine itself traces every property it marshals to or from a provider at -v=9, secrets
# included: a plugin that cannot take secrets (the Python dynamic-provider host answers
# acceptSecrets=false) is sent stack config in plaintext. These lines are the engine's, not ours.
ENGINE_RPC_TRACE = re.compile(r"(Un)?[Mm]arshaling property for RPC\[")


def hits(text: str, secrets: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Per secret: (occurrences in lines of ours, occurrences in the engine's RPC trace)."""
    out = {}
    for name, secret in secrets.items():
        ours = engine = 0
        for line in text.splitlines():
            if secret in line:
                if ENGINE_RPC_TRACE.search(line):
                    engine += line.count(secret)
                else:
                    ours += line.count(secret)
        out[name] = (ours, engine)
    return out


def test_no_secret_in_logs_errors_state_or_request_log(
    pulumi_bin: str, keyed_seeded: RunningEmulator, tmp_path: Path
) -> None:
    # A tenant that returns key material, so that there is generated material to look for.
    seeded = keyed_seeded
    stack = stack_for("gitops", tmp_path, seeded, pulumi_bin)
    stack.extra_env["VIDEOKIT_LOG_LEVEL"] = "debug"
    verbose = "--logtostderr", "--logflow"

    up9 = stack.run("up", "--yes", "--skip-preview", "-v=9", *verbose, label="up -v=9")
    material = stack.outputs(secrets=True)["ciKey"]
    secrets = {
        "api key": API_KEY,
        "generated key": material,
        "tenant signing key": seeded.ctx.config.signing_key,
    }
    assert (
        "videokit DEBUG request POST /core/v1/api-key" in up9.stderr
    )  # the provider's debug log is in there

    refresh8 = stack.run("refresh", "--yes", "--skip-preview", "-v=8", *verbose, label="refresh -v=8")
    preview9 = stack.run("preview", "-v=9", *verbose, label="preview -v=9")

    # An error path: a wrong key is refused with a hint, and never echoed.
    wrong = "wrong-api-key-5c1e0b7d"
    yaml_file = stack.project / "videokit.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("title: Keynote", "title: Keynote 2"))
    stack.run("config", "set", "--secret", "videokit:apiKey", wrong)
    refused = stack.up(check=False)
    assert refused.returncode != 0 and "videokit:apiKey" in refused.stdout and "HTTP 401" in refused.stdout
    assert "Traceback" not in refused.stdout
    refused9 = stack.run(
        "up", "--yes", "--skip-preview", "-v=9", *verbose, check=False, label="up -v=9 (401)"
    )
    assert refused9.returncode != 0
    stack.run("config", "set", "--secret", "videokit:apiKey", API_KEY)
    stack.up()

    exported = json.dumps(stack.export())
    request_log = json.dumps(seeded.ctx.requests)
    state_file = (tmp_path / "emulator.json").read_text()

    everything = {
        "up -v=9": up9.stdout + up9.stderr,
        "refresh -v=8": refresh8.stdout + refresh8.stderr,
        "preview -v=9": preview9.stdout + preview9.stderr,
        "401 error": refused.stdout + refused.stderr,
        "401 error -v=9": refused9.stdout + refused9.stderr,
        "stack export": exported,
        "emulator request log": request_log,
    }
    with_wrong = {**secrets, "wrong key": wrong}
    ours_total = engine_total = 0
    for where, text in everything.items():
        for name, (ours, engine) in hits(text, with_wrong).items():
            assert ours == 0, f"{name} appears in {where} outside the engine's own RPC trace"
            if "-v=9" not in where:
                assert engine == 0, f"{name} appears in {where}"
            ours_total += ours
            engine_total += engine
    assert material not in state_file and API_KEY not in state_file
    figures.add("secret-scan hits (ours)", ours_total)
    figures.add("secret-scan hits (engine -v=9 RPC trace)", engine_total)
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    record(stack, "secrets scan")
