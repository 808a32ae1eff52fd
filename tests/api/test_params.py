"""Request Structs are filled as Mastodon (Rails) reads parameters: the spellings of a
boolean, blank form fields, ``a[]`` arrays and nested ``b[c]`` objects."""

from __future__ import annotations

import msgspec
import pytest

from roost.api.errors import ApiError
from roost.api.pagination import PageParams, read_page
from roost.api.params import Params, parse_input


class Example(msgspec.Struct, kw_only=True):
    flag: bool = False
    maybe: bool | None = None
    limit: int | None = None
    name: str | None = None
    ids: list[str] = []
    fields: list[dict[str, str]] | dict[str, dict[str, str]] | None = None


def _parse(**values: object) -> Example:
    result = parse_input(Params(dict(values), {}), Example)
    assert isinstance(result, Example)
    return result


@pytest.mark.parametrize("spelling", ["true", "1", "on", "yes", "t", "TRUE", True])
def test_rails_spellings_of_true(spelling: object) -> None:
    assert _parse(flag=spelling).flag is True


@pytest.mark.parametrize("spelling", ["false", "0", "off", "no", "f", False])
def test_rails_spellings_of_false(spelling: object) -> None:
    assert _parse(flag=spelling, maybe=spelling).maybe is False


def test_anything_else_is_not_a_boolean() -> None:
    with pytest.raises(ApiError) as refused:
        _parse(flag="banana")
    assert refused.value.status == 422
    assert refused.value.details is not None
    assert "flag" in refused.value.details


def test_a_blank_field_is_absent_unless_the_parameter_is_text() -> None:
    parsed = _parse(limit="", flag="", maybe="", name="")
    assert (parsed.limit, parsed.flag, parsed.maybe, parsed.name) == (None, False, None, "")


def test_arrays_come_in_every_shape() -> None:
    assert _parse(ids="1").ids == ["1"]
    assert _parse(**{"ids[]": ["1", "2"]}).ids == ["1", "2"]
    assert _parse(ids=["1"]).ids == ["1"]


def test_nested_objects_from_forms_and_json() -> None:
    indexed = _parse(**{"fields[0][name]": "a", "fields[1][name]": "b"})
    assert indexed.fields == [{"name": "a"}, {"name": "b"}]
    keyed = _parse(fields={"0": {"name": "a"}})  # Mastodon's JSON shape: not wrapped in a list
    assert keyed.fields == {"0": {"name": "a"}}


def test_read_page_takes_a_struct_or_transitionally_raw_params() -> None:
    declared = read_page(PageParams(limit=500, max_id="7"), default=20, maximum=40)
    raw = read_page(Params({"limit": "500", "max_id": "7"}, {}), default=20, maximum=40)
    assert declared == raw
    assert (raw.limit, raw.max_id) == (40, 7)
    assert Params({"flag": "on", "ids[]": ["1"]}, {}).get_bool("flag") is True
