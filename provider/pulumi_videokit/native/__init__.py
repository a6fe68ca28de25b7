"""The native ``videokit`` resource plugin (``pulumi-resource-videokit``), beside the dynamic providers.

The engine starts the plugin, reads the port it prints, and speaks the provider protocol to it.
Type tokens are ``videokit:index:<Kind>``; the schema is ``schemas/pulumi-package.json``.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Serve until the engine goes away; print the port first, as the engine expects."""
    parser = argparse.ArgumentParser(prog="pulumi-resource-videokit", description=__doc__)
    parser.add_argument("engine", nargs="?", help="the engine's address (not needed to serve)")
    parser.add_argument("--logtostderr", action="store_true")
    parser.add_argument("--logflow", action="store_true")
    parser.add_argument("-v", type=int, default=0, help="the engine's verbosity")
    parser.add_argument("--tracing", default="")
    parser.add_argument("--schema", action="store_true", help="print the package schema and exit")
    args, _ = parser.parse_known_args(argv)
    if args.schema:
        from .schema import render

        sys.stdout.write(render())
        return 0
    from .._engine import engine_address
    from .server import serve

    server, port = serve(engine=engine_address(["", args.engine]) if args.engine else None)
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    server.wait_for_termination()
    return 0
