"""Channel: a live channel, its run state, and on-air protection."""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ...client import ConflictError, NotFoundError
from ...models import Channel
from ...models.desired import ChannelOutputs, ChannelSpec
from ...specs import ResourceSpec, Wording, words
from ..diff import Plan, patch_body
from ..errors import UnexpectedStateError
from ._base import Exported, Kind, Observed, OnCreated, Scope, after, slug
from ._listing import Listing, listed, paged

if TYPE_CHECKING:
    pass


class ChannelError(UnexpectedStateError):
    """A channel did not reach the state it was asked to."""


def outputs_of(channel: Channel) -> dict[str, Any]:
    return {
        "status": channel.status,
        "ingestUrls": [d.url for i in channel.inputs or [] for d in i.destinations or [] if d.url],
        "playbackUrls": [e.url for e in channel.endpoints or [] if e.url],
    }


class ChannelKind(Kind):
    converged_after_create = ("running",)
    spec = ResourceSpec(
        "Channel",
        "channels",
        ChannelSpec,
        ChannelOutputs,
        natural_key=("name",),
        endpoints=("POST /live/v1/channels", "PATCH /live/v1/channels/{id}"),
        live_states=frozenset({"On", "Starting"}),
        replace_changes="ingest and playback URLs",
        delete_before_replace=True,
        wording=Wording(
            live_replaced="it goes off air until the new one is up", live_deleted="it is stopped and deleted"
        ),
    )
    indexed = True

    # ---- observe ----

    @cached_property
    def listing(self) -> Listing[Channel]:
        return paged(self.client.live.channels.page, lambda c: c.id, self.client)

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        # List Channels carries everything a read needs.
        channel = listed(self.listing, object_id, self.client.live.channels.get)
        if channel is None:
            return None
        inputs: dict[str, Any] = {"name": channel.name}
        if channel.automation_disabled is not None:
            inputs["automationDisabled"] = channel.automation_disabled
        if "running" in last:
            inputs["running"] = channel.status in ("On", "Starting")
        return Observed(inputs, outputs_of(channel))

    def _outputs(self, object_id: str) -> dict[str, Any]:
        """Outputs after a write: one GET (no listing is reused after a write)."""
        return outputs_of(self.client.live.channels.get(object_id))

    def live_state(self, object_id: str) -> str | None:
        try:
            return self.client.live.channels.status(object_id).status
        except NotFoundError:
            return None

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        return [
            c.id
            for c in self.client.live.channels.list(query=inputs["name"])
            if c.name == inputs["name"] and after(c.create_date, since)
        ]

    def keyed(self) -> Iterable[tuple[str, Hashable]]:
        return [(c.id, c.name) for c in self.client.live.channels.list()]

    def key(self, inputs: Mapping[str, Any]) -> Hashable:
        return str(inputs["name"])

    # ---- act ----

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        body = {k: v for k, v in self.body(inputs).items() if k not in ("running", "automationDisabled")}
        object_id = self.client.live.channels.create(body)
        created(object_id)
        if inputs.get("automationDisabled") is not None:
            self.client.live.channels.update(object_id, {"automationDisabled": inputs["automationDisabled"]})
        self._converge_running(object_id, inputs.get("running"))
        return object_id, self._outputs(object_id)

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in self.body(inputs).items() if k in self.spec.patchable}
        self.client.live.channels.update(object_id, body)
        self._converge_running(object_id, inputs.get("running"))
        return self._outputs(object_id)

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        body = patch_body(plan.changed, news, self.spec.patchable)
        if body:
            self.client.live.channels.update(object_id, body)
        if "running" in plan.changed:
            self._converge_running(object_id, news.get("running"))
        return self._outputs(object_id)

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        if state.get("status") in ("Off", "Error", None) and state.get("running") is not True:
            # Off when last seen: delete at once.  The API refuses to delete a channel that is not
            # Off (409); only then is its status read and the channel stopped first.
            try:
                self.client.live.channels.delete(object_id)
                return
            except ConflictError:
                pass
        status = self.client.live.channels.status(object_id).status
        if status in ("On", "Starting"):
            self._wait(object_id, {"On"}) if status == "Starting" else None
            self.client.live.channels.stop(object_id)
        if status != "Off":
            self._wait(object_id, {"Off", "Error"})
        try:
            self.client.live.channels.delete(object_id)
        except ConflictError:
            self._wait(object_id, {"Off", "Error"})
            self.client.live.channels.delete(object_id)

    # ---- run state ----

    def _converge_running(self, object_id: str, running: bool | None) -> None:
        if running is None:
            return
        channels = self.client.live.channels
        status = channels.status(object_id).status
        if status == "Error":
            raise ChannelError(
                f"channel {object_id} went to Error; it cannot be {'started' if running else 'stopped'} "
                "until it is fixed in the Cloud Video Kit console"
            )
        if running and status not in ("On", "Starting"):
            if status == "Stopping":
                self._wait(object_id, {"Off"})
            channels.start(object_id)
        elif not running and status not in ("Off", "Stopping"):
            if status == "Starting":
                self._wait(object_id, {"On"})
            channels.stop(object_id)
        self._wait(object_id, {"On"} if running else {"Off"})

    def _wait(self, object_id: str, targets: set[str]) -> str:
        deadline = time.monotonic() + self.settings.wait_timeout_seconds
        status = ""
        while True:
            status = self.client.live.channels.status(object_id).status or ""
            if status in targets:
                return status
            if status == "Error":
                raise ChannelError(
                    f"channel {object_id} went to Error while waiting for {'/'.join(sorted(targets))}; "
                    "check it in the Cloud Video Kit console, then run `pulumi up` again"
                )
            if time.monotonic() >= deadline:
                waited = self.settings.wait_timeout_seconds
                raise ChannelError(
                    f"channel {object_id} is still {status} after {waited:g}s waiting for "
                    f"{'/'.join(sorted(targets))} (raise videokit:waitTimeoutSeconds to wait longer)"
                )
            if self.settings.cancelled.wait(self.settings.poll_seconds):
                raise ChannelError(
                    f"cancelled while channel {object_id} was {status}, on its way to "
                    f"{'/'.join(sorted(targets))}; run `pulumi up` again to finish"
                )

    @classmethod
    def interruptions(cls, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan) -> list[str]:
        reasons = [f"changing {f} replaces the channel" for f in plan.replaces]
        if "running" in plan.changed and olds.get("running") is not False and news.get("running") is False:
            reasons.append("running: false stops it")
        return reasons

    def exported(self, scope: Scope) -> list[Exported]:
        never = ", ".join(sorted(self.spec.never_returned))
        in_place = words(sorted(self.spec.patchable & self.spec.never_returned))
        replacing = ", ".join(sorted(self.spec.create_only))
        out = []
        for c in sorted(self.client.live.channels.list(), key=lambda c: ((c.name or ""), c.id)):
            if scope.channels is not None and c.id not in scope.channels:
                continue
            if not scope.named(c.name) or not after(c.create_date, scope.since):
                continue
            fields: dict[str, Any] = {"name": c.name}
            if c.automation_disabled is not None:
                fields["automationDisabled"] = c.automation_disabled
            comments = [
                f"status when exported: {c.status or 'unknown'} (running is not declared, so it is left "
                "alone)",
                f"The API never returns these, so they are not exported: {never}.",
                f"Declare one only as it really is: {in_place} are patched in place; {replacing} replace "
                "the channel.",
            ]
            out.append(Exported(slug(c.name or "", "channel"), c.id, fields, comments))
        return out
