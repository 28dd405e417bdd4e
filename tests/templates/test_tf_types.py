import json
import re

import pytest

from service.templates.tf_types import TypeExpressionError, check_value, parse_type, type_label

STRING = {"kind": "string"}
NUMBER = {"kind": "number"}


# -- parse_type ----------------------------------------------------------------------------------------------


def test_absent_type_is_any():
    assert parse_type(None) == {"kind": "any"}


@pytest.mark.parametrize("name", ["string", "number", "bool", "any"])
def test_primitive_types_parse_to_their_kind(name):
    assert parse_type(name) == {"kind": name}


def test_interpolation_wrapper_from_hcl2_is_stripped():
    assert parse_type("${list(string)}") == {"kind": "list", "element": STRING}


@pytest.mark.parametrize("kind", ["list", "set", "map"])
def test_collections_carry_their_element_type(kind):
    assert parse_type(f"{kind}(number)") == {"kind": kind, "element": NUMBER}


def test_tuple_lists_its_element_types_in_order():
    assert parse_type("tuple([string, number])") == {"kind": "tuple", "elements": [STRING, NUMBER]}


def test_empty_tuple_is_allowed():
    assert parse_type("tuple([])") == {"kind": "tuple", "elements": []}


def test_object_attributes_are_required_by_default():
    spec = parse_type("object({name = string})")
    assert spec == {"kind": "object", "attributes": {"name": {"type": STRING, "optional": False}}}


def test_optional_attribute_without_default_has_no_default_key():
    attribute = parse_type("object({size = optional(number)})")["attributes"]["size"]
    assert attribute == {"type": NUMBER, "optional": True}


def test_optional_attribute_keeps_its_default():
    attribute = parse_type("object({size = optional(number, 3)})")["attributes"]["size"]
    assert attribute == {"type": NUMBER, "optional": True, "default": 3}


def test_optional_default_can_be_a_list_or_object_literal():
    spec = parse_type('object({a = optional(list(string), ["x", "y"]), b = optional(map(number), {k = 1.5})})')
    assert spec["attributes"]["a"]["default"] == ["x", "y"]
    assert spec["attributes"]["b"]["default"] == {"k": 1.5}


def test_optional_default_can_be_null():
    assert parse_type("object({a = optional(string, null)})")["attributes"]["a"]["default"] is None


def test_optional_default_string_escapes_are_decoded():
    assert parse_type(r'object({a = optional(string, "x\"y\n")})')["attributes"]["a"]["default"] == 'x"y\n'


def test_quoted_attribute_names_are_unquoted():
    assert list(parse_type('object({"my name" = string})')["attributes"]) == ["my name"]


def test_object_attributes_keep_declaration_order():
    assert list(parse_type("object({b = string, a = string})")["attributes"]) == ["b", "a"]


def test_newlines_separate_object_attributes_without_commas():
    spec = parse_type("object({\n  a = string\n  b = number\n})")
    assert list(spec["attributes"]) == ["a", "b"]


@pytest.mark.parametrize(
    "text", ["list(string,)", "tuple([string,])", "object({a = string,})", "object({a = optional(string,)})"]
)
def test_trailing_commas_are_allowed(text):
    without = text.replace(",)", ")").replace(",])", "])").replace(",})", "})")
    assert parse_type(text) == parse_type(without)


def test_nested_types_parse_recursively():
    spec = parse_type("map(list(object({tags = set(string)})))")
    assert spec["element"]["element"]["attributes"]["tags"]["type"] == {"kind": "set", "element": STRING}


def test_hcl2_rendering_of_a_complex_object_parses():
    text = '${object({name = string, size = optional(number, 3), "quoted" = optional(string), tags = map(string)})}'
    assert list(parse_type(text)["attributes"]) == ["name", "size", "quoted", "tags"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("strin", "unknown type 'strin'"),
        ("list", "list needs its argument in parentheses"),
        ("list(", "expected a type name"),
        ("list(string", "expected ')'"),
        ("list(string))", "unexpected text after the type"),
        ("list(string, number)", "expected ')'"),
        ("tuple(string)", "expected '['"),
        ("object(string)", "expected '{'"),
        ("object({a string})", "expected '=' after attribute 'a'"),
        ("object({= string})", "expected an attribute name"),
        ("object({a = string, a = number})", "attribute 'a' is declared twice"),
        ("optional(string)", "only allowed for an object attribute"),
        ("list(optional(string))", "only allowed for an object attribute"),
        ("object({a = optional(number, 1, 2)})", "expected ')'"),
        ("object({a = optional(number, max)})", "expected a constant value"),
        (
            "object({a = optional(number, ",
            "expected a constant value (string, number, bool, null, list or object), found end",
        ),
        ("object({a = optional(map(number), {k 1})})", "expected '=' after key 'k'"),
        ("object({a = optional(list(number), [1 2])})", "expected ']'"),
        ('"string"', "expected a type name"),
        ("string @", "unexpected character '@'"),
        ("", "empty type expression"),
        ("${}", "empty type expression"),
        ("   ", "empty type expression"),
    ],
)
def test_bad_expressions_raise_with_a_clear_message(text, message):
    with pytest.raises(TypeExpressionError, match=re.escape(message)):
        parse_type(text)


def test_optional_default_not_matching_its_type_raises():
    with pytest.raises(TypeExpressionError, match="default of optional attribute 'size'.*expected a number"):
        parse_type('object({size = optional(number, "big")})')


def test_error_message_gives_the_position():
    with pytest.raises(TypeExpressionError, match="at position 5"):
        parse_type("list(strin)")


def test_deep_nesting_raises_instead_of_recursing_without_end():
    with pytest.raises(TypeExpressionError, match="nested deeper than"):
        parse_type("list(" * 500 + "string" + ")" * 500)


def test_non_string_type_raises():
    with pytest.raises(TypeExpressionError, match="expression"):
        parse_type(["string"])


def test_type_expression_error_is_a_value_error():
    assert issubclass(TypeExpressionError, ValueError)


# -- check_value ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_text", "value"),
    [
        ("string", "x"),
        ("number", 3),
        ("number", -2.5),
        ("bool", False),
        ("any", {"anything": [1, "x"]}),
        ("list(number)", [1, 2]),
        ("set(string)", ["a", "b"]),
        ("map(bool)", {"a": True}),
        ("tuple([string, number])", ["x", 1]),
        ("object({a = string, b = optional(number)})", {"a": "x"}),
    ],
)
def test_matching_values_have_no_errors(type_text, value):
    assert check_value(parse_type(type_text), value) == []


@pytest.mark.parametrize("type_text", ["string", "list(string)", "object({a = string})"])
def test_null_is_accepted(type_text):
    assert check_value(parse_type(type_text), None) == []


def test_null_inside_a_collection_is_accepted():
    assert check_value(parse_type("list(string)"), ["a", None]) == []


@pytest.mark.parametrize(
    ("type_text", "value", "error"),
    [
        ("string", 1, "expected a string, got number"),
        ("string", True, "expected a string, got bool"),
        ("number", "1", "expected a number, got string"),
        ("number", True, "expected a number, got bool"),
        ("bool", 0, "expected a bool, got number"),
        ("bool", "true", "expected a bool, got string"),
        ("list(string)", "a", "expected a list, got string"),
        ("list(string)", {"a": "b"}, "expected a list, got object"),
        ("set(string)", "a", "expected a set, got string"),
        ("map(string)", ["a"], "expected a map, got array"),
        ("tuple([string])", "a", "expected a tuple, got string"),
        ("object({a = string})", ["a"], "expected an object, got array"),
    ],
)
def test_wrong_json_type_is_reported(type_text, value, error):
    assert check_value(parse_type(type_text), value) == [error]


def test_non_finite_number_is_rejected():
    assert check_value(NUMBER, float("nan")) == ["expected a finite number"]


def test_list_element_error_names_its_index():
    assert check_value(parse_type("list(number)"), [1, 2, "three"]) == ["[2]: expected a number, got string"]


def test_map_value_error_names_its_key():
    spec = parse_type("object({tags = map(string)})")
    assert check_value(spec, {"tags": {"env": 1}}) == ["tags.env: expected a string, got number"]


def test_key_that_is_not_an_identifier_is_quoted_in_the_path():
    assert check_value(parse_type("map(string)"), {"a.b": 1}) == ['["a.b"]: expected a string, got number']


def test_path_argument_prefixes_every_error():
    assert check_value(NUMBER, "x", path="var.size") == ["var.size: expected a number, got string"]


def test_set_with_duplicates_is_rejected():
    assert check_value(parse_type("set(string)"), ["a", "b", "a"]) == ["[2]: duplicate element in a set"]


def test_set_duplicates_compare_nested_values():
    assert check_value(parse_type("set(any)"), [{"a": [1]}, {"a": [1]}]) == ["[1]: duplicate element in a set"]


def test_set_treats_true_and_one_as_different():
    assert check_value(parse_type("set(any)"), [True, 1]) == []


def test_tuple_of_wrong_length_is_rejected():
    errors = check_value(parse_type("tuple([string, number])"), ["x"])
    assert errors == ["expected a tuple of 2 elements, got 1"]


def test_tuple_checks_each_position_against_its_own_type():
    assert check_value(parse_type("tuple([string, number])"), [1, 1]) == ["[0]: expected a string, got number"]


def test_object_missing_required_attribute_is_named():
    assert check_value(parse_type("object({a = string, b = string})"), {"a": "x"}) == ["missing required attribute 'b'"]


def test_object_missing_optional_attribute_is_fine():
    assert check_value(parse_type("object({a = optional(string)})"), {}) == []


def test_object_unknown_attribute_is_named():
    assert check_value(parse_type("object({a = string})"), {"a": "x", "zz": 1}) == ["unknown attribute 'zz'"]


def test_nested_object_errors_carry_the_full_path():
    spec = parse_type("object({disks = list(object({size = number}))})")
    assert check_value(spec, {"disks": [{"size": 1}, {}]}) == ["disks[1]: missing required attribute 'size'"]


def test_every_error_is_reported_not_only_the_first():
    assert len(check_value(parse_type("list(number)"), ["a", "b"])) == 2


# -- type_label ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("string", "string"),
        ("${list(string)}", "list(string)"),
        ("map( set( number ) )", "map(set(number))"),
        ("tuple([string, bool])", "tuple([string, bool])"),
        ("object({name = string, size = optional(number)})", "object({name=string, size=optional(number)})"),
        ('object({a = optional(list(string), ["x"])})', 'object({a=optional(list(string), ["x"])})'),
        ('object({"my key" = string})', 'object({"my key"=string})'),
        ("object({a = optional(object({b = number}), {b = 1})})", "object({a=optional(object({b=number}), {b=1})})"),
    ],
)
def test_type_label_renders_terraform_syntax(text, label):
    assert type_label(parse_type(text)) == label


def test_type_label_parses_back_to_the_same_spec():
    spec = parse_type('object({a = optional(map(string), {"k 1" = "v"}), b = tuple([bool, any]), c = set(number)})')
    assert parse_type(type_label(spec)) == spec


def test_spec_survives_a_json_round_trip():
    spec = parse_type("object({a = optional(number, 1.5), b = list(string)})")
    assert json.loads(json.dumps(spec)) == spec


def test_unknown_kind_in_a_stored_spec_raises():
    with pytest.raises(TypeExpressionError, match="unknown type kind"):
        type_label({"kind": "date"})
