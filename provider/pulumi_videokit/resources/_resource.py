"""The thin Pulumi face of each kind: typed keyword arguments in, typed outputs out."""

from __future__ import annotations

import pickle
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic
from pydantic import BaseModel

from ..reconcile.kinds import SECRET_FIELDS, Kind
from ..reconcile.validate import problems
from ._provider import VideoKitProvider

_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
#: Each kind's public class, by kind name, as the classes are defined.
REGISTERED: dict[str, type[VideoKitResource]] = {}


class InvalidDeclarationError(pulumi.RunError, ValueError):
    """A declaration failed validation before anything was sent (shown without a traceback)."""


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def camelize(model: type[BaseModel] | None, value: Any) -> Any:
    """Rename snake_case keys to the API's names, guided by the models; user data stays as is."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [camelize(model, v) for v in value]
    if model is None or not isinstance(value, Mapping):
        return value
    fields = model.model_fields
    out: dict[str, Any] = {}
    for key, item in value.items():
        field = fields.get(key) or next((f for f in fields.values() if f.alias == key), None)
        if field is None:
            out[key] = item
            continue
        out[field.alias or key] = camelize(_model_in(field.annotation), item)
    return out


class VideoKitResource(pulumi.dynamic.Resource):
    """Base of the public resources, one class per kind (``class Channel(VideoKitResource,
    kind=ChannelKind)``); its provider class is made beside it, in the same module, where state
    pickles it by reference.  Keyword arguments are the kind's fields in Python style."""

    _provider_cls: ClassVar[type[VideoKitProvider]]
    _output_names: ClassVar[dict[str, str]] = {}
    _input_names: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, kind: type[Kind] | None = None, **kwargs: Any) -> None:
        if kind is None:
            super().__init_subclass__(**kwargs)
            return
        spec = kind.spec
        super().__init_subclass__(module="videokit", name=spec.kind, **kwargs)
        name = f"{spec.kind}Provider"
        provider = type(name, (VideoKitProvider,), {"kind": kind, "__module__": cls.__module__})
        setattr(sys.modules[cls.__module__], name, provider)
        cls._provider_cls = provider
        cls._output_names = {name: _snake(name) for name in spec.outputs}
        cls._input_names = {python: name for name, python in cls._output_names.items()}
        cls.__doc__ = cls.__doc__ or spec.doc
        REGISTERED[spec.kind] = cls

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **kwargs: Any) -> None:
        spec = self._provider_cls.kind.spec
        props = self.props_from_kwargs(kwargs)
        found = problems(spec, props)
        if found:
            raise InvalidDeclarationError(
                f"{spec.kind} {resource_name!r}: " + "; ".join(f"{path}: {reason}" for path, reason in found)
            )
        self._declare(resource_name, props, opts)

    def _declare(
        self, resource_name: str, props: Mapping[str, Any], opts: pulumi.ResourceOptions | None
    ) -> None:
        spec = self._provider_cls.kind.spec
        # Output attributes are named in Python style; the engine sees the API's names.
        full: dict[str, Any] = {python: None for python in self._output_names.values()}
        full.update({k: v for k, v in props.items() if v is not None})
        # Key material (a restream's streamKey) is a secret in state, wherever it is declared.
        holding = [k for k, v in full.items() if _holds(v, SECRET_FIELDS)]
        full.update({k: pulumi.Output.secret(full[k]) for k in holding})
        secret = pulumi.ResourceOptions(additional_secret_outputs=[*spec.secret_outputs, *holding])
        try:
            super().__init__(
                self._provider_cls(), resource_name, full, pulumi.ResourceOptions.merge(opts, secret)
            )
        finally:
            # The SDK's serialize_provider wraps the pickler's _batch_setitems in one more sorting
            # layer on every call and never unwraps it: past ~980 resources, pickling any dict
            # overflows the stack. One layer is all it needs.
            pickle._Pickler._batch_setitems = _BATCH_SETITEMS  # type: ignore[attr-defined]

    def translate_output_property(self, prop: str) -> str:
        return self._output_names.get(prop, prop)

    def translate_input_property(self, prop: str) -> str:
        return self._input_names.get(prop, prop)

    @classmethod
    def props_from_kwargs(cls, args: Mapping[str, Any]) -> dict[str, Any]:
        """Keyword arguments (snake_case) to API-named props."""
        values = {k: v for k, v in args.items() if v is not None}
        return dict(camelize(cls._provider_cls.kind.spec.model, values))

    @classmethod
    def from_props(
        cls, resource_name: str, props: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> VideoKitResource:
        """Declare from API-named props the YAML loader has already validated."""
        resource = cls.__new__(cls)
        resource._declare(resource_name, props, opts)
        return resource


def generated(kind: type[Kind], module: str) -> type[VideoKitResource]:
    """The class of a kind that has no module of its own, made in ``module``."""
    return types.new_class(
        kind.spec.kind, (VideoKitResource,), {"kind": kind}, lambda ns: ns.update({"__module__": module})
    )


def _holds(value: Any, fields: frozenset[str]) -> bool:
    """Whether ``value`` has a field named in ``fields`` with a value, at any depth."""
    if isinstance(value, Mapping):
        return any((k in fields and v is not None) or _holds(v, fields) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds(v, fields) for v in value)
    return False


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


__all__ = ["REGISTERED", "InvalidDeclarationError", "VideoKitResource", "camelize", "generated"]
