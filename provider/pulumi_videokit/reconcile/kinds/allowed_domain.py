"""AllowedDomain: a domain the player may be embedded on."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...models import AllowedDomain, normalize_url
from ...models.desired import AllowedDomainOutputs, AllowedDomainSpec
from ...specs import ResourceSpec
from ..diff import Plan
from ..errors import UnexpectedStateError
from ._base import Exported, Kind, Observed, OnCreated, Scope, Settings, slug
from ._listing import Fetched, Listing

if TYPE_CHECKING:
    from ...client import VideoKitClient


def _normalized(inputs: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(inputs)
    if isinstance(out.get("url"), str):
        out["url"] = normalize_url(out["url"])
    return out


class AllowedDomainKind(Kind):
    spec = ResourceSpec(
        "AllowedDomain",
        "domains",
        AllowedDomainSpec,
        AllowedDomainOutputs,
        natural_key=("url",),
        endpoints=("POST /streaming/v1/domains",),
        unique_key=True,
        normalize=_normalized,
    )
    indexed = True
    index_asks = 0  # List Allowed Domains is the only question: it answers every domain

    def __init__(self, client: VideoKitClient, settings: Settings) -> None:
        super().__init__(client, settings)
        domains = client.streaming.domains
        # List Allowed Domains has no pages and no filters: one call lists them all, once per
        # operation (until a write), however many domains are read.
        self.listing: Listing[AllowedDomain] = Listing(
            page=lambda _number: Fetched(domains.list(), 1, False),
            ident=lambda d: d.player_domain_id,
            writes=lambda: client.transport.writes,
        )

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        domain = self.listing.get(object_id)
        if domain is None:
            # There is no Get Domain: a domain missing from the shared listing is confirmed gone
            # by a listing of its own.
            listed = self.client.streaming.domains.list()
            domain = next((d for d in listed if d.player_domain_id == object_id), None)
            if domain is None:
                return None
        return Observed(
            {"url": domain.url},
            {"playerDomainId": domain.player_domain_id, "analyticsDomainId": domain.analytics_domain_id},
        )

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        want = normalize_url(inputs["url"])
        return [
            d.player_domain_id
            for d in self.client.streaming.domains.list()
            if d.url and d.player_domain_id and normalize_url(d.url) == want
        ]

    def keyed(self) -> Iterable[tuple[str, Hashable]]:
        return [
            (d.player_domain_id, normalize_url(d.url))
            for d in self.client.streaming.domains.list()
            if d.url and d.player_domain_id
        ]

    def key(self, inputs: Mapping[str, Any]) -> Hashable:
        return normalize_url(inputs["url"])

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        domain = self.client.streaming.domains.create(inputs["url"])
        if not domain.player_domain_id:
            raise UnexpectedStateError(f"the API created {inputs['url']} but returned no playerDomainId")
        created(domain.player_domain_id)
        return domain.player_domain_id, {
            "playerDomainId": domain.player_domain_id,
            "analyticsDomainId": domain.analytics_domain_id,
        }

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        seen = self.observe(object_id, inputs)
        return seen.outputs if seen else {}

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        return {}

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        self.client.streaming.domains.delete(
            player_domain_id=object_id, analytics_domain_id=state.get("analyticsDomainId")
        )

    def exported(self, scope: Scope) -> list[Exported]:
        out = []
        listed = self.client.streaming.domains.list()
        for d in sorted(listed, key=lambda d: ((d.url or ""), d.player_domain_id or "")):
            if not d.url or not d.player_domain_id:
                continue
            host = re.sub(r"^[a-z]+://", "", d.url.lower()).rstrip("/").replace(":", "-")
            if scope.named(host):
                out.append(Exported(slug(host, "domain"), d.player_domain_id, {"url": d.url}))
        return out
