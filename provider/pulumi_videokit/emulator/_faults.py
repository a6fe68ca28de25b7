"""Fault injection: throttling, 5xx, latency, and creates whose answer is lost."""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FaultKind = Literal["429", "500", "502", "503", "504", "latency", "drop", "timeout"]
KINDS: tuple[str, ...] = ("429", "500", "502", "503", "504", "latency", "drop", "timeout")
#: Faults that happen after the request was carried out.
AFTER_COMMIT = frozenset({"drop", "timeout"})
#: The creates that ``drop`` and ``timeout`` hit unless told otherwise.
CREATE_PATHS = (
    r"^/(live/v1/(channels|events)|streaming/v1/domains|core/v1/api-key"
    r"|cvr/v1/recordings|vod/v1/assets)$"
)


@dataclass
class FaultRule:
    """One fault: which requests it hits, and how often.

    ``rate`` is a probability; ``every`` hits every Nth matching request instead.
    ``drop`` and ``timeout`` carry the request out and then lose the answer; by
    default they hit only POSTs that create objects.
    """

    kind: str
    rate: float = 0.0
    every: int = 0
    method: str = ""
    path: str = ""
    retry_after: float | None = None
    seconds: float = 0.0
    seen: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (allowed: {', '.join(KINDS)})")
        if self.kind in AFTER_COMMIT and not self.method:
            self.method = "POST"
        if self.kind in AFTER_COMMIT and not self.path:
            self.path = CREATE_PATHS
        re.compile(self.path or "")

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path or re.search(self.path, path) is not None

    def public(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("seen", None)
        return out


def parse_spec(spec: str) -> list[FaultRule]:
    """Parse ``kind:rate[:METHOD[:path-regex]]`` items separated by commas.

    ``rate`` is a probability (``0.2``) or ``every3`` for every third match, e.g.
    ``429:0.2,503:0.1,drop:every3``.
    """
    rules: list[FaultRule] = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        parts = item.split(":", 3)
        kind, rate = parts[0], parts[1] if len(parts) > 1 else "1"
        rule = FaultRule(
            kind=kind,
            method=parts[2] if len(parts) > 2 else "",
            path=parts[3] if len(parts) > 3 else "",
        )
        if rate.startswith("every"):
            rule.every = int(rate[5:])
        else:
            rule.rate = float(rate)
        if kind == "429":
            rule.retry_after = 1
        if kind == "latency":
            rule.seconds = 0.2
        if kind == "timeout":
            rule.seconds = 5.0
        rules.append(rule)
    return rules


class FaultPlan:
    """The active rules, and a count of faults injected per kind."""

    def __init__(self, rules: list[FaultRule] | None = None, seed: int | None = None) -> None:
        self.rules = rules or []
        self.injected: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def replace(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self.rules = rules

    def reseed(self, seed: int | None) -> None:
        """Start the random draws again, as from ``seed``."""
        with self._lock:
            self._rng.seed(seed)

    def pick(self, method: str, path: str) -> list[FaultRule]:
        """The rules that fire for this request (at most one error, plus latency)."""
        fired: list[FaultRule] = []
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path):
                    continue
                rule.seen += 1
                hit = (rule.every and rule.seen % rule.every == 0) or (
                    not rule.every and self._rng.random() < rule.rate
                )
                if not hit:
                    continue
                if rule.kind != "latency" and any(r.kind != "latency" for r in fired):
                    continue
                fired.append(rule)
                self.injected[rule.kind] += 1
        return fired
