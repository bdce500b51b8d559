"""Sample data at a heavy rep's size (issue 18): a realistic daily list, and the worst case."""

from __future__ import annotations

import pytest

from relationship_crm.services import sample_data, sample_words

DAY = "2026-11-23"


def _overdue(cli, db) -> int:
    rows = cli("today", "--date", DAY, "--format", "json", db=db).json()
    return sum(1 for r in rows if r["overdue"])


def test_a_big_book_has_a_few_hundred_overdue_and_the_worst_case_a_fifth(cli, tmp_path):
    real, worst = tmp_path / "real.sqlite3", tmp_path / "worst.sqlite3"
    for db, extra in ((real, ()), (worst, ("--worst-case",))):
        done = cli(
            "sample-data", "--contacts", "3000", "--today", DAY, "--seed", "7", *extra, db=db
        )
        assert done.code == 0, done.err
    # 3,000 contacts make about 3,150 follow-ups: a fifth overdue is about 570.
    assert 150 <= _overdue(cli, real) <= sample_words.FU_CAPS["overdue"] * 1.3
    assert _overdue(cli, worst) >= 450


@pytest.mark.parametrize("contacts", [1, 150, 600])
def test_a_small_book_keeps_its_proportions(contacts):
    assert sample_data.follow_up_weights(contacts) == sample_words.FU_WEIGHTS


@pytest.mark.parametrize("contacts", [2_000, 100_000, 1_000_000])
def test_the_capped_shares_stay_under_their_caps_and_the_rest_is_done(contacts):
    weights = dict(zip(sample_words.FU_KINDS, sample_data.follow_up_weights(contacts), strict=True))
    total = sum(weights.values())
    follow_ups = contacts * 1.05  # FOLLOW_UPS_PER_CONTACT: 0, 1 or 2, 1.05 on average
    for kind, cap in sample_words.FU_CAPS.items():
        assert weights[kind] >= 1
        assert follow_ups * weights[kind] / total <= cap * 1.01
    assert weights["soon"] / total == pytest.approx(0.30)  # the shares that are not capped stay
