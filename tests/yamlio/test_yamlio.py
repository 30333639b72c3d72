from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.errors import Location
from compiler.yamlio.emit import dump_document, emit_value
from compiler.yamlio.manifests import parse_manifest
from compiler.yamlio.source import YamlLoadError, load_yaml

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.text(max_size=40),
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "off",
            "null",
            "~",
            "1e3",
            "0x1F",
            "12:30",
            "2024-01-01",
            "-",
            "- x",
            "a: b",
            "#c",
            "&a",
            "*a",
            "!t",
            "|",
            ">",
            "'",
            '"',
            "@x",
            "`x",
            "%x",
            " lead",
            "trail ",
            "multi\nline\n",
            "a\n\n",
            "\ttab",
            "\u2028",
        ]
    ),
)
keys = st.text(min_size=1, max_size=12)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, values, max_size=5))
def test_emitted_yaml_reads_back_identically_with_libyaml_and_yaml_rs(doc):
    text = dump_document(doc)
    assert yaml.safe_load(text) == (doc or {})
    assert parse_manifest(text) == (doc or {})


@pytest.mark.parametrize(
    "value",
    ["yes", "No", "ON", "null", "~", "123", "1.5", "0o17", "2024-01-01", "12:30:00", "true"],
)
def test_ambiguous_strings_are_quoted(value):
    assert emit_value(value, 2).startswith(' "')


def test_plain_strings_stay_plain_and_multiline_is_literal_block():
    assert emit_value("gpt-4o", 2) == " gpt-4o"
    assert emit_value("a\nb\n", 4) == " |\n    a\n    b"


def test_template_syntax_in_values_is_data_not_code():
    doc = {"k": "{{ 7 * 7 }}", "j": "{% if x %}", "y": "key: value\n- item"}
    assert parse_manifest(dump_document(doc)) == doc


def test_load_keeps_positions_of_keys_and_values():
    loaded = load_yaml("a:\n  b: [1, {c: x}]\n", "f.yaml")
    assert loaded.data == {"a": {"b": [1, {"c": "x"}]}}
    assert loaded.source.values[("a", "b", 1, "c")] == Location("f.yaml", 2, 14)
    assert loaded.source.keys[("a", "b")] == Location("f.yaml", 2, 3)
    assert loaded.source.locate(("a", "b", 7, "zz")) == Location("f.yaml", 2, 6)


def test_load_types_follow_yaml_1_2_and_keep_dates_as_strings():
    data = load_yaml("a: yes\nb: 2024-01-01\nc: 0x10\nd: 1_000\ne: .inf\nf: ~\ng: '1'\n", "f").data
    assert data == {
        "a": "yes",
        "b": "2024-01-01",
        "c": 16,
        "d": 1000,
        "e": float("inf"),
        "f": None,
        "g": "1",
    }


def test_duplicate_keys_are_located_errors():
    with pytest.raises(YamlLoadError) as err:
        load_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    [problem] = err.value.diagnostics
    assert problem.location == Location("f.yaml", 3, 1)
    assert "first defined at f.yaml:1:1" in problem.message


def test_syntax_errors_are_located():
    with pytest.raises(YamlLoadError) as err:
        load_yaml("a: [1, 2\nb: 3\n", "bad.yaml")
    [problem] = err.value.diagnostics
    assert problem.code == "yaml-syntax" and problem.location.path == "bad.yaml"
    assert problem.location.line >= 2


def test_empty_file_loads_as_none():
    assert load_yaml("# only a comment\n", "f").data is None


def test_alias_bombs_are_stopped_with_a_located_error():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 5):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    with pytest.raises(YamlLoadError) as err:
        load_yaml("\n".join(lines) + "\n", "bomb.yaml", max_nodes=10_000)
    [problem] = err.value.diagnostics
    assert problem.code == "yaml-too-large" and problem.location.path == "bomb.yaml"


def test_urls_in_flow_mappings_parse_as_every_other_parser_reads_them():
    text = "argocd: {destinationServer: https://kubernetes.default.svc, automated: true}\n"
    loaded = load_yaml(text, "e.yaml")
    assert loaded.data == {
        "argocd": {"destinationServer": "https://kubernetes.default.svc", "automated": True}
    }
    assert str(loaded.source.locate(("argocd", "automated"))) == "e.yaml:1:72"


def test_a_tab_is_named_as_a_tab():
    with pytest.raises(YamlLoadError) as caught:
        load_yaml("providers:\n\t- name: openai\n", "p.yaml")
    (problem,) = caught.value.diagnostics
    assert (str(problem.location), problem.code) == ("p.yaml:2:1", "yaml-tab")
    assert "tab" in problem.message and "spaces" in problem.hint


def test_an_unquoted_colon_value_suggests_quotes():
    with pytest.raises(YamlLoadError) as caught:
        load_yaml("a: {x: y: z}\n", "p.yaml")
    assert "quote" in caught.value.diagnostics[0].hint
