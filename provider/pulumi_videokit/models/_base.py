"""Shared model machinery: tolerant API shapes and strict request shapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel


class Fact(Enum):
    """What a field is to the provider, said once on the field (``Annotated[T, CREATE_ONLY]``)."""

    #: Only a create sets it: a change replaces the object.
    CREATE_ONLY = "create-only"
    #: No read returns it: it is kept from the last apply, and a refresh cannot see it change.
    NEVER_RETURNED = "never-returned"
    #: Converged by calls of its own (a run state), never sent in an update's body.
    STATE = "state"
    #: An output kept secret in state and in every answer.
    SECRET = "secret"


CREATE_ONLY, NEVER_RETURNED, STATE, SECRET = Fact


def fields_with(model: type[BaseModel], fact: Fact) -> frozenset[str]:
    """The API names of ``model``'s fields that carry ``fact``."""
    return frozenset(f.alias or name for name, f in model.model_fields.items() if fact in f.metadata)


def models_in(model: type[BaseModel]) -> list[type[BaseModel]]:
    """``model`` and every model its fields hold, at any depth."""
    import typing

    seen: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        found = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        if found is not None and found not in seen:
            seen.append(found)
            for field in found.model_fields.values():
                visit(field.annotation)
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(model)
    return seen


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_time(value: Any) -> Any:
    """Accept ``Z``, ``+00:00`` and 7-digit fractions; naive times are UTC."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("must be an ISO 8601 date-time such as 2030-01-10T10:00:00Z, not a number")
    if isinstance(value, str):
        text = _FRACTION.sub(r"\1", value.strip())
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return value
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def format_time(value: datetime) -> str:
    """Write a time the way the reference's examples do: ISO 8601 with ``+00:00``."""
    return value.astimezone(UTC).isoformat()


def parse_instant(value: Any) -> Any:
    """Like :func:`parse_time`, but a time without an offset is an error: it names no instant."""
    if isinstance(value, str) and isinstance(parsed := parse_time(value), datetime):
        if not re.search(r"([Zz]|[+-]\d{2}:?\d{2})$", value.strip()):
            if "T" not in value.upper() and " " not in value.strip():
                raise ValueError(
                    f"{value!r} is a date, not an instant; write a time with its UTC offset, "
                    f"such as {parsed:%Y-%m-%d}T00:00:00Z"
                )
            raise ValueError(f"{value!r} has no UTC offset; write it as {value.strip()}Z or with +hh:mm")
        return parsed
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"{value.isoformat()} has no UTC offset; give the datetime a tzinfo")
    return parse_time(value)


_FIRST, _LAST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


def representable(value: datetime) -> datetime:
    """A time that has a UTC form to send (9999-12-31T23:00:00-14:00 has none: it is in year
    10000 in UTC)."""
    if not _FIRST <= value <= _LAST:
        late = value.year > 1
        side, bound = ("after", "9999-12-31T23:59:59Z") if late else ("before", "0001-01-01T00:00:00Z")
        raise ValueError(
            f"{value.isoformat()} is {side} {bound} in UTC, the range of times that can be sent; "
            "give a time within it"
        )
    return value


#: A time the API answers with: naive times are read as UTC.
Timestamp = Annotated[datetime, BeforeValidator(parse_time), PlainSerializer(format_time, return_type=str)]
#: A time we send: it must carry its offset, and have a UTC form (years 1 to 9999).
Instant = Annotated[
    datetime,
    BeforeValidator(parse_instant),
    AfterValidator(representable),
    PlainSerializer(format_time, return_type=str),
]
#: The reference's ``integer (int64)``: a larger number is refused here, never sent.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class APIModel(BaseModel):
    """A shape the API returns: read tolerantly, keep unknown fields."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, alias_generator=to_camel, frozen=False, defer_build=True
    )


class RequestModel(BaseModel):
    """A shape we send: strict, camelCase on the wire, unknown fields rejected."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        alias_generator=to_camel,
        str_strip_whitespace=False,
        validate_assignment=True,
        defer_build=True,
    )

    def wire(self) -> dict[str, Any]:
        """The JSON body: camelCase, unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


T = TypeVar("T")


class Page(APIModel, Generic[T]):
    """One page of a list endpoint."""

    items: list[T] = []
    page_count: int | None = None
    page_size: int | None = None
    total_count: int | None = None
    page_number: int | None = None
    has_more: bool | None = None


class Status(APIModel):
    code: str | None = None
    status: int | str | None = None
    message: str | None = None


class ServiceResponse(APIModel):
    """The API's generic acknowledgement: ``{"status": {...}, "success": bool}``."""

    status: Status | None = None
    success: bool | None = None


class CreatedId(APIModel):
    id: str
