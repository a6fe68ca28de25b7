"""Analytics queries: synthetic but well-formed answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request

from ._http import ApiError, Context, read_json
from ._store import iso, now, parse_time

QUERIES = {
    "/streaming/v1/analytics/ads/queries/count": ("Get Ads Count Analytics", "count", True),
    "/streaming/v1/analytics/ads/queries/sum": ("Get Ads Sum Analytics", "sum", True),
    "/streaming/v1/analytics/ads/queries/avg": ("Get Ads Avg Analytics", "avg", True),
    "/streaming/v1/analytics/queries/median": ("Get Queries Median Analytics", "median", True),
    "/streaming/v1/analytics/queries/avg": ("Get Queries Avg Analytics", "avg", True),
    "/streaming/v1/analytics/queries/count": ("Get Queries Count Analytics", "count", True),
    "/streaming/v1/analytics/queries/sum": ("Get Queries Sum Analytics", "sum", True),
    "/streaming/v1/analytics/metrics/max_concurrentviewers": (
        "Get Max Concurrent Viewers",
        "max",
        False,
    ),
}
INTERVALS = {"MINUTE": 60, "HOUR": 3600, "DAY": 86400, "MONTH": 30 * 86400}


def _rows(body: dict[str, Any]) -> list[list[int]]:
    end = parse_time(body.get("end") or iso())
    start = parse_time(body.get("start") or iso(end - timedelta(days=7)))
    if start >= end:
        raise ApiError(400, "start must be before end")
    step = INTERVALS.get(str(body.get("interval") or "DAY").upper())
    if step is None:
        raise ApiError(400, f"interval must be one of {', '.join(INTERVALS)}")
    limit = int(body.get("limit") or 200)
    if not 1 <= limit <= 200:
        raise ApiError(400, "limit must be between 1 and 200")
    rows: list[list[int]] = []
    t = start
    while t < end and len(rows) < limit:
        rows.append([int(t.timestamp() * 1000), 0])
        t += timedelta(seconds=step)
    return rows


def router(ctx: Context) -> APIRouter:
    r = APIRouter()

    def register(path: str, title: str, label: str, needs_dimension: bool) -> None:
        @r.post(path, summary=title, name=path)
        async def query(request: Request) -> Any:
            body = await read_json(request, required=False) or {}
            if not isinstance(body, dict):
                raise ApiError(400, "body must be an object")
            if needs_dimension and not body.get("dimension"):
                raise ApiError(400, "dimension is required")
            rows = _rows(body)
            key = str(body.get("dimension") or "MAX_CONCURRENT_VIEWERS")
            return {
                "rowCount": len(rows),
                "rows": rows,
                "columnLabels": [
                    {"key": "TIMESTAMP", "label": "Timestamp"},
                    {"key": key, "label": f"{key} ({label})"},
                ],
                "contextDescription": [{"label": key, "description": f"{label} of {key}"}],
            }

    for path, (title, label, needs) in QUERIES.items():
        register(path, title, label, needs)

    @r.post("/streaming/v1/analytics/impressions", summary="List Impressions")
    async def impressions(request: Request) -> Any:
        body = await read_json(request, required=False) or {}
        limit = int(body.get("limit") or 100) if isinstance(body, dict) else 100
        _ = now()
        return {
            "impressions": [
                {"impressionId": f"00000000-0000-0000-0000-{n:012d}"} for n in range(min(limit, 3))
            ]
        }

    return r
