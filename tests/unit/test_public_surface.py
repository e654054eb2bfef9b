"""The public surface: every type a public signature names can be imported, once, by one name.

The walk starts at ``AsyncClient``: its own public methods and properties, and every public
method of every namespace. Each annotation is resolved (``typing.get_type_hints``) and each
class it names, the classes those classes are built from (the fields of a TypedDict or an
attrs class, the public methods of a page or a stream), is looked up in the public modules.
The names an annotation spells (``OnExistence``, ``DateTimeFilter``) are checked too, since
resolving an alias loses its name.
"""

from __future__ import annotations

import ast
import builtins
import collections.abc
import enum
import functools
import inspect
import subprocess
import sys
import typing
from collections.abc import Callable, Iterator
from types import ModuleType

import attrs
import httpx
import pytest
import typing_extensions

import airflow_client_async as af
import airflow_client_async.models
import airflow_client_async.types
from airflow_client_async import AsyncClient
from airflow_client_async.resources._base import Resource
from airflow_client_async.resources.dag_runs import DagRunsResource

PUBLIC_MODULES: tuple[ModuleType, ...] = (
    af,
    airflow_client_async.types,
    airflow_client_async.models,
)
# What a user already has: the language, its standard library and the HTTP library.
OUTSIDE = ("builtins", "typing", "typing_extensions", "httpx", "httpcore")
LIBRARIES: tuple[ModuleType, ...] = (builtins, typing, typing_extensions, collections.abc)


def _outside(obj: object) -> bool:
    module = getattr(obj, "__module__", None) or ""
    top = module.split(".")[0]
    return top in OUTSIDE or top in sys.stdlib_module_names or top == "_collections_abc"


def _public_name_of(obj: object) -> str | None:
    """The ``module.name`` a user imports ``obj`` from, or ``None`` when there is none."""
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            if getattr(module, name) is obj:
                return f"{module.__name__}.{name}"
    return None


@functools.cache
def _namespaces() -> dict[str, type]:
    """Each namespace of a client, with its class, as a user reaches it."""
    client = AsyncClient("http://localhost:8080", api_version="v2")
    found: dict[str, type] = {}
    for name in dir(AsyncClient):
        member = inspect.getattr_static(AsyncClient, name)
        if name.startswith("_") or inspect.isfunction(member) or isinstance(member, property):
            continue
        value = getattr(client, name)
        if isinstance(value, Resource):
            found[name] = type(value)
    return found


def _public_callables(cls: type) -> Iterator[tuple[str, Callable[..., object]]]:
    for name in dir(cls):
        if name.startswith("_") and not (name == "__init__" and cls is AsyncClient):
            continue
        member = inspect.getattr_static(cls, name)
        if isinstance(member, staticmethod | classmethod):
            yield name, member.__func__
        elif isinstance(member, property) and member.fget is not None:
            yield name, member.fget
        elif inspect.isfunction(member):
            yield name, member


@functools.cache
def _type_checking_names(module_name: str) -> dict[str, object]:
    """A module's names, with those it imports only for type checkers."""
    module = sys.modules[module_name]
    names: dict[str, object] = {
        name: getattr(typing_extensions, name) for name in typing_extensions.__all__
    }
    names.update(vars(module))
    path = getattr(module, "__file__", None)
    if not path or not module_name.startswith("airflow_client_async"):
        return names
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            block = ast.Module(body=node.body, type_ignores=[])
            exec(compile(block, path, "exec"), names)  # only import statements
    return names


def _hints(obj: object) -> dict[str, object]:
    namespace: dict[str, object] = {}
    # A TypedDict's annotations include its bases', spelled in their modules.
    owners = reversed(obj.__mro__) if isinstance(obj, type) else [obj]
    for owner in owners:
        namespace.update(_type_checking_names(getattr(owner, "__module__", "builtins")))
    return typing.get_type_hints(obj, globalns=namespace, localns=namespace, include_extras=True)


def _classes_in(hint: object) -> Iterator[type]:
    """Every class an annotation (resolved) is made of."""
    if isinstance(hint, str | int | bool | bytes | enum.Enum) or hint is None or hint is ...:
        return  # a Literal's value
    if isinstance(hint, typing.TypeVar | typing.ParamSpec):
        return
    if isinstance(hint, typing.ParamSpecArgs | typing.ParamSpecKwargs):
        return
    origin = typing.get_origin(hint)
    if origin is not None:
        if isinstance(origin, type):
            yield origin
        for arg in typing.get_args(hint):
            if isinstance(arg, list):  # Callable's parameter list
                for item in arg:
                    yield from _classes_in(item)
            else:
                yield from _classes_in(arg)
        return
    if isinstance(hint, type):
        yield hint


def _spelled_names(obj: object) -> Iterator[str]:
    """The dotted names an object's annotations spell, as written."""
    for text in getattr(obj, "__annotations__", {}).values():
        if not isinstance(text, str):
            continue
        for node in ast.walk(ast.parse(text, mode="eval")):
            if isinstance(node, ast.Attribute | ast.Name) and not isinstance(
                getattr(node, "ctx", None), ast.Store
            ):
                yield ast.unparse(node)


@attrs.define
class Surface:
    """What the walk found: every class, and every name spelled, with where it was met."""

    classes: dict[type, str] = attrs.field(factory=dict)
    names: dict[tuple[str, str], str] = attrs.field(factory=dict)
    walked: set[object] = attrs.field(factory=set)

    def walk_callable(self, where: str, func: Callable[..., object]) -> None:
        for name in _spelled_names(func):
            self.names.setdefault((func.__module__, name), where)
        for hint in _hints(func).values():
            for cls in _classes_in(hint):
                self.walk_class(where, cls)

    def walk_class(self, where: str, cls: type) -> None:
        if cls in self.walked:
            return
        self.walked.add(cls)
        self.classes.setdefault(cls, where)
        if _outside(cls) or cls.__module__.startswith("airflow_client_async.models"):
            return
        if typing_extensions.is_typeddict(cls) or attrs.has(cls):
            for base in cls.__mro__:
                if base.__module__ == cls.__module__ and base is not object:
                    for name in _spelled_names(base):
                        self.names.setdefault((cls.__module__, name), f"{cls.__name__} fields")
            for hint in _hints(cls).values():
                for inner in _classes_in(hint):
                    self.walk_class(f"{cls.__name__} fields", inner)
        if issubclass(cls, BaseException):
            return
        for name, func in _public_callables(cls):
            if func.__module__.startswith("airflow_client_async"):
                self.walk_callable(f"{cls.__name__}.{name}", func)


@functools.cache
def surface() -> Surface:
    found = Surface()
    for name, func in _public_callables(AsyncClient):
        found.walk_callable(f"AsyncClient.{name}", func)
    for namespace, resource in _namespaces().items():
        found.walked.add(resource)
        found.classes[resource] = f"client.{namespace}"
        for name, func in _public_callables(resource):
            found.walk_callable(f"client.{namespace}.{name}", func)
    return found


def _resolve_spelled(module: str, dotted: str) -> object:
    head, *rest = dotted.split(".")
    namespace = _type_checking_names(module)
    obj = namespace[head] if head in namespace else getattr(builtins, head)
    for attribute in rest:
        obj = getattr(obj, attribute)
    return obj


def test_the_walk_reaches_every_namespace_and_what_they_take() -> None:
    namespaces = _namespaces()
    assert {"dags", "dag_runs", "task_instances", "pools"} <= set(namespaces)
    found = surface()
    assert af.RunOk in found.classes
    assert httpx.Timeout in found.classes
    assert airflow_client_async.models.DAGRun in found.classes
    assert any(name == "OnExistence" for _, name in found.names)


def test_every_class_a_public_signature_names_can_be_imported() -> None:
    hidden = sorted(
        f"{cls.__module__}.{cls.__qualname__} (in {where})"
        for cls, where in surface().classes.items()
        if not _outside(cls) and _public_name_of(cls) is None
    )
    assert hidden == [], "not importable from a public module:\n" + "\n".join(hidden)


def test_every_alias_a_public_signature_spells_can_be_imported() -> None:
    hidden: list[str] = []
    for (module, dotted), where in sorted(surface().names.items()):
        obj = _resolve_spelled(module, dotted)
        if isinstance(obj, ModuleType | typing.TypeVar | typing.ParamSpec):
            continue
        if isinstance(obj, typing.ParamSpecArgs | typing.ParamSpecKwargs):
            continue
        if isinstance(obj, type) or inspect.isroutine(obj):
            if _outside(obj):
                continue
        elif any(getattr(space, dotted.split(".")[-1], None) is obj for space in LIBRARIES):
            continue  # typing's own forms: Literal, Callable, Any, …
        if _public_name_of(obj) is None:
            hidden.append(f"{dotted} from {module} (in {where})")
    assert hidden == [], "not importable from a public module:\n" + "\n".join(hidden)


def _public_names() -> dict[str, dict[str, object]]:
    return {
        module.__name__: {n: getattr(module, n) for n in module.__all__}
        for module in PUBLIC_MODULES
    }


def test_no_two_public_names_name_different_objects() -> None:
    seen: dict[str, tuple[str, object]] = {}
    clashes: list[str] = []
    for module, names in _public_names().items():
        for name, obj in names.items():
            if name in seen and seen[name][1] is not obj:
                clashes.append(f"{name}: {seen[name][0]} and {module}")
            seen.setdefault(name, (module, obj))
    assert clashes == []


def test_no_two_public_classes_share_a_name() -> None:
    by_name: dict[str, set[str]] = {}
    for names in _public_names().values():
        for obj in names.values():
            if isinstance(obj, type):
                by_name.setdefault(obj.__name__, set()).add(f"{obj.__module__}.{obj.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_the_types_module_names_nothing_the_package_or_models_already_export() -> None:
    types_names = set(airflow_client_async.types.__all__)
    assert not types_names & set(af.__all__)
    assert not types_names & set(airflow_client_async.models.__all__)


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_every_public_exception_is_in_the_tree(module: ModuleType) -> None:
    for name in module.__all__:
        obj = getattr(module, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, af.AirflowError), name
            assert obj.__doc__, name


def test_bulk_error_is_an_api_error_but_no_status_error() -> None:
    assert issubclass(af.BulkError, af.APIError)
    assert not issubclass(af.BulkError, af.APIStatusError)
    result = af.BulkResult(
        entities=(af.BulkEntityResult(action="create", key="p", ok=False, status_code=409),)
    )
    with pytest.raises(af.APIError) as caught:
        result.raise_for_errors()
    assert isinstance(caught.value, af.BulkError)
    assert caught.value.result is result
    assert caught.value.request is None


def test_each_namespace_is_described_by_its_resource_class_alone() -> None:
    for name, resource in _namespaces().items():
        accessor = inspect.getattr_static(AsyncClient, name)
        assert inspect.getdoc(accessor) == inspect.getdoc(resource), name
        assert resource.__doc__, name
        assert resource.namespace == name


def test_each_namespace_is_typed_as_the_class_it_builds() -> None:
    hints = _hints(AsyncClient)
    for name, resource in _namespaces().items():
        assert typing.get_args(hints[name]) == (resource,), name


def test_a_namespace_is_built_once_per_client_and_knows_its_client() -> None:
    client = AsyncClient("http://localhost:8080", api_version="v2")
    assert client.dags is client.dags
    assert client.dags._namespace("dag_runs", DagRunsResource) is client.dag_runs
    other = client.with_options(timeout=5)
    assert other.dags is not client.dags
    assert other.dags._namespace("dag_runs", DagRunsResource) is other.dag_runs
    # A namespace of a with_options copy, asked for with options of its own.
    copied = client.dags._namespace("dag_runs", DagRunsResource, timeout=7)
    assert copied is not client.dag_runs and copied._http.pool is client._http.pool
    with pytest.raises(TypeError, match="not a DagRunsResource"):
        client.dags._namespace("pools", DagRunsResource)


def test_namespaces_import_their_modules_on_first_use() -> None:
    code = (
        "import sys\n"
        "from airflow_client_async import AsyncClient\n"
        "loaded = lambda: sorted(m for m in sys.modules if '.resources.' in m)\n"
        "client = AsyncClient('http://localhost:8080', api_version='v2')\n"
        "assert loaded() == [], loaded()\n"
        "client.pools\n"
        "assert 'airflow_client_async.resources.pools' in loaded(), loaded()\n"
        "assert 'airflow_client_async.resources.dags' not in loaded(), loaded()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
