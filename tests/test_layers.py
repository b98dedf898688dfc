"""The house: models and migrations point down the layers, as imports do (import-linter)."""

import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

# The apps, bottom to top: each may point at the ones before it, never at one after it.
LAYERS = ("partnerships", "learners", "conversations", "reports")
ORDER = "layers, bottom to top: " + " < ".join(LAYERS)
ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def _above(app: str, other: str) -> bool:
    """Whether ``other`` is a layer above ``app`` (apps outside the house are neither)."""
    return app in LAYERS and other in LAYERS and LAYERS.index(other) > LAYERS.index(app)


def _label(model) -> str:
    """A model's "app_label.Model", also for a lazy string reference that never resolved."""
    return model if isinstance(model, str) else model._meta.label


def _relations(model):
    """Each (what, target) a model points at: relation fields, M2M through models, parents."""
    opts = model._meta
    for field in [*opts.local_fields, *opts.local_many_to_many, *opts.private_fields]:
        if field.remote_field is None or field.related_model is None:
            continue  # not a relation, or a GenericForeignKey (any model, by design)
        yield f"field {field.name} ({type(field).__name__})", field.related_model
        through = getattr(field.remote_field, "through", None)
        if through is not None:
            yield f"field {field.name}'s through model", through
    for parent in opts.parents:
        yield "parent model", parent
    if opts.proxy:
        yield "proxied model", opts.concrete_model


@pytest.fixture
def migration_graph(settings):
    """The real migration graph from disk, even after pytest-django's --no-migrations."""
    settings.MIGRATION_MODULES = {}  # pytest-django swaps in a "no migrations" mapping
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    labels = {app for app, _name in graph.nodes}
    assert "partnerships" in labels, "the loader found no migrations: the check would be empty"
    return graph


def test_migrations_depend_only_on_lower_layers(migration_graph):
    """No app's migration depends on (or runs before) a migration of an app above it."""
    upward = [
        f"{key[0]}.{key[1]} depends on {parent[0]}.{parent[1]}"
        for key, node in sorted(migration_graph.node_map.items())
        for parent in sorted(p.key for p in node.parents)
        if _above(key[0], parent[0])
    ]
    assert not upward, f"migrations point up ({ORDER}):\n" + "\n".join(upward)


def test_model_relations_point_only_to_lower_layers():
    """No model's FK, one-to-one, M2M, through model or parent is a model of an app above it."""
    upward = sorted(
        f"{model._meta.label} {what} -> {_label(target)}"
        for model in apps.get_models(include_auto_created=True)
        for what, target in _relations(model)
        if _above(model._meta.app_label, _label(target).split(".", 1)[0])
    )
    assert not upward, f"models point up ({ORDER}):\n" + "\n".join(upward)


def test_every_app_of_the_project_has_a_layer():
    """Every installed app that is a top-level folder of the repo is one of the layers."""
    ours = {c.label for c in apps.get_app_configs() if Path(c.path).parent == ROOT}
    assert ours == set(LAYERS), f"installed apps {sorted(ours)} do not match the {ORDER}"


def test_layers_match_the_import_contract():
    """The import-linter layers in pyproject.toml are config on top of the same order."""
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    assert layers == ["config", *reversed(LAYERS)], (
        f"pyproject.toml's layers differ from the {ORDER}"
    )
