"""The knobs of one discovery run (what the CLI decided, plus seams for tests)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from compiler.discovery.auth import CloudAuth, DefaultCloudAuth
from compiler.discovery.base import MAX_BODY_BYTES, MAX_PAGES
from compiler.discovery.limits import DEFAULT_CONCURRENCY, DEFAULT_DEADLINE
from compiler.discovery.network import NetworkConfig, Timeouts
from compiler.discovery.policy import RetryPolicy


@dataclass(frozen=True, slots=True)
class DiscoveryOptions:
    """Knobs of a discovery run; defaults suit production, tests shrink them."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    cloud: CloudAuth = field(default_factory=DefaultCloudAuth)
    wanted: Mapping[str, Sequence[str]] = field(default_factory=dict)
    arm_endpoint: str = "https://management.azure.com"
    max_body: int = MAX_BODY_BYTES
    max_pages: int = MAX_PAGES
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    timeouts: Timeouts = field(default_factory=Timeouts)
    deadline: float = DEFAULT_DEADLINE
    concurrency: int = DEFAULT_CONCURRENCY
    network: NetworkConfig = field(default_factory=NetworkConfig)
    base_dir: Path = field(default_factory=Path.cwd)
