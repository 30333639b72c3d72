"""Typed values that cross stage boundaries: pydantic at trust boundaries, dataclasses inside."""
