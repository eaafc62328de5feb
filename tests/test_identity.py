"""Identities are compared in one normal form (issue 12)."""

from __future__ import annotations

import unicodedata

import pytest

import mentormatch as mm
from mentormatch.errors import DuplicateIdError

NFC, NFD = unicodedata.normalize("NFC", "Zoë"), unicodedata.normalize("NFD", "Zoë")


def test_ids_differing_only_by_case_are_refused() -> None:
    with pytest.raises(DuplicateIdError, match="'R1' and mentor id 'r1' differ only by case"):
        mm.Cohort(mentees=[mm.Mentee(id="e1", supervisors=["R1"])],
                  mentors=[mm.Mentor(id="R1"), mm.Mentor(id="r1")])
    with pytest.raises(DuplicateIdError, match="mentee id 'Ann' and mentor id 'ann'"):
        mm.Cohort(mentees=[mm.Mentee(id="Ann")], mentors=[mm.Mentor(id="ann")])


def test_the_same_id_in_both_roles_is_one_person() -> None:
    c = mm.Cohort(mentees=[mm.Mentee(id="p1", topics=["qi"])],
                  mentors=[mm.Mentor(id="p1", topics=["qi"])])
    assert c.is_forbidden("p1", "p1")  # never their own mentor


def test_unicode_spellings_of_one_id_are_one_id() -> None:
    assert NFC != NFD
    c = mm.Cohort(mentees=[mm.Mentee(id="e1", topics=["qi"], supervisors=[NFD])],
                  mentors=[mm.Mentor(id=NFC, topics=["qi"]), mm.Mentor(id="r2", topics=["qi"])],
                  locked=[("e1", "r2")], forbidden=[("e1", NFD)])
    assert c.mentor_ids[0] == NFC
    assert c.is_forbidden("e1", NFC)
    result = mm.match(c)
    assert NFC not in result.mentors_of("e1")
    with pytest.raises(DuplicateIdError, match="appears 2 times"):
        mm.Cohort(mentees=[mm.Mentee(id=NFC), mm.Mentee(id=NFD)], mentors=[])


def test_a_huge_duplicate_id_gives_a_short_message() -> None:
    huge = "x" * 1_000_000
    with pytest.raises(DuplicateIdError) as info:
        mm.Cohort(mentees=[mm.Mentee(id=huge), mm.Mentee(id=huge)], mentors=[])
    assert len(str(info.value)) < 200 and "1000000 characters" in str(info.value)
