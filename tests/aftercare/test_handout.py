"""mesocourse.aftercare.handout: the dated PDF handout holds the right text and refuses missing or bad details."""

from datetime import date

import pytest
from pypdf import PdfReader

from mesocourse.aftercare.handout import handout
from mesocourse.aftercare.model import aftercare


def pdf_text(path) -> str:
    """The PDF's text with line breaks and repeated spaces folded, so wrapped sentences can be matched."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_handout_pdf_holds_the_dated_text(tmp_path):
    """The PDF is written where asked, has one or two pages, and holds clinic, phone, dates and red flags."""
    path = handout("Clinique Sainte-Hélène", "+33 1 23 45 67 89", date(2026, 12, 20), tmp_path / "h.pdf")
    assert path == tmp_path / "h.pdf" and path.stat().st_size > 0
    assert 1 <= len(PdfReader(path).pages) <= 2
    text = pdf_text(path)
    assert "Clinique Sainte-Hélène" in text
    assert "+33 1 23 45 67 89" in text
    assert "Sunday 20 December 2026" in text
    assert "No sauna, steam room, hot bath or swimming until Sunday 3 January 2027" in text
    assert "Do not put makeup on the treated area until Tuesday 22 December 2026" in text
    assert "Yellow discharge or pus" in text
    assert "Difficulty breathing" in text
    assert "Lumps that do not get better with ordinary antibiotics" in text
    assert "up to 29 weeks later (until about Sunday 11 July 2027)" in text


def test_handout_default_path_is_named_after_clinic_and_date(tmp_path, monkeypatch):
    """Without a path the PDF lands in the current folder, named after the clinic and the date."""
    monkeypatch.chdir(tmp_path)
    path = handout(clinic_name="Clinique Hélène", phone="01 23 45 67 89", treatment_date="2026-11-22")
    assert path == tmp_path / "aftercare-clinique-helene-2026-11-22.pdf"
    assert path.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"clinic_name": "   "}, "clinic's name"),
        ({"clinic_name": None}, "clinic's name"),
        ({"phone": None}, "phone number"),
        ({"phone": ""}, "phone number"),
        ({"phone": "call us"}, "does not look like a phone number"),
        ({"treatment_date": "22/11/2026"}, "not a date in the form YEAR-MONTH-DAY"),
        ({"treatment_date": None}, "treatment date"),
        ({"treatment_date": 20261122}, "treatment date must be a date"),
        ({"path": "handout.txt"}, "must end in .pdf"),
    ],
)
def test_handout_refuses_missing_or_bad_details(tmp_path, arguments, message):
    """A missing clinic name or phone, a bad date or a wrong file type is a ValueError with a plain message."""
    good = {
        "clinic_name": "Clinic",
        "phone": "0123456789",
        "treatment_date": "2026-11-22",
        "path": tmp_path / "h.pdf",
    }
    with pytest.raises(ValueError, match=message):
        handout(**{**good, **arguments})
    assert not (tmp_path / "h.pdf").exists()


def test_handout_has_the_urgent_pathways(tmp_path):
    """SAF-1/SAF-2: the handout lists vascular and spreading-infection signs (urgent) and vision change (emergency)."""
    text = pdf_text(handout("Clinic", "0123456789", date(2026, 12, 20), tmp_path / "h.pdf"))
    for sign in (
        "Skin turning pale or white",
        "dusky grey-blue",
        "Pain far stronger than expected",
        "Fever or chills",
        "Red streaks",
        "Redness that spreads fast",
        "Any change in vision after an injection in the face",
    ):
        assert sign in text, sign
    assert "if you cannot reach us straight away, get urgent medical care now" in text


def test_handout_names_every_urgency_level_as_the_data_does(tmp_path):
    """Each urgency level that has warning signs appears on the handout with the data's symbol and label."""
    text = pdf_text(handout("Clinic", "0123456789", date(2026, 12, 20), tmp_path / "h.pdf"))
    for name in {flag.urgency for flag in aftercare().red_flags}:
        assert aftercare().urgency_levels[name].title in text, name


def test_handout_is_kept_until_the_end_of_the_late_window(tmp_path):
    """SAF-3: the patient keeps the sheet until the last reported day of late infection, not 'until healed'."""
    text = pdf_text(handout("Clinic", "0123456789", date(2026, 12, 20), tmp_path / "h.pdf"))
    assert "keep this sheet until at least Sunday 11 July 2027" in text
    assert "until your skin has fully healed" not in text


def test_handout_counters_home_remedies_and_self_treated_pain(tmp_path):
    """SAF-4: no tea bags or vinegar, no aspirin or ibuprofen of one's own, strong pain means a call."""
    text = pdf_text(handout("Clinic", "0123456789", date(2026, 12, 20), tmp_path / "h.pdf"))
    assert "no tea bags, vinegar or home-made compresses" in text
    assert "do not start aspirin, ibuprofen" in text
    assert "Keep taking every medicine your doctor prescribed" in text
