"""modelplane: a GitOps compiler for LLM access on Kubernetes."""

__version__ = "0.2.0"
