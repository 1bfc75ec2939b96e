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


def test_what_the_address_cannot_give_is_left_out_and_said():
    from dashboard.state import _decode_checked

    iso = date.fromisoformat
    assert _decode_checked(["9999-12-31"], None, multi=False, kind=iso) == (None, ["9999-12-31"])
    assert _decode_checked(["0001-01-01", "2026-03-05"], None, multi=False, kind=iso) == (
        date(2026, 3, 5), ["0001-01-01"])
    assert _decode_checked(["1", "2", "x"], [1, 2, 3], multi=False, kind=None) == (1, ["x", "2"]), "one choice"
    assert _decode_checked(["-1", "1" * 30], [1, 2], multi=True, kind=None) == ([], ["-1", "1" * 30])
    assert _decode_checked(["9" * 5000], None, multi=False, kind=int) == (None, ["9" * 5000])
    assert _decode_checked(["ja"], None, multi=False, kind=bool) == (None, ["ja"])
