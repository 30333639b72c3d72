"""`NO_PROXY` matching as curl, Go and requests understand it.

Entries are host names (matching the host and its subdomains; a leading `.` or `*.` means
the same), IP addresses, CIDR ranges (`10.0.0.0/8`, as Go and Python's urllib accept), an
optional `:port`, or `*` for everything.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence


def bypasses_proxy(host: str, port: int | None, entries: Sequence[str]) -> bool:
    """Whether a request to `host:port` must go direct."""
    host = host.lower().strip("[]").rstrip(".")
    return any(_matches(host, port, entry.lower()) for entry in entries)


def _matches(host: str, port: int | None, entry: str) -> bool:
    if entry == "*":
        return True
    pattern, wanted_port = _split_port(entry)
    if wanted_port is not None and wanted_port != port:
        return False
    network = _network(pattern)
    if network is not None:
        address = _address(host)
        return address is not None and address.version == network.version and address in network
    suffix = pattern.removeprefix("*").lstrip(".").rstrip(".")
    return bool(suffix) and (host == suffix or host.endswith("." + suffix))


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [::1]:8080
        host, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
        return host, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, int(port) if port.isdigit() else None
    return entry, None


def _network(pattern: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        return None


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
