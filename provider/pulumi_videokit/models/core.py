"""API keys and tenant status."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr

from ._base import APIModel, RequestModel, Timestamp


class ApiKeyWrite(RequestModel):
    """Body of Create API Key and Update API Key."""

    name: str = Field(min_length=1, max_length=128, description="The key's name.")
    role_id: str = Field(min_length=1, description="The id of the role the key acts with.")


class ApiKey(APIModel):
    """An API key; ``key`` holds key material when the API returns it (on create)."""

    id: str
    name: str | None = None
    role_id: str | None = None
    role_name: str | None = None
    created_at: Timestamp | None = None
    key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("key", "apiKey", "value", "secret")
    )


class TenantStatus(APIModel):
    status: str | None = None
    message: str | None = None
