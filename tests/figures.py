"""Figures the reliability tests measure, collected for docs/reliability.md.

With ``VIDEOKIT_FIGURES=<file>`` set, every ``add`` merges into that JSON file; otherwise the
figures are only kept in memory for the terminal summary.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

_lock = threading.Lock()
MEMORY: Counter[str] = Counter()


def add(name: str, amount: float = 1) -> None:
    """Add ``amount`` to the figure ``name``."""
    with _lock:
        MEMORY[name] += amount
        target = os.environ.get("VIDEOKIT_FIGURES")
        if not target:
            return
        path = Path(target)
        data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        data[name] = data.get(name, 0) + amount
        path.write_text(json.dumps(data, indent=1, sort_keys=True))


def add_faults(injected: dict[str, int]) -> None:
    for kind, count in injected.items():
        add(f"faults injected: {kind}", count)
