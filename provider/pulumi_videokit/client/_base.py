"""Transport, retries, redaction and pagination: the one seam to HTTP."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypedDict
from urllib.parse import unquote

import httpx

from .._version import __version__
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    OutcomeUnknownError,
    PaginationError,
    RetryBudgetExceededError,
    VideoKitError,
    status_error,
)

log = logging.getLogger("pulumi_videokit.client")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_HEADERS = frozenset({"x-api-key", "x-tenant-id"})
SECRET_FIELDS = frozenset(
    {"apikey", "key", "secret", "secretkey", "accesskey", "streamkey", "signingkey", "token"}
)
REDACTED = "***"
Sleep = Callable[[float], None]
Clock = Callable[[], float]

#: The reference documents no rate limit, so the default is set by the engine's own pace: it makes
#: at most four provider calls at once (the dynamic-provider host's worker threads), which at a
#: real tenant's 80-200 ms round trip is 20-50 requests a second.  50 a second (3,000 a minute,
#: retries included, bursts of 50) therefore never slows a healthy run, and caps what one run
#: can send when the API answers fast or when retries pile up.  Lower it to your tenant's quota.
DEFAULT_MAX_REQUESTS_PER_SECOND = 50.0


def default_rate(endpoint: str) -> float:
    """The budget when none is set: none for an API on this machine (the emulator, which has no
    quota to protect and answers in under a millisecond, so a budget would only slow it), else
    ``DEFAULT_MAX_REQUESTS_PER_SECOND``."""
    host = httpx.URL(endpoint).host if endpoint else ""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    return 0.0 if local else DEFAULT_MAX_REQUESTS_PER_SECOND


class RateLimiter:
    """A token bucket: at most ``rate`` requests a second on average, in bursts of ``burst``.

    ``acquire`` reserves the next free slot under the lock and sleeps outside it, so parallel
    callers are spaced out rather than woken together.  ``clock`` and ``sleep`` are injectable.
    """

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.rate = rate
        self.burst = max(1.0, burst if burst is not None else rate)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = self.burst
        self._stamp: float | None = None

    def acquire(self) -> float:
        """Wait for a slot; return how long this call waited."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            if self._stamp is not None:
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if wait > 0:
            self._sleep(wait)
        return wait


class Tenant:
    """What every transport of one process shares for one tenant: the request budget, and a
    count of the writes sent, by which a listing knows it may have gone stale."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter
        self._lock = threading.Lock()
        self._writes = 0

    @property
    def writes(self) -> int:
        with self._lock:
            return self._writes

    def wrote(self) -> None:
        with self._lock:
            self._writes += 1


_tenants: dict[tuple[int, str, str], Tenant] = {}
_tenants_lock = threading.Lock()


def _tenant(base_url: str, tenant_id: str, rate: float) -> Tenant:
    """One per process, base URL and tenant: every kind's provider shares its budget."""
    key = (os.getpid(), base_url, tenant_id)
    with _tenants_lock:
        found = _tenants.get(key)
        if found is None:
            found = _tenants[key] = Tenant(RateLimiter(rate))
        elif rate > 0 and (found.limiter.rate <= 0 or rate < found.limiter.rate):
            found.limiter = RateLimiter(rate)  # the strictest configured limit wins
        return found


#: What a host of a base URL may hold once IDNA-encoded: a name, an IPv4 or an IPv6 address.
_HOST = re.compile(r"^[A-Za-z0-9._:-]+$")
#: A tenant name is the first label of ``https://{tenant_name}.api.videokit.cloud``.
_TENANT_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$")


def header_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as an HTTP header value, in words that never repeat it."""
    if value != value.strip():
        return "has whitespace or a line break at its start or end"
    if any(not " " <= char <= "~" for char in value):
        return (
            "holds characters an HTTP header cannot carry (a line break, a control character or a "
            "non-ASCII letter)"
        )
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the API's base URL, in words that never repeat it (nor a password)."""
    if url != url.strip() or any(char <= " " or char == "\x7f" for char in url):
        return "has whitespace or a control character in it"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "is not a URL (its host or port cannot be read)"
    if parsed.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parsed.raw_host:
        return "names no host"
    if not _HOST.match(parsed.raw_host.decode("ascii", "replace")):
        return "names a host that is neither a host name nor an IP address"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return "has a port outside 1-65535"
    if parsed.query or parsed.fragment:
        return "must not carry a query (?) or a fragment (#)"
    return None


def tenant_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the first label of ``https://{name}.api.videokit.cloud``."""
    if _TENANT_NAME.match(name):
        return None
    return "must be the tenant's name as in https://<name>.api.videokit.cloud (letters, digits, '-' and '_')"


def without_userinfo(url: str) -> str:
    """``url`` with any user name and password before its host shown as ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority = rest[:end]
    if "@" not in authority:
        return url
    return f"{scheme}://{REDACTED}@{authority.rsplit('@', 1)[1]}{rest[end:]}"


def _userinfo_secrets(url: str) -> tuple[str, ...]:
    """The user information of ``url`` and its password, as written and decoded."""
    _, sep, rest = url.partition("://")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    if not sep or "@" not in rest[:end]:
        return ()
    userinfo = rest[:end].rsplit("@", 1)[0]
    password = userinfo.partition(":")[2]
    return tuple(s for s in (userinfo, password, unquote(password)) if len(s) >= 3)


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to reach a tenant.

    ``endpoint`` overrides ``https://{tenant_name}.api.videokit.cloud`` (e.g. the emulator).
    ``retry_total_seconds`` bounds the time spent retrying within one :meth:`Transport.operation`
    (one call, outside any). A key, tenant id, endpoint or tenant name no request can carry is
    refused with ``ValueError`` when the config is made; no message or log line shows a user name
    or password of the endpoint.
    """

    api_key: str = field(repr=False)
    tenant_id: str = field(repr=False)
    tenant_name: str = ""
    endpoint: str = ""
    timeout_seconds: float = 30.0
    retry_total_seconds: float = 60.0
    backoff_base_seconds: float = 0.25
    backoff_max_seconds: float = 8.0
    #: Requests per second this process sends to the tenant, retries included (0: no limit; the
    #: provider sets ``DEFAULT_MAX_REQUESTS_PER_SECOND`` unless configured otherwise).
    max_requests_per_second: float = 0.0

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(f"{name} {problem}" for name, problem in problems))

    def problems(self) -> list[tuple[str, str]]:
        """Each field that cannot be sent as it is, with why (never its value)."""
        checks = (
            ("api_key", header_problem(self.api_key)),
            ("tenant_id", header_problem(self.tenant_id)),
            ("endpoint", url_problem(self.endpoint) if self.endpoint else None),
            (
                "tenant_name",
                tenant_name_problem(self.tenant_name) if self.tenant_name and not self.endpoint else None,
            ),
        )
        return [(name, problem) for name, problem in checks if problem]

    @property
    def base_url(self) -> str:
        if self.endpoint:
            return self.endpoint.rstrip("/")
        if not self.tenant_name:
            raise VideoKitError(
                "no tenant to talk to: set videokit:tenantName (VIDEOKIT_TENANT_NAME) "
                "or videokit:endpoint (VIDEOKIT_ENDPOINT)"
            )
        return f"https://{self.tenant_name}.api.videokit.cloud"

    def __repr__(self) -> str:
        endpoint = without_userinfo(self.endpoint)
        return f"ClientConfig(tenant_name={self.tenant_name!r}, endpoint={endpoint!r})"

    @property
    def shown_url(self) -> str:
        """The base URL as messages and logs show it: without a user name or password."""
        return without_userinfo(self.base_url)


#: A URL's query string: on a pre-signed address (a part upload URL) it is the signature, a
#: bearer credential (X-Amz-Credential, X-Amz-Signature).
_URL_QUERY = re.compile(r"""(\b[a-z][a-z0-9+.-]*://[^\s?#"'<>]*)\?[^\s#"'<>]*""", re.IGNORECASE)


def without_query(text: str) -> str:
    """``text`` with every URL's query string masked (``https://h/p?***``)."""
    return _URL_QUERY.sub(lambda m: f"{m.group(1)}?{REDACTED}", text)


def redact(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """Return ``value`` with secret-looking fields, known secret strings and every URL's query
    string (a pre-signed URL's signature) masked."""
    if isinstance(value, Mapping):
        return {
            k: REDACTED if str(k).lower() in SECRET_FIELDS else redact(v, secrets) for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v, secrets) for v in value]
    if isinstance(value, str):
        for s in secrets:
            if s:
                value = value.replace(s, REDACTED)
        value = without_query(value)
    return value


class Operation:
    """The retry budget one operation (a provider create, read, update or delete; one CLI command)
    shares among all its calls: every second spent between a call's first failed attempt and its
    end, sleeps included, is spent from it."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self._spent = 0.0
        self._lock = threading.Lock()

    @property
    def spent(self) -> float:
        with self._lock:
            return self._spent

    def spend(self, seconds: float) -> None:
        with self._lock:
            self._spent += max(0.0, seconds)


_operation: ContextVar[Operation | None] = ContextVar("videokit_operation", default=None)


_pools: dict[tuple[int, str, float], httpx.Client] = {}
_pools_lock = threading.Lock()


def _pool(base_url: str, timeout: float) -> httpx.Client:
    """One keep-alive pool per process and base URL, created on first use."""
    key = (os.getpid(), base_url, timeout)
    with _pools_lock:
        client = _pools.get(key)
        if client is None or client.is_closed:
            client = httpx.Client(
                timeout=timeout,
                limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
            )
            _pools[key] = client
        return client


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _server_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        status = body.get("status")
        if isinstance(status, dict) and status.get("message"):
            return str(status["message"])
        for key in ("message", "title", "detail", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return ""


def _answer_lost(
    method: str,
    path: str,
    what: str,
    *,
    safe_to_repeat: bool,
    cls: type[APIConnectionError] = APIConnectionError,
) -> APIConnectionError:
    """The error for a call whose answer never came: ``cls`` when sending it again is harmless,
    else :class:`OutcomeUnknownError`, since the API may have carried it out."""
    if safe_to_repeat:
        return cls(f"{method} {path}: {what}", method=method, path=path)
    return OutcomeUnknownError(
        f"{method} {path}: {what}; the API may have carried it out", method=method, path=path
    )


class TransportOptions(TypedDict, total=False):
    """What a :class:`VideoKitClient` hands to its :class:`Transport` (tests swap these in)."""

    http: httpx.Client | None
    sleep: Sleep
    clock: Clock


class Transport:
    """Sends one logical call, retrying where that is safe.

    GET/PUT/PATCH/DELETE are retried on 429/500/502/503/504, connection errors and timeouts.
    A POST is retried only when the server cannot have acted on it (429, or the
    connection was never made) unless the caller marks it ``idempotent``; a POST whose
    answer is lost raises :class:`OutcomeUnknownError`.  Retries stop when the current
    :meth:`operation`'s budget is spent; ``sleep`` and ``clock`` are injectable.
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        http: httpx.Client | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        tenant: Tenant | None = None,
    ) -> None:
        self.config = config
        self._http = http
        self._sleep = sleep
        self._clock = clock
        self._tenant = tenant
        self._headers = {
            "X-Api-Key": config.api_key,
            "X-Tenant-Id": config.tenant_id,
            "User-Agent": f"pulumi-videokit/{__version__}",
            "Accept": "application/json",
        }

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("a videokit Transport holds credentials and is never pickled")

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = _pool(self.config.base_url, self.config.timeout_seconds)
        return self._http

    @property
    def tenant(self) -> Tenant:
        """The budget and write count shared with every transport to this tenant in the process."""
        if self._tenant is None:
            base = self.config.endpoint.rstrip("/") or self.config.tenant_name
            self._tenant = _tenant(base, self.config.tenant_id, self.config.max_requests_per_second)
        return self._tenant

    @property
    def writes(self) -> int:
        """Writes sent to this tenant so far by this process (any kind)."""
        return self.tenant.writes

    @contextlib.contextmanager
    def operation(self) -> Iterator[Operation]:
        """Make every call in the block, in this thread, share one retry budget of
        ``retry_total_seconds``; a block inside another shares the outer one's."""
        current = _operation.get()
        if current is not None:
            yield current
            return
        op = Operation(self.config.retry_total_seconds)
        token = _operation.set(op)
        try:
            yield op
        finally:
            _operation.reset(token)

    def _secrets(self) -> tuple[str, ...]:
        return (self.config.api_key, self.config.tenant_id, *_userinfo_secrets(self.config.endpoint))

    def _backoff(self, attempt: int) -> float:
        ceiling: float = min(
            self.config.backoff_max_seconds,
            self.config.backoff_base_seconds * (2 ** (attempt - 1)),
        )
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send ``method path`` and return the decoded JSON body (None when empty).

        A write is counted before it is sent and again when it is over, whatever its outcome:
        a listing read across either moment is never reused."""
        method = method.upper()
        if method == "GET":
            return self._request(method, path, json=json, params=params, idempotent=idempotent)
        tenant = self.tenant
        tenant.wrote()
        try:
            return self._request(method, path, json=json, params=params, idempotent=idempotent)
        finally:
            tenant.wrote()

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any,
        params: Mapping[str, Any] | None,
        idempotent: bool | None,
    ) -> Any:
        safe_to_repeat = method != "POST" if idempotent is None else idempotent
        query = _clean_params(params)
        url = self.config.base_url + path
        op = _operation.get() or Operation(self.config.retry_total_seconds)
        failing_since: float | None = None
        attempt = 0
        try:
            while True:
                attempt += 1
                error: VideoKitError
                wait: float | None = None
                if log.isEnabledFor(logging.DEBUG):
                    log.debug(
                        "request %s %s params=%s headers=%s body=%s",
                        method,
                        path,
                        query,
                        {k: REDACTED if k.lower() in SECRET_HEADERS else v for k, v in self._headers.items()},
                        redact(json, self._secrets()),
                    )
                self.tenant.limiter.acquire()  # every attempt, retries included, spends the budget
                started = self._clock()
                try:
                    response = self.http.request(method, url, json=json, params=query, headers=self._headers)
                except httpx.ConnectError as exc:
                    error = APIConnectionError(
                        f"{method} {path}: cannot connect to {self.config.shown_url}: "
                        f"{redact(str(exc), self._secrets())}",
                        method=method,
                        path=path,
                    )
                    retryable = True
                except httpx.TimeoutException:
                    retryable = safe_to_repeat
                    error = _answer_lost(
                        method,
                        path,
                        f"timed out after {self.config.timeout_seconds}s",
                        safe_to_repeat=safe_to_repeat,
                        cls=APITimeoutError,
                    )
                except httpx.TransportError as exc:
                    retryable = safe_to_repeat
                    error = _answer_lost(
                        method, path, f"connection lost ({type(exc).__name__})", safe_to_repeat=safe_to_repeat
                    )
                else:
                    if log.isEnabledFor(logging.DEBUG):
                        log.debug(
                            "response %s %s -> %s %s",
                            method,
                            path,
                            response.status_code,
                            redact(_decode(response), self._secrets()),
                        )
                    if response.status_code < 400:
                        return _decode(response)
                    status = response.status_code
                    wait = _retry_after(response)
                    error = status_error(
                        method=method,
                        path=path,
                        status=status,
                        server_message=redact(_server_message(response), self._secrets()),
                        retry_after=wait,
                    )
                    if status == 429:
                        retryable = True
                    elif status in RETRY_STATUSES:
                        retryable = safe_to_repeat
                        if not safe_to_repeat and status in (502, 504):
                            raise _answer_lost(
                                method, path, f"gateway answered {status}", safe_to_repeat=False
                            ) from error
                    else:
                        retryable = False
                if not retryable:
                    raise error
                if failing_since is None:
                    failing_since = started
                delay = max(wait or 0.0, self._backoff(attempt))
                if op.spent + (self._clock() - failing_since) + delay > op.budget:
                    last = str(error).removeprefix(f"{method} {path}").lstrip(": ")
                    raise RetryBudgetExceededError(
                        f"{method} {path}: the retry budget ran out (videokit:retryTotalSeconds, "
                        f"{op.budget:g}s for the whole operation) after {attempt} attempt(s) of "
                        f"this call; last error: {last}",
                        method=method,
                        path=path,
                        last=error,
                    ) from error
                log.debug("retrying %s %s in %.2fs after: %s", method, path, delay, error)
                self._sleep(delay)
        finally:
            if failing_since is not None:
                op.spend(self._clock() - failing_since)

    def page(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        number: int = 1,
        limit: int = 100,
    ) -> Page:
        """One page of a list endpoint, with how many pages the whole listing has when it says."""
        body = self.request("GET", path, params={**(params or {}), "page": number, "limit": limit})
        if isinstance(body, list):
            return Page(body, number, 1, False)
        items = list((body or {}).get("items") or [])
        count = body.get("pageCount") if isinstance(body, Mapping) else None
        more = _has_more(body or {}, number, len(items), limit)
        return Page(items, number, int(count) if count else None, more)

    def paginate(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int = 100,
        names: tuple[str, str] = ("page", "limit"),
    ) -> Iterator[Any]:
        """Yield every item of a list endpoint, walking its page and limit parameters (spelled
        ``names``) until ``hasMore`` is false.

        Bare-array answers are one page.  A page that repeats items already seen raises
        :class:`PaginationError`: a server that ignores the page number would otherwise be
        walked for ever, or its items counted twice.
        """
        page = 1
        seen: set[str] = set()
        while True:
            query = {**(params or {}), names[0]: page, names[1]: limit}
            body = self.request("GET", path, params=query)
            if isinstance(body, list):
                yield from body
                return
            items = (body or {}).get("items") or []
            ids = {str(i["id"]) for i in items if isinstance(i, Mapping) and i.get("id") is not None}
            if ids and ids <= seen:
                raise PaginationError(
                    f"GET {path} answered page {page} with items of an earlier page; "
                    f"the server may not honour the {names[0]!r} parameter",
                    method="GET",
                    path=path,
                )
            seen |= ids
            yield from items
            if not _has_more(body, page, len(items), limit):
                return
            page += 1


@dataclass(frozen=True)
class Page:
    """One page of a listing: its raw items, its number, the page count (when the answer says) and
    whether more follow."""

    items: list[Any]
    number: int
    count: int | None
    has_more: bool


def _has_more(body: Mapping[str, Any], page: int, count: int, limit: int) -> bool:
    if "hasMore" in body and body["hasMore"] is not None:
        return bool(body["hasMore"]) and count > 0
    if body.get("pageCount"):
        return page < int(body["pageCount"])
    return count >= limit > 0


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not params:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            out[key] = [str(v) for v in value]  # one key per value: ids=a&ids=b
        else:
            out[key] = value
    return out


__all__ = [
    "APIStatusError",
    "ClientConfig",
    "Operation",
    "Page",
    "RateLimiter",
    "Tenant",
    "Transport",
    "header_problem",
    "redact",
    "tenant_name_problem",
    "url_problem",
    "without_userinfo",
]
