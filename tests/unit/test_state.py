"""Reading choices back from the address: only known values, with their real types."""

from datetime import date

from dashboard.state import _decode, _encode


def test_values_from_the_address_become_the_options_they_name():
    assert _decode(["2", "x", "1"], [1, 2, 3], multi=True, kind=None) == [2, 1]
    assert _decode(["i_gang"], ["planlagt", "i_gang"], multi=False, kind=None) == "i_gang"
    assert _decode(["gammel"], ["planlagt"], multi=False, kind=None) is None


def test_booleans_and_dates_round_trip():
    assert _decode([_encode(True)], None, multi=False, kind=bool) is True
    assert _decode([_encode(False)], None, multi=False, kind=bool) is False
    assert _decode(["ja"], None, multi=False, kind=bool) is None
    assert _decode([_encode(date(2026, 3, 5))], None, multi=False, kind=date.fromisoformat) == date(2026, 3, 5)
    assert _decode(["05.03.2026"], None, multi=False, kind=date.fromisoformat) is None
