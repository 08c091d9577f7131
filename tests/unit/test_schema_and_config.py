import pytest

from shared_features.config import apply_env_overrides, load_config
from shared_features.schema import canonical_column


@pytest.mark.parametrize(("header", "canonical"), [
    ("Monthly Income", "income"),
    ("net_income", "income"),
    ("SALARY", "income"),
    ("Spending", "expenses"),
    ("outgoings", "expenses"),
    ("Debt Payments", "debt_payments"),
    ("Liquid-Savings", "liquid_savings"),
    ("Total Debt", "total_debt"),
    ("credit limit", "credit_limit"),
    ("Missed Payments", "missed_payments"),
    ("Person ID", "person_id"),
    ("\ufeffMonth", "month"),
    ("favourite colour", None),
])
def test_header_synonyms(header, canonical):
    assert canonical_column(header) == canonical


def test_env_overrides_nested_values_and_types(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[data]\nn_people = 10\nname = "x"\n[limits]\nmax = 1.5\n')
    env = {"T__DATA__N_PEOPLE": "20000", "T__LIMITS__MAX": "2.5", "T__DATA__NAME": "plain text",
           "T__NEW__FLAG": "true", "OTHER__DATA__N_PEOPLE": "1"}
    config = load_config(path, "T", env)
    assert config == {"data": {"n_people": 20000, "name": "plain text"},
                      "limits": {"max": 2.5}, "new": {"flag": True}}


def test_env_override_does_not_mutate_the_input():
    config = {"a": {"b": 1}}
    apply_env_overrides(config, "P", {"P__A__B": "2"})
    assert config == {"a": {"b": 1}}


def test_env_override_into_a_value_is_refused():
    with pytest.raises(ValueError, match="is a value, not a section"):
        apply_env_overrides({"a": 1}, "P", {"P__A__B": "2"})


def test_string_settings_keep_the_variables_text():
    config = apply_env_overrides({"api": {"key": "", "port": 1}}, "P",
                                 {"P__API__KEY": "1e3", "P__API__PORT": "8000"})
    assert config == {"api": {"key": "1e3", "port": 8000}}
