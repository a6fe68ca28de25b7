"""What a reviewer reads in CI: a plan summary of `pulumi preview --json` and a drift report of
`pulumi refresh --preview-only --json`.

Secret values are shown as ``[secret]``: the engine masks them in both forms, and the values are
never read from anywhere else.  A change the engine reports where only secret fields could differ
is listed by field name, ``[secret] → [secret]``.  What each kind is (its outputs, secrets, the
fields the API never returns, its run states) is read from ``reconcile.kinds.KINDS``.
"""

from __future__ import annotations

from ._read import CHANGES, ERROR, NO_CHANGES, PREVIEW, REFRESH, SECRET, Change, ReviewError, decode, parse
from ._values import changes, masked, secret_changes, show
from .drift import Drift, Drifted, drift_report
from .plan import Plan, plan_summary

__all__ = [
    "CHANGES",
    "ERROR",
    "NO_CHANGES",
    "PREVIEW",
    "REFRESH",
    "SECRET",
    "Change",
    "Drift",
    "Drifted",
    "Plan",
    "ReviewError",
    "changes",
    "decode",
    "drift_report",
    "masked",
    "parse",
    "plan_summary",
    "secret_changes",
    "show",
]
