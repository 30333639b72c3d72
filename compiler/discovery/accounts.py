"""Which providers are the same account, so that `discover --all` asks each one once.

Two providers (usually the same one in several environments) are one account when type,
discovery URL, credential, headers, type settings, flavor and CA file agree. The
credential is compared by a digest of its value, held in memory only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from compiler.discovery.spec import ProviderSpec


@dataclass(frozen=True, slots=True)
class Job:
    """One provider of one environment to discover (env '' for a single-environment run)."""

    env: str
    provider: ProviderSpec
    wanted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Account:
    """Jobs answered by one request sequence; the first job's provider is asked."""

    jobs: tuple[Job, ...]

    @property
    def provider(self) -> ProviderSpec:
        """The provider whose settings are used for the requests."""
        return self.jobs[0].provider

    @property
    def wanted(self) -> tuple[str, ...]:
        """Every selector any of the environments wants resolved (Anthropic aliases)."""
        return tuple(sorted({w for j in self.jobs for w in j.wanted}))

    @property
    def label(self) -> str:
        """How progress names it: `env/provider`, or `provider [env, env]` when shared."""
        names = {j.provider.name for j in self.jobs}
        envs = [j.env for j in self.jobs if j.env]
        if not envs:
            return self.provider.name
        if len(names) == 1:
            only = self.provider.name
            return f"{envs[0]}/{only}" if len(envs) == 1 else f"{only} [{', '.join(envs)}]"
        return ", ".join(f"{j.env}/{j.provider.name}" for j in self.jobs)


def discovery_url(provider: ProviderSpec) -> str:
    """The base URL discovery asks: `discovery.endpoint`, else the provider's endpoint."""
    return (provider.discovery.endpoint or provider.base_url or "").rstrip("/")


def credential_env(provider: ProviderSpec) -> str | None:
    """The variable with the discovery key: `discovery.credentialsEnv`, else `credentials.env`."""
    if provider.discovery.credentials_env:
        return provider.discovery.credentials_env
    return provider.credentials.env if provider.credentials is not None else None


def group_accounts(jobs: Sequence[Job], environ: Mapping[str, str]) -> list[Account]:
    """Group jobs by account, in first-seen order."""
    groups: dict[tuple[str, ...], list[Job]] = {}
    for job in jobs:
        groups.setdefault(_key(job.provider, environ), []).append(job)
    return [Account(tuple(group)) for group in groups.values()]


def _key(provider: ProviderSpec, environ: Mapping[str, str]) -> tuple[str, ...]:
    name = credential_env(provider)
    value = environ.get(name, "") if name else ""
    creds = provider.credentials
    return (
        provider.type,
        discovery_url(provider),
        "" if value else name or "",  # an unset variable fails with its own name
        hashlib.sha256(value.encode()).hexdigest(),
        str(bool(creds is not None and creds.workload_identity)),
        repr(sorted(provider.headers.items())),
        repr(provider.config),
        provider.discovery.flavor,
        provider.discovery.ca_file or "",
    )
