from __future__ import annotations

import pytest

from compiler.errors import Location, RenderError
from compiler.models.artifacts import PlannedDocument
from compiler.render.templates import make_environment, render_documents
from tests.helpers import write_files

ORIGIN = Location("inventory/x.yaml", 3, 5)


def plan(context, template="t.yaml.j2"):
    return PlannedDocument(template, "things/a.yaml", context, ORIGIN)


@pytest.fixture
def templates(tmp_path):
    write_files(
        tmp_path,
        {
            "t.yaml.j2": "kind: Thing\nmetadata:\n  name:{{ name | yaml }}\n"
            "data:{{ data | yaml(2) }}\n",
            "bare.yaml.j2": "kind: Thing\nname: {{ name }}\n",
            "undefined.yaml.j2": "kind: Thing\n\nname:{{ missing | yaml }}\n",
            "broken.yaml.j2": "kind: Thing\n{% if %}\n",
            "badyaml.yaml.j2": "kind: Thing\n  name:{{ name | yaml }}\n",
        },
    )
    return [tmp_path]


def test_values_with_template_or_yaml_syntax_are_emitted_literally(templates):
    hostile = {"name": "{{ 7*7 }}", "data": {"a": "{% raw %}x: y\n- z", "b": "]]"}}
    [doc] = render_documents([plan(hostile)], templates, "m")
    assert doc.data == {"kind": "Thing", "metadata": {"name": "{{ 7*7 }}"}, "data": hostile["data"]}
    assert doc.origin == ORIGIN


def test_printing_a_value_without_the_filter_is_a_located_error(templates):
    with pytest.raises(RenderError) as err:
        render_documents([plan({"name": "x"}, "bare.yaml.j2")], templates, "m")
    [problem] = err.value.diagnostics
    assert problem.location == Location("templates/bare.yaml.j2", 2, 1)
    assert "without the yaml filter" in problem.message


def test_undefined_values_are_errors_not_empty_strings(templates):
    with pytest.raises(RenderError) as err:
        render_documents([plan({}, "undefined.yaml.j2")], templates, "m")
    [problem] = err.value.diagnostics
    assert problem.location.line == 3 and "missing" in problem.message


def test_template_syntax_errors_and_invalid_output_are_located(templates):
    with pytest.raises(RenderError) as err:
        render_documents(
            [plan({"name": "x"}, "broken.yaml.j2"), plan({"name": "x"}, "badyaml.yaml.j2")],
            templates,
            "m",
        )
    codes = sorted((d.code, d.location.path) for d in err.value.diagnostics)
    assert codes == [
        ("template-error", "templates/broken.yaml.j2"),
        ("template-output", "templates/badyaml.yaml.j2"),
    ]


def test_the_sandbox_has_no_globals_and_only_our_filters(templates):
    env = make_environment(templates)
    assert set(env.filters) == {"yaml"}
    assert not env.globals


def test_values_copied_from_the_inventory_are_located_path_by_path():
    from compiler.models.artifacts import RenderedDocument

    doc = RenderedDocument(
        "a.yaml",
        "",
        {},
        ORIGIN,
        {("spec",): Location("x.yaml", 9, 9)},
        {("spec", "podSpec"): lambda rest: Location("inv.yaml", len(rest), 1)},
    )
    assert doc.locate(("spec", "podSpec", "containers", 0, "env")) == Location("inv.yaml", 3, 1)
    assert doc.locate(("spec", "mode")) == Location("x.yaml", 9, 9)
    assert doc.locate(("kind",)) == ORIGIN
