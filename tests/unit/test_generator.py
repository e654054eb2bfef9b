"""The generators and their one command, the concept map, the spec corrections, the history."""

from __future__ import annotations

import copy
import json
import pathlib
import sys
import zipfile
from typing import Any

import pytest
import yaml

from airflow_client_async._operation import _tables as _operations
from tests.support import api_history
from tests.support.model_schemas import FAB_SCHEMAS, V1_SCHEMAS, V2_SCHEMAS

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import extract_spec  # noqa: E402
import extract_v2_parameters  # noqa: E402
import generate  # noqa: E402
import generate_models  # noqa: E402
import generate_operations  # noqa: E402
import model_concepts  # noqa: E402
import spec_corrections  # noqa: E402
import spec_corrections_v2  # noqa: E402
from _spec import V1, Wheels, core_source  # noqa: E402
from _spec import routes as spec_routes  # noqa: E402
from spec_corrections import (  # noqa: E402
    CORRECTIONS,
    ERROR_MEDIA_TYPE,
    RESPONSE_SHAPES,
    Correction,
    apply_corrections,
)

RAW_SPEC: dict[str, Any] = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
RAW_V2: dict[str, Any] = json.loads((ROOT / "openapi-v2.json").read_text(encoding="utf-8"))
RAW_FAB: dict[str, Any] = json.loads((ROOT / "openapi-fab.json").read_text(encoding="utf-8"))
HISTORY: dict[str, Any] = json.loads((ROOT / "openapi-v2-history.json").read_text(encoding="utf-8"))
OUTPUTS = ("GENERATED_PATH", "INIT_PATH", "SCHEMAS_PATH")
OPERATION_OUTPUTS = ("OUTPUT", "TEST_HISTORY_OUTPUT")


@pytest.fixture(scope="module")
def generated() -> dict[pathlib.Path, str]:
    return generate_models.generate()


def _specs(**changed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The corrected specs, with some replaced by (corrected) variants."""
    return {
        "v1": apply_corrections(changed.get("v1", RAW_SPEC)),
        "v2": spec_corrections_v2.apply_corrections(changed.get("v2", RAW_V2)),
        "fab": spec_corrections_v2.apply_fab_corrections(changed.get("fab", RAW_FAB)),
    }


# -- --check ----------------------------------------------------------------------------


def test_committed_output_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate_models.main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_generation_is_deterministic(generated: dict[pathlib.Path, str]) -> None:
    assert generate_models.generate() == generated
    assert {getattr(generate_models, name) for name in OUTPUTS} == set(generated)


def test_check_reports_a_stale_file(
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    generated: dict[pathlib.Path, str],
) -> None:
    for name in OUTPUTS:
        target = tmp_path / f"{name}.py"
        target.write_text(generated[getattr(generate_models, name)])
        monkeypatch.setattr(generate_models, name, target)
    stale = tmp_path / "GENERATED_PATH.py"
    stale.write_text(stale.read_text().replace("class DAG(", "class Dag("))

    assert generate_models.main(["--check"]) == 1

    out = capsys.readouterr()
    assert "-class Dag(" in out.out
    assert "+class DAG(" in out.out
    assert "out of date" in out.err
    assert str(stale) in out.err
    assert "python scripts/generate.py" in out.err
    # --check writes nothing.
    assert "class Dag(" in stale.read_text()


def test_regenerating_writes_the_files(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, generated: dict[pathlib.Path, str]
) -> None:
    expected = {name: generated[getattr(generate_models, name)] for name in OUTPUTS}
    for name in OUTPUTS:
        monkeypatch.setattr(generate_models, name, tmp_path / "out" / f"{name}.py")

    assert generate_models.main([]) == 0

    for name in OUTPUTS:
        assert getattr(generate_models, name).read_text() == expected[name]
    assert generate_models.main(["--check"]) == 0


@pytest.fixture(scope="module")
def generated_operations() -> dict[pathlib.Path, str]:
    return dict(generate_operations.generate())


def test_committed_operation_tables_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate_operations.main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_operation_tables_are_deterministic(generated_operations: dict[pathlib.Path, str]) -> None:
    assert generate_operations.generate() == generated_operations
    expected = {getattr(generate_operations, name) for name in OPERATION_OUTPUTS}
    assert expected == set(generated_operations)


def test_check_reports_stale_operation_tables(
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    generated_operations: dict[pathlib.Path, str],
) -> None:
    expected = generated_operations[generate_operations.OUTPUT]
    for name in OPERATION_OUTPUTS:
        target = tmp_path / f"{name}.py"
        target.write_text(generated_operations[getattr(generate_operations, name)])
        monkeypatch.setattr(generate_operations, name, target)
    stale = tmp_path / "OUTPUT.py"
    stale.write_text(stale.read_text().replace('"refresh": (3, 1)', '"refresh": (3, 0)'))

    assert generate_operations.main(["--check"]) == 1

    out = capsys.readouterr()
    assert '+        "refresh": (3, 1),' in out.out
    assert str(stale) in out.err
    assert str(tmp_path / "TEST_HISTORY_OUTPUT.py") not in out.err
    assert '"refresh": (3, 0)' in stale.read_text()

    assert generate_operations.main([]) == 0
    assert stale.read_text() == expected


def test_the_package_ships_no_table_only_tests_read() -> None:
    package = ROOT / "airflow_client_async"
    assert not (package / "_api_history.py").exists()
    assert not (package / "models" / "_schemas.py").exists()
    source = (package / "_operation" / "_tables.py").read_text(encoding="utf-8")
    for name in ("V2_ROUTES", "V2_ROUTE_CHANGES", "V2_OPERATION_REMOVED", "FAB_ROUTES"):
        assert name not in source
        assert name in api_history.__all__


# -- the one command ----------------------------------------------------------------------------


def test_generate_check_passes_on_the_committed_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--check"]) == 0
    out = capsys.readouterr()
    assert out.out == "all 6 generated files are up to date\n"
    assert out.err == ""


def test_every_generated_file_has_one_generator() -> None:
    written: dict[pathlib.Path, list[str]] = {}
    for name, make in generate.GENERATORS:
        for path in make():
            written.setdefault(path, []).append(name)
    assert {path: names for path, names in written.items() if len(names) > 1} == {}
    assert set(written) == {
        generate_models.GENERATED_PATH,
        generate_models.INIT_PATH,
        generate_models.SCHEMAS_PATH,
        generate_operations.OUTPUT,
        generate_operations.TEST_HISTORY_OUTPUT,
        ROOT / "README.md",
    }


def test_generate_runs_the_steps_in_order_and_names_stale_files(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, derived, fresh = tmp_path / "source.txt", tmp_path / "derived.txt", tmp_path / "ok"
    source.write_text("old\n")
    derived.write_text("from old\n")
    fresh.write_text("same\n")
    steps = (
        ("first", lambda: {source: "new\n", fresh: "same\n"}),
        # Reads what the step before it wrote.
        ("second", lambda: {derived: f"from {source.read_text()}"}),
    )
    monkeypatch.setattr(generate, "GENERATORS", steps)

    assert generate.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert f"{source}\n" in err
    assert f"{derived}\n" not in err  # its input is still the committed one
    assert str(fresh) not in err
    assert "run python scripts/generate.py" in err
    assert source.read_text() == "old\n"

    assert generate.main([]) == 0
    assert (source.read_text(), derived.read_text()) == ("new\n", "from new\n")
    assert generate.main(["--check"]) == 0


def test_generate_refuses_two_generators_of_one_file(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "twice.py"
    steps = (("one", lambda: {target: "a\n"}), ("two", lambda: {target: "b\n"}))
    monkeypatch.setattr(generate, "GENERATORS", steps)

    with pytest.raises(SystemExit, match="written by one and two"):
        generate.main(["--check"])


def test_generated_module_header_lists_the_corrections(
    generated: dict[pathlib.Path, str],
) -> None:
    source = generated[generate_models.GENERATED_PATH]
    for correction in (
        *CORRECTIONS,
        *spec_corrections_v2.CORRECTIONS,
        *spec_corrections_v2.FAB_CORRECTIONS,
    ):
        assert f"* {correction.name}\n" in source
    for spec in (RAW_SPEC, RAW_V2, RAW_FAB):
        assert spec["x-extracted-from"] in source
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
        ("JsonValue", "JsonValue_"),
        ("_", "field"),
    ],
)
def test_attribute_names(key: str, attribute: str) -> None:
    assert generate_models.attribute_name(key) == attribute
    assert attribute.isidentifier()


@pytest.mark.parametrize(
    ("source", "schema", "name"),
    [
        ("v1", "DAGRun", "DAGRun"),
        ("v1", "ImportErrorResponse", "ImportErrorResponse"),
        ("v2", "BackfillResponse", "Backfill"),
        ("v2", "BulkBody_PoolBody_", "BulkBodyPoolBody"),
        ("v2", "PoolBody", "PoolBody"),
        ("fab", "LoginResponse", "Login"),
        ("v2", "Response", "Response"),
    ],
)
def test_default_names(source: str, schema: str, name: str) -> None:
    assert generate_models.default_name(source, schema) == name


def test_docstrings_escape_quotes_and_backslashes() -> None:
    text = 'ends with a quote " and has \\ and """ inside'
    literal = generate_models._docstring(text, "")
    assert eval(literal).rstrip() == text


# -- merging and its failures ---------------------------------------------------------------


def test_every_schema_of_the_three_specs_lands_in_one_model() -> None:
    merger, definitions = generate_models.build(_specs())
    names = {d.name for d in definitions}
    for source, mapping in (("v1", V1_SCHEMAS), ("v2", V2_SCHEMAS), ("fab", FAB_SCHEMAS)):
        assert set(mapping) == merger.components[source]
        assert set(mapping.values()) - {"JsonValue"} <= names
    for concept in model_concepts.CONCEPTS:
        assert concept.name in names


def test_an_unresolved_type_conflict_fails_the_generator() -> None:
    v2 = copy.deepcopy(RAW_V2)
    v2["components"]["schemas"]["DAGResponse"]["properties"]["max_active_runs"] = {
        "type": "array",
        "items": {"type": "string"},
    }
    with pytest.raises(generate_models.GenerationError, match=r"DAG\.max_active_runs"):
        generate_models.build(_specs(v2=v2))


def test_a_type_named_in_the_map_must_hold_every_version_s_shape() -> None:
    v2 = copy.deepcopy(RAW_V2)
    v2["components"]["schemas"]["TaskResponse"]["properties"]["retries"] = {"type": "string"}
    with pytest.raises(generate_models.GenerationError, match=r"Task\.retries.*does not decode"):
        generate_models.build(_specs(v2=v2))


def test_two_schemas_with_one_name_fail_the_generator() -> None:
    fab = copy.deepcopy(RAW_FAB)
    fab["components"]["schemas"]["PoolResponse"] = {"type": "object", "properties": {}}
    with pytest.raises(generate_models.GenerationError, match="would be named Pool"):
        generate_models.build(_specs(fab=fab))
    v2 = copy.deepcopy(RAW_V2)
    v2["components"]["schemas"]["NewThingResponse"] = {"type": "object", "properties": {}}
    v2["components"]["schemas"]["NewThing"] = {"type": "object", "properties": {}}
    with pytest.raises(generate_models.GenerationError, match="both be named NewThing"):
        generate_models.build(_specs(v2=v2))


def test_an_identity_field_must_be_in_every_version() -> None:
    v2 = copy.deepcopy(RAW_V2)
    del v2["components"]["schemas"]["PoolResponse"]["properties"]["name"]
    v2["components"]["schemas"]["PoolResponse"]["required"].remove("name")
    with pytest.raises(generate_models.GenerationError, match=r"Pool\.name: identity field"):
        generate_models.build(_specs(v2=v2))


def test_an_undecidable_union_fails_the_generator() -> None:
    v2 = copy.deepcopy(RAW_V2)
    props = v2["components"]["schemas"]["BackfillResponse"]["properties"]
    props["dag_run_conf"] = {"anyOf": [{"type": "integer"}, {"type": "number"}]}
    with pytest.raises(generate_models.GenerationError, match="cannot tell int, float apart"):
        generate_models.build(_specs(v2=v2))


def test_type_annotations_of_the_map_are_read() -> None:
    merger, _ = generate_models.build(_specs())
    parse = merger.parse
    assert generate_models.render(parse("list[ClassReference | str]", "x"), merger) == (
        "list[ClassReference | str]"
    )
    assert generate_models.render(parse("str | tuple[str, str]", "x"), merger) == (
        "str | tuple[str, str]"
    )
    assert generate_models.render(parse("dict[str, str | None]", "x"), merger) == (
        "dict[str, str | None]"
    )
    with pytest.raises(generate_models.GenerationError, match="cannot read"):
        parse("set[str]", "x")


def test_the_concept_map_is_consistent() -> None:
    names = [c.name for c in model_concepts.CONCEPTS]
    assert len(names) == len(set(names))
    table = model_concepts.markdown_table()
    for concept in model_concepts.CONCEPTS:
        assert f"| `{concept.name}` |" in table
        for fill in concept.fills:
            assert len(fill.reason) > 30
        for field_type in concept.types.values():
            assert len(field_type.reason) > 30


# -- corrections --------------------------------------------------------------------------

ALL_CORRECTIONS = (
    [("v1", c) for c in CORRECTIONS]
    + [("v2", c) for c in spec_corrections_v2.CORRECTIONS]
    + [("fab", c) for c in spec_corrections_v2.FAB_CORRECTIONS]
)


def test_corrections_are_named_and_explained() -> None:
    names = [c.name for _, c in ALL_CORRECTIONS]
    assert len(names) == len(set(names))
    for _, correction in ALL_CORRECTIONS:
        assert isinstance(correction, Correction)
        assert correction.name.isidentifier()
        assert len(correction.reason) > 40
        assert callable(correction.apply)
    assert set(names) >= {
        "basic_dag_run_id",
        "extra_links_plain_object",
        "errors_are_problem_json",
        "nullable_beside_ref",
        "dag_detail_template_searchpath",
        "task_operator_name_and_params",
        "dataset_event_id",
        "timestamps_are_datetimes",
        "integral_numbers",
        "delete_dag_no_content",
        "xcom_entry_one_shape",
        "retry_exponential_backoff_was_boolean",
        "asset_consuming_dags_before_3_1",
    }


def test_apply_corrections_leaves_its_input_alone() -> None:
    before = [copy.deepcopy(s) for s in (RAW_SPEC, RAW_V2, RAW_FAB)]

    apply_corrections(RAW_SPEC)
    spec_corrections_v2.apply_corrections(RAW_V2)
    spec_corrections_v2.apply_fab_corrections(RAW_FAB)

    assert before == [RAW_SPEC, RAW_V2, RAW_FAB]


@pytest.mark.parametrize(
    ("source", "correction"), ALL_CORRECTIONS, ids=[c.name for _, c in ALL_CORRECTIONS]
)
def test_each_correction_changes_the_spec(source: str, correction: Correction) -> None:
    raw = {"v1": RAW_SPEC, "v2": RAW_V2, "fab": RAW_FAB}[source]
    spec = copy.deepcopy(raw)

    correction.apply(spec)

    assert spec != raw


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


def test_v2_corrections_state_what_servers_send() -> None:
    spec = spec_corrections_v2.apply_corrections(RAW_V2)
    delete_dag = spec["paths"]["/api/v2/dags/{dag_id}"]["delete"]["responses"]
    xcom = spec["paths"][
        "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries/{xcom_key}"
    ]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schemas = spec["components"]["schemas"]

    assert "204" in delete_dag and "200" not in delete_dag
    assert xcom == {"$ref": "#/components/schemas/XComResponseNative"}
    backoff = schemas["TaskResponse"]["properties"]["retry_exponential_backoff"]
    assert backoff["anyOf"] == [{"type": "number"}, {"type": "boolean"}]
    assert "consuming_dags" in schemas["AssetResponse"]["properties"]
    assert "error" in schemas["HTTPExceptionResponse"]["properties"]
    assert spec_corrections_v2.SERVER_BEHAVIOUR["get_extra_links"]


def test_module_exports() -> None:
    assert set(spec_corrections.__all__) == {
        "CORRECTIONS",
        "ERROR_MEDIA_TYPE",
        "RESPONSE_SHAPES",
        "SERVER_BEHAVIOUR",
        "Correction",
        "apply_corrections",
    }
    assert set(spec_corrections_v2.__all__) == {
        "CORRECTIONS",
        "FAB_CORRECTIONS",
        "SERVER_BEHAVIOUR",
        "apply_corrections",
        "apply_fab_corrections",
    }


# -- the extracted specs and the v2 history -----------------------------------------------------


def test_the_specs_say_where_they_come_from() -> None:
    assert RAW_SPEC["x-extracted-from"] == (
        "apache-airflow==2.11.2:airflow/api_connexion/openapi/v1.yaml"
    )
    assert RAW_V2["x-extracted-from"].startswith("apache-airflow-core==3.3.2:")
    assert RAW_V2["openapi"].startswith("3.1")
    assert RAW_FAB["x-extracted-from"].startswith("apache-airflow-providers-fab==3.10.2:")
    assert core_source("3.0.0").member.endswith("/v1-rest-api-generated.yaml")
    assert core_source("3.1.0").member.endswith("/v2-rest-api-generated.yaml")


def _spec(paths: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "paths": {
            path: {method: {"operationId": op} for method, op in ops.items()}
            for path, ops in paths.items()
        }
    }


def test_history_of_operations() -> None:
    found = extract_spec.history(
        {
            "3.0.0": _spec(
                {"/a": {"get": "get_a"}, "/a/{i}": {"get": "get_a"}, "/r": {"get": "r"}}
            ),
            "3.1.0": _spec({"/a": {"get": "get_a"}, "/a/{i}": {"get": "get_a_by_i"}}),
            "3.2.0": _spec({"/a": {"get": "get_a"}, "/a/{i}": {"get": "get_a_by_i"}, "/n": {}}),
        }
    )

    ops = found["operations"]
    assert ops["get_a"]["since"] == "3.0.0" and "removed" not in ops["get_a"]
    assert ops["get_a"]["routes"] == [["GET", "/a"]]
    assert [c["release"] for c in ops["get_a"]["route_history"]] == ["3.0.0", "3.1.0"]
    assert ops["get_a_by_i"] == {"since": "3.1.0", "routes": [["GET", "/a/{i}"]]}
    assert ops["r"] == {"since": "3.0.0", "removed": "3.1.0", "routes": [["GET", "/r"]]}
    assert found["renamed"] == [
        {"release": "3.1.0", "method": "GET", "path": "/a/{i}", "from": "get_a", "to": "get_a_by_i"}
    ]


def test_the_committed_history_matches_the_v2_spec() -> None:
    newest = spec_routes(RAW_V2)
    current = {op for op, entry in HISTORY["operations"].items() if "removed" not in entry}

    assert HISTORY["releases"] == ["3.0.0", "3.1.0", "3.2.0", "3.3.2"]
    assert current == set(newest)
    for operation_id, routes in newest.items():
        assert [tuple(r) for r in HISTORY["operations"][operation_id]["routes"]] == routes
    assert {r["from"] for r in HISTORY["renamed"]} == {
        "patch_task_instance",
        "get_task_instance_dependencies",
        "patch_task_instance_dry_run",
    }
    assert HISTORY["operations"]["get_dag_reports"]["removed"] == "3.2.0"
    assert HISTORY["operations"]["refresh"] == {
        "since": "3.1.0",
        "removed": "3.2.0",
        "routes": [["GET", "/api/v2/auth/refresh"]],
    }


def _wheel(folder: pathlib.Path, source: Any, spec: dict[str, Any]) -> pathlib.Path:
    path = folder / f"{source.wheel_prefix}py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(source.member, yaml.safe_dump(spec))
    return path


def test_the_extractors_read_the_specs_from_the_wheels(tmp_path: pathlib.Path) -> None:
    old = {"/p": {"get": {"operationId": "get_p", "parameters": []}}}
    new = {
        "/p": {
            "get": {
                "operationId": "get_p",
                "parameters": [{"name": "limit", "in": "query"}],
            }
        },
        "/q": {"post": {"operationId": "post_q"}},
    }
    for release in ("3.0.0", "3.1.0"):
        _wheel(tmp_path, core_source(release), {"paths": old})
    for release in ("3.2.0", "3.3.2"):
        _wheel(tmp_path, core_source(release), {"paths": new})
    _wheel(tmp_path, V1, {"paths": {"/v1": {"get": {"operationId": "v1_op"}}}})
    wheels = Wheels([], tmp_path)

    specs = extract_spec.extract(wheels, {"v1", "history"}, tmp_path)
    parameters = extract_v2_parameters.extract(wheels, tmp_path / "parameters.json")

    assert set(specs) == {tmp_path / "openapi.json", tmp_path / "openapi-v2-history.json"}
    v1 = json.loads(specs[tmp_path / "openapi.json"])
    assert v1["x-extracted-from"] == V1.describe()
    assert v1["paths"] == {"/v1": {"get": {"operationId": "v1_op"}}}
    history = json.loads(specs[tmp_path / "openapi-v2-history.json"])
    assert history["operations"]["post_q"] == {"since": "3.2.0", "routes": [["POST", "/q"]]}
    document = json.loads(parameters[tmp_path / "parameters.json"])
    assert document["operations"] == {"get_p": {"query": {"limit": "3.2.0"}}}
    assert document["x-extracted-from"][0] == core_source("3.0.0").describe()


def test_the_package_knows_which_minor_has_each_operation() -> None:
    by_map_index = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}"
    unmapped = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"

    assert _operations.V2_MINORS == ((3, 0), (3, 1), (3, 2), (3, 3))
    assert _operations.V2_OPERATION_SINCE["get_dags"] == (3, 0)
    assert _operations.V2_OPERATION_SINCE["bulk_dag_runs"] == (3, 3)
    assert _operations.V2_OPERATION_SINCE["delete_xcom_entry"] == (3, 2)
    assert api_history.v2_routes("patch_task_instance", (3, 0)) == (
        _operations.Route("PATCH", unmapped),
        _operations.Route("PATCH", by_map_index),
    )
    assert api_history.v2_routes("patch_task_instance", (3, 1)) == (
        _operations.Route("PATCH", unmapped),
    )
    assert api_history.v2_routes("patch_task_instance_by_map_index", (3, 0)) == ()
    assert api_history.v2_routes("refresh", (3, 1)) == (
        _operations.Route("GET", "/api/v2/auth/refresh"),
    )
    assert api_history.v2_routes("refresh", (3, 2)) == ()
    assert api_history.v2_routes("get_dag_reports", (3, 4)) == ()
    assert api_history.v2_routes("get_dags", (3, 9)) == (_operations.Route("GET", "/api/v2/dags"),)
    assert api_history.v2_routes("no_such_operation", (3, 3)) == ()
    assert api_history.FAB_ROUTES["get_users"] == (_operations.Route("GET", "/auth/fab/v1/users"),)
    assert {r.old for r in _operations.V2_RENAMED} == {
        "patch_task_instance",
        "get_task_instance_dependencies",
        "patch_task_instance_dry_run",
    }
