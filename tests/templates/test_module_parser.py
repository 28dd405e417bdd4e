import json
import textwrap

import pytest

from service.templates.module_parser import ModuleInterface, ModuleParseError, parse_module


@pytest.fixture
def module(tmp_path):
    """A function writing files into a fresh module directory, returning that directory."""
    directory = tmp_path / "mod"
    directory.mkdir()

    def write(**files: str):
        for name, text in files.items():
            (directory / name.replace("__", ".")).write_text(textwrap.dedent(text))
        return directory

    return write


def only_variable(directory):
    (variable,) = parse_module(directory).variables
    return variable


# -- variables -----------------------------------------------------------------------------------------------


def test_variable_without_default_is_required(module):
    variable = only_variable(module(main__tf='variable "name" { type = string }'))
    assert (variable.required, variable.has_default) == (True, False)


def test_variable_with_default_is_not_required(module):
    variable = only_variable(module(main__tf='variable "name" { default = "x" }'))
    assert (variable.required, variable.default) == (False, "x")


def test_null_default_counts_as_a_default(module):
    variable = only_variable(module(main__tf='variable "n" {\n  type = number\n  default = null\n}'))
    assert (variable.required, variable.has_default, variable.default) == (False, True, None)


def test_missing_type_is_any(module):
    variable = only_variable(module(main__tf='variable "x" {}'))
    assert (variable.type, variable.type_spec) == ("any", {"kind": "any"})


def test_type_is_parsed_and_normalised(module):
    variable = only_variable(module(main__tf='variable "x" { type = map(list(string)) }'))
    assert variable.type == "map(list(string))"
    assert variable.type_spec == {"kind": "map", "element": {"kind": "list", "element": {"kind": "string"}}}


def test_object_type_with_optional_default_is_parsed(module):
    variable = only_variable(
        module(
            main__tf="""
            variable "disk" {
              type = object({
                size = optional(number, 10)
                "kind" = string
              })
            }
            """
        )
    )
    assert variable.type == "object({size=optional(number, 10), kind=string})"


def test_list_and_object_defaults_are_kept(module):
    directory = module(
        main__tf="""
        variable "l" {
          type    = list(string)
          default = ["a", "b"]
        }
        variable "o" {
          type    = object({name = string, tags = map(string)})
          default = { name = "x", tags = { env = "dev" } }
        }
        """
    )
    defaults = {v.name: v.default for v in parse_module(directory).variables}
    assert defaults == {"l": ["a", "b"], "o": {"name": "x", "tags": {"env": "dev"}}}


def test_scientific_notation_default_is_a_number(module):
    assert only_variable(module(main__tf='variable "n" {\n  type = number\n  default = 2e3\n}')).default == 2000


def test_negative_number_default_is_a_number(module):
    assert only_variable(module(main__tf='variable "n" { default = -3 }')).default == -3


def test_heredoc_description_is_plain_text(module):
    directory = module(
        main__tf="""
        variable "x" {
          description = <<-EOT
            First line
              indented
          EOT
        }
        """
    )
    assert only_variable(directory).description == "First line\n  indented"


def test_description_defaults_to_none(module):
    assert only_variable(module(main__tf='variable "x" {}')).description is None


def test_sensitive_and_nullable_are_read(module):
    directory = module(main__tf='variable "x" {\n  sensitive = true\n  nullable = false\n}')
    variable = only_variable(directory)
    assert (variable.sensitive, variable.nullable) == (True, False)


def test_flags_default_to_not_sensitive_and_nullable(module):
    variable = only_variable(module(main__tf='variable "x" {}'))
    assert (variable.sensitive, variable.nullable) == (False, True)


def test_validation_blocks_do_not_disturb_the_variable(module):
    directory = module(
        main__tf="""
        variable "x" {
          type = string
          validation {
            condition     = length(var.x) > 0
            error_message = "x must not be empty"
          }
        }
        """
    )
    assert only_variable(directory).type == "string"


# -- outputs -------------------------------------------------------------------------------------------------


def test_outputs_are_read_with_description_and_sensitive(module):
    directory = module(
        outputs__tf="""
        output "id" {
          value       = "x"
          description = "The id"
          sensitive   = true
        }
        output "plain" { value = 1 }
        """
    )
    assert [o.to_dict() for o in parse_module(directory).outputs] == [
        {"name": "id", "description": "The id", "sensitive": True},
        {"name": "plain", "description": None, "sensitive": False},
    ]


# -- files ---------------------------------------------------------------------------------------------------


def test_variables_and_outputs_from_all_files_are_sorted_by_name(module):
    directory = module(
        b__tf='variable "zeta" {}\noutput "b" { value = 1 }',
        a__tf='variable "alpha" {}\noutput "a" { value = 1 }',
    )
    interface = parse_module(directory)
    assert [v.name for v in interface.variables] == ["alpha", "zeta"]
    assert [o.name for o in interface.outputs] == ["a", "b"]


def test_tf_json_file_is_read(module):
    document = {
        "variable": {"size": {"type": "list(number)", "default": [1], "description": "Sizes"}},
        "output": {"id": {"value": "x", "sensitive": True}},
    }
    interface = parse_module(module(main__tf__json=json.dumps(document)))
    assert interface.variables[0].to_dict()["type"] == "list(number)"
    assert interface.outputs[0].sensitive is True


def test_tf_json_list_of_block_objects_is_read(module):
    document = {"variable": [{"a": {}}, {"b": {"default": 1}}]}
    assert [v.name for v in parse_module(module(main__tf__json=json.dumps(document))).variables] == ["a", "b"]


def test_tf_json_comment_properties_are_ignored(module):
    document = {"variable": {"//": "a comment", "a": {"//": "another", "default": 1}}}
    assert [v.name for v in parse_module(module(main__tf__json=json.dumps(document))).variables] == ["a"]


def test_subdirectories_are_not_read(module):
    directory = module(main__tf='variable "top" {}')
    (directory / "nested").mkdir()
    (directory / "nested" / "main.tf").write_text('variable "inner" {}')
    assert [v.name for v in parse_module(directory).variables] == ["top"]


def test_files_that_are_not_tf_are_ignored(module):
    directory = module(main__tf='variable "a" {}', README__md="not hcl {", vars__tfvars="a = 1")
    assert [v.name for v in parse_module(directory).variables] == ["a"]


def test_symlinked_tf_file_is_ignored(module, tmp_path):
    outside = tmp_path / "outside.tf"
    outside.write_text('variable "secret" {}')
    directory = module(main__tf='variable "a" {}')
    (directory / "link.tf").symlink_to(outside)
    assert [v.name for v in parse_module(directory).variables] == ["a"]


def test_module_with_only_resources_has_an_empty_interface(module):
    directory = module(main__tf='resource "terraform_data" "x" {}')
    assert parse_module(directory) == ModuleInterface(variables=[], outputs=[])


def test_override_file_merges_into_the_declaration(module):
    directory = module(main__tf='variable "a" { default = 1 }', override__tf='variable "a" { default = 2 }')
    assert only_variable(directory).default == 2


def test_override_of_an_undeclared_variable_raises(module):
    directory = module(main__tf='variable "a" {}', x_override__tf='variable "b" { default = 2 }')
    with pytest.raises(ModuleParseError, match="x_override.tf overrides variable 'b', which is not declared"):
        parse_module(directory)


# -- to_dict -------------------------------------------------------------------------------------------------


def test_variable_to_dict_has_the_documented_keys(module):
    variable = only_variable(module(main__tf='variable "x" { default = [1] }'))
    assert variable.to_dict() == {
        "name": "x",
        "type": "any",
        "type_spec": {"kind": "any"},
        "default": [1],
        "required": False,
        "description": None,
        "sensitive": False,
        "nullable": True,
        "allowed_values": None,
        "rules": None,
    }


def test_validations_the_platform_can_check_become_rules(module):
    variable = only_variable(module(main__tf='''
        variable "name" {
          type = string
          validation {
            condition     = can(regex("^[a-z][a-z0-9-]*$", var.name)) && length(var.name) <= 63
            error_message = "lower case"
          }
          validation {
            condition     = length(var.name) > 2 && startswith(var.name, "x")
            error_message = "long enough"
          }
        }'''))
    assert variable.rules == {"pattern": "^[a-z][a-z0-9-]*$", "max_length": 63, "min_length": 3}


def test_interface_to_dict_is_json_serialisable(module):
    directory = module(main__tf='variable "x" { type = set(string) }\noutput "o" { value = 1 }')
    assert json.loads(json.dumps(parse_module(directory).to_dict()))["outputs"] == [
        {"name": "o", "description": None, "sensitive": False}
    ]


# -- errors --------------------------------------------------------------------------------------------------


def test_directory_without_tf_files_raises_with_its_name_only(tmp_path):
    directory = tmp_path / "empty-module"
    directory.mkdir()
    with pytest.raises(ModuleParseError) as raised:
        parse_module(directory)
    assert str(raised.value) == "no .tf files in empty-module"


def test_missing_directory_raises(tmp_path):
    with pytest.raises(ModuleParseError, match="no .tf files in absent"):
        parse_module(tmp_path / "absent")


def test_hcl_syntax_error_names_the_file_and_one_line_reason(module, tmp_path):
    directory = module(broken__tf='variable "x" {\n  type =\n}\n')
    with pytest.raises(ModuleParseError) as raised:
        parse_module(directory)
    message = str(raised.value)
    assert message.startswith("broken.tf: ") and "line 2" in message
    assert "\n" not in message and str(tmp_path) not in message


def test_unclosed_block_raises(module):
    with pytest.raises(ModuleParseError, match="main.tf: "):
        parse_module(module(main__tf='variable "x" {\n'))


def test_json_syntax_error_names_the_file(module):
    with pytest.raises(ModuleParseError, match="main.tf.json: Expecting"):
        parse_module(module(main__tf__json='{"variable": '))


def test_json_top_level_that_is_not_an_object_raises(module):
    with pytest.raises(ModuleParseError, match="main.tf.json: the top level must be a JSON object"):
        parse_module(module(main__tf__json="[]"))


def test_json_variable_that_is_not_an_object_raises(module):
    with pytest.raises(ModuleParseError, match="variable 'a' must be a JSON object"):
        parse_module(module(main__tf__json='{"variable": {"a": 1}}'))


def test_file_that_is_not_utf8_raises(module):
    directory = module()
    (directory / "main.tf").write_bytes(b'\xff\xfevariable "x" {}')
    with pytest.raises(ModuleParseError, match="main.tf: 'utf-8' codec can't decode"):
        parse_module(directory)


def test_variable_declared_twice_across_files_raises(module):
    directory = module(a__tf='variable "x" {}', b__tf='variable "x" {}')
    with pytest.raises(ModuleParseError, match=r"variable 'x' is declared twice \(b.tf\)"):
        parse_module(directory)


def test_variable_declared_in_tf_and_tf_json_raises(module):
    directory = module(a__tf='variable "x" {}', b__tf__json='{"variable": {"x": {}}}')
    with pytest.raises(ModuleParseError, match="variable 'x' is declared twice"):
        parse_module(directory)


def test_output_declared_twice_raises(module):
    directory = module(main__tf='output "o" { value = 1 }\noutput "o" { value = 2 }')
    with pytest.raises(ModuleParseError, match="output 'o' is declared twice"):
        parse_module(directory)


def test_invalid_type_names_the_variable(module):
    with pytest.raises(ModuleParseError, match="variable 'x': invalid type: unknown type 'strng'"):
        parse_module(module(main__tf='variable "x" { type = strng }'))


@pytest.mark.parametrize(
    ("declaration", "error"),
    [
        ('type = number\n  default = "ten"', "expected a number, got string"),
        ("type = list(string)\n  default = [1]", r"\[0\]: expected a string, got number"),
        ("type = object({a = string})\n  default = {b = 1}", "missing required attribute 'a'"),
        ("type = bool\n  default = 1", "expected a bool, got number"),
    ],
)
def test_default_not_matching_the_type_raises(module, declaration, error):
    with pytest.raises(ModuleParseError, match=f"variable 'x': default does not match type .*: {error}"):
        parse_module(module(main__tf=f'variable "x" {{\n  {declaration}\n}}'))


def test_null_default_with_nullable_false_raises(module):
    directory = module(main__tf='variable "x" {\n  default = null\n  nullable = false\n}')
    with pytest.raises(ModuleParseError, match="null default is not valid when nullable = false"):
        parse_module(directory)


@pytest.mark.parametrize("block", ["variable {\n  default = 1\n}", 'variable "a" "b" {}', "variable {}"])
def test_variable_block_without_exactly_one_label_raises(module, block):
    with pytest.raises(ModuleParseError, match="a variable block needs exactly one label"):
        parse_module(module(main__tf=block))


def test_non_boolean_sensitive_raises(module):
    with pytest.raises(ModuleParseError, match="variable 'x': sensitive must be true or false"):
        parse_module(module(main__tf='variable "x" { sensitive = "yes" }'))


def test_non_string_description_raises(module):
    with pytest.raises(ModuleParseError, match="output 'o': description must be a string"):
        parse_module(module(main__tf__json='{"output": {"o": {"value": 1, "description": 5}}}'))


def test_module_parse_error_is_a_value_error():
    assert issubclass(ModuleParseError, ValueError)


def test_a_contains_validation_gives_the_allowed_values(module):
    variable = only_variable(module(main__tf='''
        variable "size" {
          type = string
          validation {
            condition     = contains(["small", "medium", "large"], var.size)
            error_message = "pick a size"
          }
        }
    '''))
    assert variable.allowed_values == ["small", "medium", "large"]


def test_other_validations_leave_allowed_values_unset(module):
    variable = only_variable(module(main__tf='''
        variable "size" {
          type = number
          validation {
            condition     = var.size > 0
            error_message = "positive"
          }
        }
    '''))
    assert variable.allowed_values is None
