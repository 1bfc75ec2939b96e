"""Oversikt's cards: one per status in use, summing to the total."""

import polars as pl

from data_access.reads.tiltak import status_counts


def test_status_counts_cover_every_status_in_use_and_sum_to_total():
    frame = pl.DataFrame({
        "status_label": ["I gang", "I gang", "Avsluttet", "Under revidering", "Planlagt", "I gang"],
        "status_order": [3, 3, 5, 4, 2, 3]})
    counts = status_counts(frame)
    assert counts == [("Planlagt", 1), ("I gang", 3), ("Under revidering", 1), ("Avsluttet", 1)]
    assert sum(n for _, n in counts) == frame.height
    assert status_counts(frame.clear()) == []
