"""Recording: a CVR recording of a window of a live channel.

The declaration is flat (``channelId``, ``start``, ``end`` at the top); the kind sends Create
Recording's documented body (``source.liveChannelDetails``).  Update Recording changes the source
only while the recording is Pending: the diff reads the status when the window changed, patches it
while Pending, and replaces the recording once it has started, which ``allowInterrupt`` must allow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ...client import ConflictError, NotFoundError
from ...models import parse_time
from ...models._base import format_time
from ...models.desired import RecordingOutputs, RecordingSpec
from ...models.recorder import Recording, RecordingCreate, RecordingUpdate
from ...specs import ResourceSpec, Wording, words
from ..diff import Plan, plan
from ..errors import AdoptionError, MissingObjectError, UserError
from ._base import Exported, Kind, Observed, OnCreated, Scope, after, slug

#: The fields that are the recording's source: Update Recording changes them only while Pending.
WINDOW = ("channelId", "start", "end")


class NotPending(frozenset[str]):
    """The statuses in which a recording has started: every status but Pending (the reference
    names Pending and Available; the emulator passes through Processing)."""

    def __contains__(self, status: object) -> bool:
        return isinstance(status, str) and status != "Pending"


def _instant(value: Any) -> Any:
    try:
        parsed = parse_time(value)
    except ValueError:
        return value
    return format_time(parsed) if isinstance(parsed, datetime) else value


def normalize(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs as they compare: times by instant; attributes and outputs in any order."""
    out = dict(inputs)
    for key in ("start", "end"):
        if key in out:
            out[key] = _instant(out[key])
    meta = out.get("metadata")
    if isinstance(meta, Mapping):
        meta = {k: v for k, v in meta.items() if v not in (None, [])}
        if isinstance(meta.get("attributes"), list):
            meta["attributes"] = sorted(meta["attributes"], key=lambda a: str(a.get("key")))
        out["metadata"] = meta
    if isinstance(out.get("outputs"), list):
        out["outputs"] = sorted(
            ({k: v for k, v in o.items() if v is not None} for o in out["outputs"]),
            key=lambda o: (str(o.get("id") or ""), str(o.get("preset") or "")),
        )
    return out


def _metadata(rec: Recording) -> dict[str, Any]:
    """``metadata`` as Create Recording takes it: the title, and the other keys as attributes."""
    flat = {str(k): v for k, v in (rec.metadata or {}).items()}
    title = rec.title or flat.get("title")
    out: dict[str, Any] = {"title": title} if title else {}
    attributes = [{"key": k, "value": str(v)} for k, v in flat.items() if k != "title" and v is not None]
    if attributes:
        out["attributes"] = attributes
    return out


def _flat(metadata: Mapping[str, Any]) -> dict[str, str]:
    """Declared metadata as Update Recording's key-value ``metadata``: the title beside each
    attribute, as List Recordings answers it."""
    out = {"title": str(metadata["title"])} if metadata.get("title") else {}
    for item in metadata.get("attributes") or []:
        out[str(item["key"])] = str(item["value"])
    return out


def outputs_of(rec: Recording) -> dict[str, Any]:
    return {
        "status": rec.status,
        "catchupUrls": [e.url for e in (rec.catchup.endpoints if rec.catchup else None) or [] if e.url],
        "archiveUrls": [e.url for e in (rec.archive.endpoints if rec.archive else None) or [] if e.url],
        "outputUrls": [e.url for o in rec.outputs or [] for e in o.endpoints or [] if e.url],
        "durationMilliseconds": rec.duration_milliseconds,
    }


def _source(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "LiveChannel",
        "liveChannelDetails": {k: inputs[k] for k in WINDOW if inputs.get(k) is not None},
    }


class RecordingKind(Kind):
    spec = ResourceSpec(
        "Recording",
        "recordings",
        RecordingSpec,
        RecordingOutputs,
        natural_key=WINDOW,
        endpoints=("POST /cvr/v1/recordings", "PATCH /cvr/v1/recordings/{id}"),
        references={"channel": ("channelId", "channels")},
        live_states=NotPending(),
        replace_changes="catchup, archive and output addresses",
        wording=Wording(
            live_replaced="a new recording of the window is made and this one is deleted with what it "
            "recorded",
            live_deleted="it is deleted with what it recorded (catchup, archive and outputs)",
            finished_states=frozenset({"Available"}),  # recorded and archived: nothing runs any more
        ),
        normalize=normalize,
    )

    # ---- observe ----

    def _get(self, object_id: str) -> Recording | None:
        try:
            return self.client.recorder.recordings.get(object_id)
        except NotFoundError:
            return None

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        # List Recordings carries no source, catchup, archive or outputs: one GET per recording.
        rec = self._get(object_id)
        return None if rec is None else Observed(self._inputs(rec, last), outputs_of(rec))

    @staticmethod
    def _inputs(rec: Recording, last: Mapping[str, Any]) -> dict[str, Any]:
        details = rec.source.live_channel_details if rec.source else None
        seen: dict[str, Any] = {}
        if details is not None:
            seen["channelId"] = details.channel_id
            seen["start"] = format_time(details.start) if details.start else None
            seen["end"] = format_time(details.end) if details.end else None
        if rec.catchup is not None and rec.catchup.enabled is not None:
            seen["catchup"] = {"enabled": rec.catchup.enabled}
        if rec.archive is not None and rec.archive.enabled is not None:
            seen["archive"] = {"enabled": rec.archive.enabled}
        if rec.archive is not None and rec.archive.public is not None:
            seen["public"] = rec.archive.public
        if rec.outputs is not None:
            # An id the platform picked for an output declared without one is not the user's; with
            # no outputs declared (an import, an export) every id is kept.
            declared = {o.get("id") for o in last.get("outputs") or [] if o.get("id")}
            every = "outputs" not in last
            seen["outputs"] = [
                {"preset": o.preset, **({"id": o.id} if o.id and (every or o.id in declared) else {})}
                for o in rec.outputs
            ]
        seen["metadata"] = _metadata(rec)
        return {k: v for k, v in seen.items() if v is not None}

    def live_state(self, object_id: str) -> str | None:
        rec = self._get(object_id)
        return rec.status if rec else None

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        """Recordings of this channel and window: List Recordings narrowed by channel and window
        (its items carry no source), each candidate confirmed by its details."""
        want = normalize(inputs)
        recordings = self.client.recorder.recordings
        candidates = recordings.list(
            channelId=inputs["channelId"], searchStart=want["start"], searchEnd=want["end"]
        )
        found = []
        for item in candidates:
            if not after(item.create_date, since):
                continue
            rec = self._get(item.id)
            details = rec.source.live_channel_details if rec and rec.source else None
            if (
                details is not None
                and details.channel_id == inputs["channelId"]
                and details.start is not None
                and details.end is not None
                and format_time(details.start) == want["start"]
                and format_time(details.end) == want["end"]
            ):
                found.append(item.id)
        return found

    # ---- act ----

    def _create_body(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        declared = self.body(inputs)
        body: dict[str, Any] = {"source": _source(declared)}
        body.update(
            {k: declared[k] for k in ("catchup", "archive", "public", "outputs", "metadata") if k in declared}
        )
        return RecordingCreate.model_validate(body).wire()

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        object_id = self.client.recorder.recordings.create(self._create_body(inputs))
        created(object_id)
        # Create Recording answers with the id only: the status and addresses are read back.
        return object_id, self._outputs(object_id)

    def _outputs(self, object_id: str) -> dict[str, Any]:
        rec = self._get(object_id)
        if rec is None:
            raise MissingObjectError(f"Recording {object_id} is gone: it was deleted while this ran")
        return outputs_of(rec)

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        changed = set(plan.changed)
        body: dict[str, Any] = {}
        if changed & set(WINDOW):
            body["source"] = _source(news)
        if "catchup" in changed and news.get("catchup") is not None:
            body["catchup"] = dict(news["catchup"])
        archive: dict[str, Any] = {}
        if "archive" in changed and news.get("archive") is not None:
            archive.update(news["archive"])
        if "public" in changed and news.get("public") is not None:
            archive["public"] = news["public"]  # Update Recording keeps visibility under archive
        if archive:
            body["archive"] = archive
        if "metadata" in changed and news.get("metadata") is not None:
            body["title"] = news["metadata"].get("title") or ""
            body["metadata"] = _flat(news["metadata"])
        kept = {k: olds[k] for k in self.spec.outputs if k in olds}
        answer: Recording | None = None
        if body:
            patch = RecordingUpdate.model_validate(body).wire()
            try:
                answer = self.client.recorder.recordings.update(object_id, patch)
            except ConflictError as exc:
                if "source" not in body:
                    raise
                raise UserError(
                    f"Recording {object_id} started after this plan was made, so its window cannot "
                    f"change in place any more ({exc.server_message or exc.message}); run `pulumi up` "
                    "again: with allowInterrupt: true the recording is replaced"
                ) from None
        if "outputs" in changed and news.get("outputs") is not None:
            self._converge_outputs(object_id, news["outputs"])
            return self._outputs(object_id)
        if answer is None or (answer.status or kept.get("status")) != kept.get("status"):
            return self._outputs(object_id)  # the status moved: its addresses may have too
        return {**kept, "durationMilliseconds": answer.duration_milliseconds}

    def _converge_outputs(self, object_id: str, wanted: list[Mapping[str, Any]]) -> None:
        """Remove the outputs no longer declared and add the new ones (Remove/Add Output)."""
        rec = self._get(object_id)
        live = list(rec.outputs or []) if rec else []
        named = {o.get("id") for o in wanted if o.get("id")}
        adding = []
        for want in wanted:
            match = next(
                (
                    o
                    for o in live
                    if o.preset == want["preset"]
                    and (o.id == want["id"] if want.get("id") else o.id not in named)
                ),
                None,
            )
            if match is None:
                adding.append(want)
            else:
                live.remove(match)
        recordings = self.client.recorder.recordings
        for gone in live:
            if gone.id:
                recordings.remove_output(object_id, gone.id)
        for want in adding:
            recordings.add_output(object_id, {k: v for k, v in want.items() if v is not None})

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Bring an existing recording to ``inputs``; a started one keeps the window it has."""
        seen = self.observe(object_id, inputs)
        if seen is None:
            raise MissingObjectError(f"Recording {object_id} does not exist")
        decided = plan(self.spec, seen.inputs, inputs)
        moved = [f for f in WINDOW if f in decided.changed]
        status = seen.outputs.get("status")
        if moved and status in self.spec.live_states:
            was = ", ".join(f"{f} {seen.inputs.get(f)}" for f in WINDOW)
            raise AdoptionError(
                f"cannot adopt Recording {object_id}: it is {status}, so its {words(moved)} can no longer "
                f"change; declare the window it has ({was}), or leave out adopt to make a new recording"
            )
        return self.update(object_id, seen.inputs, inputs, decided)

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        self.client.recorder.recordings.delete(object_id)

    # ---- started recordings ----

    @classmethod
    def interruptions(cls, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan) -> list[str]:
        return [
            f"changing {field} replaces it (the source changes only while Pending), deleting what it recorded"
            for field in WINDOW
            if field in plan.changed
        ]

    @classmethod
    def replanned(cls, decided: Plan, live_state: Callable[[], str | None]) -> Plan:
        """A window change patches a Pending recording and replaces one that has started."""
        window = [f for f in decided.changed if f in WINDOW and f not in decided.replaces]
        if not window or live_state() not in cls.spec.live_states:
            return decided
        return Plan(changed=decided.changed, replaces=sorted({*decided.replaces, *window}))

    # ---- export ----

    def exported(self, scope: Scope) -> list[Exported]:
        out = []
        seen = []
        for item in self.client.recorder.recordings.list():
            if not after(item.create_date, scope.since):
                continue
            rec = self._get(item.id)  # the listing carries no source: one GET each
            details = rec.source.live_channel_details if rec and rec.source else None
            if rec is None or details is None or not details.channel_id or not details.start:
                continue
            if details.end is None or (
                scope.channels is not None and details.channel_id not in scope.channels
            ):
                continue
            if scope.named(_metadata(rec).get("title")):
                seen.append((details.channel_id, format_time(details.start), rec))
        for channel_id, start, rec in sorted(seen, key=lambda s: (s[0], s[1], s[2].id)):
            out.append(self._exported(rec, channel_id, start))
        return out

    def _exported(self, rec: Recording, channel_id: str, start: str) -> Exported:
        inputs = self._inputs(rec, {})  # every output with its id: adopting it changes none
        names = ("start", "end", "catchup", "archive", "public", "outputs", "metadata")
        fields = {k: inputs[k] for k in names if inputs.get(k) not in (None, [], {})}
        comments = [f"status when exported: {rec.status or 'unknown'}"]
        if rec.status in self.spec.live_states:
            comments.append(
                "It has started: its window (channel, start, end) no longer changes in place; "
                "changing it replaces the recording, which needs allowInterrupt: true."
            )
        title = fields.get("metadata", {}).get("title") or "recording"
        base = slug(f"{title}-{start[:16].replace('-', '').replace(':', '').replace('T', '-')}", "recording")
        return Exported(base, rec.id, fields, comments, refs={"channel": channel_id})
