"""The JSON Schema generated from the models covers the output contract and validates real output."""

import json
import re
from pathlib import Path

import jsonschema

from conftest import FIXTURES, extracted
from extractor.schema import SCHEMA_VERSION, json_schema

CONTRACT = FIXTURES / "output-contract.md"
SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "extraction.schema.json"


def _contract_example() -> dict:
    text = CONTRACT.read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.S).group(1).replace("…", "")
    return json.loads(block)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    if "anyOf" in node:
        for alt in node["anyOf"]:
            alt = _resolve(schema, alt)
            if alt.get("type") in ("object", "array") or "properties" in alt:
                return alt
    return node


def _missing(schema: dict, node: dict, example, path: str) -> list[str]:
    node = _resolve(schema, node)
    out = []
    if isinstance(example, dict):
        props = node.get("properties")
        if props is None:  # a free mapping (by_source, by_level1): check its values' shape
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                for k, v in example.items():
                    out += _missing(schema, extra, v, f"{path}.{k}")
            return out
        for key, value in example.items():
            if key not in props:
                out.append(f"{path}.{key}")
            else:
                out += _missing(schema, props[key], value, f"{path}.{key}")
    elif isinstance(example, list) and example:
        out += _missing(schema, node.get("items", {}), example[0], f"{path}[]")
    return out


def test_schema_covers_every_contract_field():
    schema = json_schema()
    assert _missing(schema, schema, _contract_example(), "$") == []


def test_contract_example_validates_against_schema():
    example = _contract_example()
    example["source"]["sha256"] = "0" * 64
    jsonschema.validate(example, json_schema())


def test_real_extraction_validates_and_has_contract_version():
    data = json.loads(extracted("001_ec7b4c7cefe3081c.docx").to_json())
    assert data["schema_version"] == SCHEMA_VERSION == 1
    jsonschema.validate(data, json_schema())


def test_committed_schema_file_is_current():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema(), (
        "schema/extraction.schema.json is stale: run `extractor schema -o schema/extraction.schema.json`"
    )
