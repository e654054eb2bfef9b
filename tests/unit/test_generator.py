"""The model generator and the spec corrections it applies."""

from __future__ import annotations

import copy
import json
import pathlib
import sys
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import generate_models  # noqa: E402
import spec_corrections  # noqa: E402
from spec_corrections import (  # noqa: E402
    CORRECTIONS,
    ERROR_MEDIA_TYPE,
    RESPONSE_SHAPES,
    Correction,
    apply_corrections,
)

RAW_SPEC: dict[str, Any] = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated() -> dict[pathlib.Path, str]:
    return generate_models.generate()


# -- --check ----------------------------------------------------------------------------


def test_committed_output_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate_models.main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_generation_is_deterministic(generated: dict[pathlib.Path, str]) -> None:
    assert generate_models.generate() == generated


def test_check_reports_a_stale_file(
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    generated: dict[pathlib.Path, str],
) -> None:
    stale = tmp_path / "_generated.py"
    init = tmp_path / "__init__.py"
    stale.write_text(generated[generate_models.GENERATED_PATH].replace("class DAG(", "class Dag("))
    init.write_text(generated[generate_models.INIT_PATH])
    monkeypatch.setattr(generate_models, "GENERATED_PATH", stale)
    monkeypatch.setattr(generate_models, "INIT_PATH", init)

    assert generate_models.main(["--check"]) == 1

    out = capsys.readouterr()
    assert "-class Dag(" in out.out
    assert "+class DAG(" in out.out
    assert "out of date" in out.err
    # --check writes nothing.
    assert "class Dag(" in stale.read_text()


def test_regenerating_writes_the_files(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, generated: dict[pathlib.Path, str]
) -> None:
    target = tmp_path / "models" / "_generated.py"
    init = tmp_path / "models" / "__init__.py"
    expected = generated[generate_models.GENERATED_PATH]
    monkeypatch.setattr(generate_models, "GENERATED_PATH", target)
    monkeypatch.setattr(generate_models, "INIT_PATH", init)

    assert generate_models.main([]) == 0

    assert target.read_text() == expected
    assert generate_models.main(["--check"]) == 0


def test_generated_module_header_lists_the_corrections(
    generated: dict[pathlib.Path, str],
) -> None:
    source = generated[generate_models.GENERATED_PATH]
    for correction in CORRECTIONS:
        assert f"* {correction.name}\n" in source
    assert "do not edit by hand" in source


# -- naming -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "attribute"),
    [
        ("__type", "type"),
        ("dag_id", "dag_id"),
        ("class", "class_"),
        ("extra_fields", "extra_fields_"),
        ("content-type", "content_type"),
        ("1st", "f_1st"),
        ("datetime", "datetime_"),
        ("_", "field"),
    ],
)
def test_attribute_names(key: str, attribute: str) -> None:
    assert generate_models.attribute_name(key) == attribute
    assert attribute.isidentifier()


def test_docstrings_escape_quotes_and_backslashes() -> None:
    text = 'ends with a quote " and has \\ and """ inside'
    literal = generate_models._docstring(text, "")
    assert eval(literal).rstrip() == text


def test_generator_rejects_two_schemas_with_one_name() -> None:
    spec = copy.deepcopy(RAW_SPEC)
    spec["components"]["schemas"]["DagRunType"] = {"type": "string", "enum": ["x"]}
    with pytest.raises(ValueError, match="DagRunType"):
        generate_models._Builder(apply_corrections(spec)).build()


# -- corrections --------------------------------------------------------------------------


def test_corrections_are_named_and_explained() -> None:
    names = [c.name for c in CORRECTIONS]
    assert len(names) == len(set(names))
    for correction in CORRECTIONS:
        assert isinstance(correction, Correction)
        assert correction.name.isidentifier()
        assert len(correction.reason) > 40
        assert callable(correction.apply)
    assert set(names) >= {
        "basic_dag_run_id",
        "extra_links_plain_object",
        "errors_are_problem_json",
        "nullable_beside_ref",
    }


def test_apply_corrections_leaves_its_input_alone() -> None:
    before = copy.deepcopy(RAW_SPEC)

    apply_corrections(RAW_SPEC)

    assert before == RAW_SPEC


@pytest.mark.parametrize("correction", CORRECTIONS, ids=lambda c: c.name)
def test_each_correction_changes_the_spec(correction: Correction) -> None:
    spec = copy.deepcopy(RAW_SPEC)

    correction.apply(spec)

    assert spec != RAW_SPEC


def test_basic_dag_run_gains_dag_run_id() -> None:
    props = apply_corrections(RAW_SPEC)["components"]["schemas"]["BasicDAGRun"]["properties"]

    assert list(props)[:2] == ["dag_run_id", "run_id"]


def test_extra_links_response_shape() -> None:
    spec = apply_corrections(RAW_SPEC)
    path = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/links"
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]

    assert schema["schema"] == RESPONSE_SHAPES["get_extra_links"]
    assert RESPONSE_SHAPES["get_extra_links"]["additionalProperties"]["nullable"] is True


def test_errors_are_problem_json() -> None:
    spec = apply_corrections(RAW_SPEC)

    assert ERROR_MEDIA_TYPE == "application/problem+json"
    for response in spec["components"]["responses"].values():
        assert list(response["content"]) == [ERROR_MEDIA_TYPE]


def test_nullable_beside_ref_is_rewritten() -> None:
    schemas = apply_corrections(RAW_SPEC)["components"]["schemas"]
    timezone = schemas["DAGDetail"]["allOf"][1]["properties"]["timezone"]

    assert timezone == {"allOf": [{"$ref": "#/components/schemas/Timezone"}], "nullable": True}
    for schema in schemas.values():
        for part in [schema, *schema.get("allOf", [])]:
            for prop in part.get("properties", {}).values():
                assert not ("$ref" in prop and "nullable" in prop)


def test_collections_gain_total_entries() -> None:
    schemas = apply_corrections(RAW_SPEC)["components"]["schemas"]

    for name in ("ProviderCollection", "TaskCollection"):
        assert {"$ref": "#/components/schemas/CollectionInfo"} in schemas[name]["allOf"]


def test_task_extra_links_are_class_references() -> None:
    task = apply_corrections(RAW_SPEC)["components"]["schemas"]["Task"]

    assert task["properties"]["extra_links"]["items"] == {
        "$ref": "#/components/schemas/ClassReference"
    }


def test_module_exports() -> None:
    assert set(spec_corrections.__all__) == {
        "CORRECTIONS",
        "ERROR_MEDIA_TYPE",
        "RESPONSE_SHAPES",
        "SERVER_BEHAVIOUR",
        "Correction",
        "apply_corrections",
    }
