"""JSON Schemas of the inventory language, generated from the pydantic models.

Editors use them through the yaml-language-server modeline at the top of each file.
Regenerate with `python -m compiler.inventory.schema` (a test fails when they are stale).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from compiler.models.environment import Environment
from compiler.models.inventory import InventoryFile, Model, ModelApi
from compiler.models.providers import Provider
from compiler.project import ENVIRONMENT_SCHEMA_FILE, INVENTORY_SCHEMA_FILE

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _typed_inventory_file() -> type[BaseModel]:
    """`InventoryFile` with its items typed: loading validates items one by one instead."""
    typed: dict[str, Any] = {
        "providers": list[Provider],
        "models": list[Model],
        "model_apis": list[ModelApi],
    }
    fields: dict[str, Any] = {
        name: (kind, Field(default_factory=list, alias=InventoryFile.model_fields[name].alias))
        for name, kind in typed.items()
    }
    return create_model(
        "_InventoryFile",
        __config__=ConfigDict(
            extra="forbid", populate_by_name=True, title="modelplane inventory file"
        ),
        __doc__="An `inventory/*.yaml` file: any subset of providers, models and model APIs.",
        **fields,
    )


def inventory_schema() -> dict[str, Any]:
    """The schema of one inventory file."""
    return _with_dialect(_typed_inventory_file().model_json_schema(by_alias=True))


def environment_schema() -> dict[str, Any]:
    """The schema of `environments/<env>/environment.yaml`."""
    schema = Environment.model_json_schema(by_alias=True)
    schema["title"] = "modelplane environment"
    return _with_dialect(schema)


def _with_dialect(schema: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_files() -> dict[str, str]:
    """File name -> exact text of every generated schema."""
    return {
        INVENTORY_SCHEMA_FILE: _text(inventory_schema()),
        ENVIRONMENT_SCHEMA_FILE: _text(environment_schema()),
    }


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    """Write the schemas into ./schemas/."""
    for name, text in schema_files().items():
        Path("schemas", name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
