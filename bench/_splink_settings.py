"""The Splink baseline of ``./kasane bench match``: settings a competent Splink user would write
for Japanese person registers (every choice explained in docs/matching.md, "Splink baseline").

- Input (``bench.match.splink_table``, untimed): Kasane's normalized keys (NFKC, kana folding,
  異体字, digits-only phones, addresses to the lot), the household members' name keys, the
  record's own name keys, and Kasane's seven blocking keys as columns (keys held by more than
  ``linkage.MAX_BLOCK`` records left empty, as Kasane skips them).
- One comparison per concept, term-frequency adjustments on the exact name levels (common
  surnames such as 佐藤 weigh less than rare ones), a household-aware given-name comparison
  (one record lists the other as a household member; or the given names differ at the same
  address/phone — a parent and child, not one person), Splink's date-of-birth comparison,
  phone, address.
- Blocking on exactly Kasane's keys (``KEY_KINDS``), so both compare the same candidates.
- Training: λ from a strict deterministic rule, u by random sampling, m by EM in three
  sessions whose blocking rules leave every comparison trained at least once.
"""

from __future__ import annotations

from typing import Any

BLOCK_COLUMNS = ("k_kn", "k_kj", "k_bf", "k_bg", "k_km", "k_ph", "k_ad")

# duckdb SQL over the pair's _l/_r columns
_LISTED = ("(len(list_intersect(household_l, self_keys_r)) > 0 "
           "OR len(list_intersect(household_r, self_keys_l)) > 0)")
_SAME_HOME = ("((address_l IS NOT NULL AND address_l = address_r) "
              "OR (phone_l IS NOT NULL AND phone_l = phone_r))")
_GIVEN_DIFFER = ("(given_kana_l IS NOT NULL AND given_kana_r IS NOT NULL "
                 "AND jaro_winkler_similarity(given_kana_l, given_kana_r) < 0.88)")


def _family() -> Any:
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    return CustomComparison(
        output_column_name="family",
        comparison_levels=[
            cll.And(cll.NullLevel("family_name"), cll.NullLevel("family_kana")),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("family_kana", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("family_kana", 0.92),
            cll.JaroWinklerLevel("family_kana", 0.85),
            cll.ElseLevel(),
        ],
        comparison_description="氏: 漢字一致 / カナ一致（TF補正） / カナ類似 / 不一致")


def _given() -> Any:
    """Household-aware: listed as the other's household member, or a different given name at
    the same address or phone, are their own levels (strong evidence of two persons)."""
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    return CustomComparison(
        output_column_name="given",
        comparison_levels=[
            cll.And(cll.NullLevel("given_name"), cll.NullLevel("given_kana")),
            # EM alone learns household members as matches (they share surname, address and
            # phone), and random-pair u cannot see that those agreements are correlated within
            # a household; so these two levels get fixed, domain-given m and u (a Bayes
            # factor of about 2^-10 and 2^-8) that offset the shared surname/address/phone.
            cll.CustomLevel(_LISTED, label_for_charts="listed as household member").configure(
                m_probability=0.0005, u_probability=0.5, fix_m_probability=True,
                fix_u_probability=True),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("given_kana", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("given_kana", 0.92),
            cll.CustomLevel(f"{_GIVEN_DIFFER} AND {_SAME_HOME}",
                            label_for_charts="different given name, same home").configure(
                m_probability=0.002, u_probability=0.5, fix_m_probability=True,
                fix_u_probability=True),
            cll.JaroWinklerLevel("given_kana", 0.85),
            cll.ElseLevel(),
        ],
        comparison_description="名: 世帯員として記載 / 一致（TF補正） / 類似 / 同じ住所・電話で別の名 / 不一致")


def settings() -> Any:
    """The ``SettingsCreator`` of the baseline (dedupe of one register)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            _family(),
            _given(),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("address", [2]),
        ],
        blocking_rules_to_generate_predictions=[block_on(c) for c in BLOCK_COLUMNS],
        retain_intermediate_calculation_columns=False,
    )


def train(linker: Any) -> None:
    """λ, u and m as a careful user estimates them (docs/matching.md)."""
    from splink import block_on

    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("family_kana", "given_kana", "birth_date")], recall=0.8)
    training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    # each session leaves the comparisons of its blocking columns untrained; together they
    # train every comparison: (birth, family) → given, phone, address; (family, given) →
    # birth, phone, address; (birth, given) → family.
    training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_date", "family_kana"))
    training.estimate_parameters_using_expectation_maximisation(
        block_on("family_kana", "given_kana"))
    training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_date", "given_kana"))
