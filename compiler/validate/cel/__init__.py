"""CEL rules of CRD schemas (x-kubernetes-validations), evaluated offline."""

from __future__ import annotations
