"""Pure parts of the open data: the organisation number setting, CSV cells for lists."""

import io

import polars as pl

from data_access.formats.dcat import parse_orgnr
from data_access.formats.open_data import csv_bytes


def test_orgnr_for_every_plan_or_per_kommune_and_never_a_malformed_one():
    assert parse_orgnr("964950113", "Bamble") == "964950113"
    assert parse_orgnr("Stange=964950113, Bamble=123456789", "bamble") == "123456789"
    assert parse_orgnr("Stange=964950113", "Bamble") is None
    assert parse_orgnr("96495011", "Stange") is None and parse_orgnr("", "Stange") is None
    assert parse_orgnr("Stange=9649501134", "Stange") is None


def test_csv_joins_lists_and_reads_back_utf8():
    frame = pl.DataFrame({"navn": ["Læringsmiljø «tett på»"], "ansvar": [["PPT", "Skole"]]})
    body = csv_bytes(frame)
    assert not body.startswith(b"\xef\xbb\xbf")  # no BOM
    back = pl.read_csv(io.BytesIO(body))
    assert back.row(0) == ("Læringsmiljø «tett på»", "PPT; Skole")
