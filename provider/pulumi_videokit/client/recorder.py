"""Recorder: recordings and their outputs."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from ..models import CreatedId, Recording, ServiceResponse
from ._resource import APIResource, Body, body, seg


class Recordings(APIResource):
    """``/cvr/v1/recordings``."""

    def list(self, **filters: Any) -> Iterator[Recording]:
        return self._list("/cvr/v1/recordings", Recording, filters)

    def get(self, recording_id: str) -> Recording:
        return self._get(f"/cvr/v1/recordings/{seg(recording_id)}", Recording)

    def create(self, spec: Body) -> str:
        created: CreatedId = self._send("POST", "/cvr/v1/recordings", CreatedId, json=body(spec))
        return created.id

    def update(self, recording_id: str, patch: Body) -> Recording | None:
        out: Recording | None = self._send(
            "PATCH", f"/cvr/v1/recordings/{seg(recording_id)}", Recording, json=body(patch)
        )
        return out

    def delete(self, recording_id: str) -> None:
        self._send("DELETE", f"/cvr/v1/recordings/{seg(recording_id)}")

    def delete_many(self, ids: builtins.list[str]) -> dict[str, ServiceResponse]:
        return self._delete_many("/cvr/v1/recordings/deletemany", ids)

    def add_output(self, recording_id: str, output: Body) -> Any:
        return self._send("POST", f"/cvr/v1/recordings/{seg(recording_id)}/outputs", json=body(output))

    def remove_output(self, recording_id: str, output_id: str) -> None:
        self._send("DELETE", f"/cvr/v1/recordings/{seg(recording_id)}/outputs/{seg(output_id)}")


class Recorder:
    """The Recorder API group."""

    def __init__(self, transport: Any) -> None:
        self.recordings = Recordings(transport)
