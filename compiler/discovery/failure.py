"""A provider's failure as a value: safe to print (no credentials), with a hint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DiscoveryFailure:
    """Why one provider could not be discovered; safe to print (no credentials)."""

    provider: str
    url: str
    status: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        status = f"{self.status} from " if self.status is not None else ""
        hint = f": {self.hint}" if self.hint else ""
        return f"{status}{self.provider} ({self.url}): {self.message}{hint}"


class ProviderFailed(Exception):
    """Raised inside an adapter run; caught by the runner and turned into its failure."""

    def __init__(self, failure: DiscoveryFailure) -> None:
        self.failure = failure
        super().__init__(str(failure))
