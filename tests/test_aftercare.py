"""mesocourse.aftercare: consistent timeline data, the call lookup, dated handouts, the figure and the widgets."""

import copy
import html
from datetime import date, datetime

import pytest
from matplotlib.colors import to_rgba
from pypdf import PdfReader

from mesocourse import aftercare as ac
from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import load_bank
from mesocourse.figures import make_figure, png_bytes
from mesocourse.references import resolve

LAST_DAY_CHECKED = 400


def raw_aftercare() -> dict:
    """A private copy of the parsed YAML, safe to break in a test."""
    return copy.deepcopy(load_asset(ac.AFTERCARE_FILE, ac.AFTERCARE_SCHEMA))


def all_reference_keys(node) -> list[str]:
    """Every key in every `references` list, however deep."""
    keys = []
    if isinstance(node, dict):
        for name, value in node.items():
            keys.extend(value if name == "references" else all_reference_keys(value))
    elif isinstance(node, list):
        for value in node:
            keys.extend(all_reference_keys(value))
    return keys


def pdf_text(path) -> str:
    """The PDF's text with line breaks and repeated spaces folded, so wrapped sentences can be matched."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


# --- the data -------------------------------------------------------------------------------------------------


def test_no_instruction_ends_before_it_starts():
    """Every aftercare item ends (or lasts until healed) no earlier than it starts."""
    for item in ac.aftercare().items:
        assert item.end is None or item.end.hours >= item.start.hours, item.id


def test_course_choice_is_never_shorter_than_the_longest_source():
    """Where sources disagree, the course keeps the longer, safer time and says why."""
    ranged = [item for item in ac.aftercare().items if item.sources_say]
    assert len(ranged) >= 5
    for item in ranged:
        assert item.sources_say.shortest.hours <= item.sources_say.longest.hours, item.id
        assert item.end.hours >= item.sources_say.longest.hours, item.id
        assert item.choice, f"{item.id} has a range but no reason for the course's choice"


def test_the_issue_list_of_instructions_is_covered():
    """The instructions the course promised are all there, with the course's times."""
    data = ac.aftercare()
    assert data.item("no-makeup").end.hours == 48
    assert data.item("no-exercise").end.hours == 48
    assert data.item("no-heat-or-swimming").end.days == 14
    assert data.item("sun-protection").end.days == 14
    assert data.item("wash-gently").end.days == 1
    assert data.item("keep-clean").until_healed
    for item_id in ("cold-compress", "moisturise", "no-massage-or-devices", "no-peels-or-laser", "hydration"):
        assert data.item(item_id)


def test_every_reference_resolves():
    """Each reference key in the aftercare and complications data is in assets/references.yaml."""
    keys = all_reference_keys(load_asset(ac.AFTERCARE_FILE, ac.AFTERCARE_SCHEMA))
    keys += all_reference_keys(load_asset(ac.COMPLICATIONS_FILE, ac.COMPLICATIONS_SCHEMA))
    assert len(keys) > 50
    for key in set(keys):
        assert resolve(key)["citation"]


def test_only_the_unsourced_complication_has_no_reference():
    """Necrosis is the one entry without a source, and it is marked as such rather than silently cited."""
    unsourced = [entry["id"] for entry in ac.complications()["uncommon"] if not entry["references"]]
    assert unsourced == ["necrosis"]
    assert ac.complications()["uncommon"][-1].get("sourced") is False


def test_late_window_agrees_between_the_two_files():
    """The timeline's late-infection window is the onset in the complications data (1-12 weeks, 3 days-29 weeks)."""
    late = ac.aftercare().red_flag("late-infection")
    onset = ac.complications()["mycobacteria"]["onset"]
    assert [late.from_day, late.to_day] == onset["reported_range_days"]
    assert [late.typical_from_day, late.typical_to_day] == [7 * week for week in onset["typical_weeks"]]


def test_symptom_windows_cover_every_day_exactly_once():
    """For every symptom, each day from 0 on falls in exactly one advice window."""
    for symptom in ac.aftercare().symptoms:
        for day in range(LAST_DAY_CHECKED):
            assert sum(window.covers(day) for window in symptom.windows) == 1, (symptom.id, day)


def test_a_gap_between_windows_is_refused_with_its_place():
    """A window that starts late (a gap) is an AssetError naming the symptom and window."""
    raw = raw_aftercare()
    raw["symptoms"][0]["windows"][1]["from_day"] += 2
    with pytest.raises(AssetError, match=r"symptom 'swelling', window 2: starts on day 6, expected day 4"):
        ac.parse_aftercare(raw)


def test_an_item_ending_before_it_starts_is_refused():
    """An end earlier than the start is an AssetError naming the item."""
    raw = raw_aftercare()
    raw["items"][0]["start"] = {"amount": 5, "unit": "days"}
    with pytest.raises(AssetError, match=r"item 'cold-compress': it ends \(3 days\) before it starts"):
        ac.parse_aftercare(raw)


def test_a_scenario_with_an_unknown_symptom_is_refused():
    """A practice call naming a symptom the lookup does not know is an AssetError."""
    raw = raw_aftercare()
    raw["call_scenarios"][0]["symptom"] = "hiccups"
    with pytest.raises(AssetError, match=r"call scenario 1: unknown symptom 'hiccups'"):
        ac.parse_aftercare(raw)


def test_outbreak_numbers_match_their_labels():
    """The French outbreak's count and total give the 15.2% attack rate its label states."""
    france = next(o for o in ac.complications()["outbreaks"] if o["place"] == "France")
    assert f"{100 * france['count'] / france['out_of']:.1f}%" in france["how_many"]
    assert len(ac.complications()["outbreaks"]) == 10


# --- the call lookup ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "symptom", "urgency"),
    [
        (1, "swelling", "expected"),
        (3, "redness", "expected"),
        (6, "redness", "call"),
        (5, "bruising", "expected"),
        (20, "bruising", "call"),
        (0, "itching", "expected"),
        (4, "itching", "call"),
        (2, "pus", "call"),
        (0, "breathing-difficulty", "emergency"),
        (35, "lumps", "call"),
        (60, "not-healing-on-antibiotics", "call"),
        (1, "spreading-pain", "call"),
    ],
)
def test_advice_by_day_and_symptom(day, symptom, urgency):
    """The lookup gives the urgency the course teaches for this day and symptom."""
    assert ac.advice_for(day, symptom).urgency == urgency


def test_pus_and_allergy_signs_are_never_expected():
    """Pus, spreading pain, rash or breathing trouble are never 'expected', whatever the day."""
    for symptom in ("pus", "spreading-pain", "rash-or-hives", "breathing-difficulty", "lumps"):
        for day in range(LAST_DAY_CHECKED):
            assert ac.advice_for(day, symptom).urgency != "expected", (symptom, day)


def test_late_lumps_point_to_mycobacteria_with_sources():
    """Lumps weeks later name atypical mycobacterial infection and cite the onset sources."""
    advice = ac.advice_for(35, "lumps")
    assert "mycobacterial" in advice.staff
    assert {"ref-30", "ref-42"} <= set(advice.references)
    assert "mesotherapy" in advice.tell


def test_symptom_is_found_by_its_label_too():
    """Staff may pass the label as shown in the dropdown, in any case."""
    assert ac.advice_for(2, "  BRUISING ").symptom == "bruising"
    assert ac.advice_for(2, "Yellow discharge or pus").symptom == "pus"


def test_unknown_symptom_lists_the_known_ones():
    """An unknown symptom is a plain error that lists every symptom the lookup knows."""
    with pytest.raises(ac.UnknownSymptom) as problem:
        ac.advice_for(3, "fever")
    message = str(problem.value)
    assert "Unknown symptom 'fever'" in message
    for symptom in ac.aftercare().symptoms:
        assert symptom.id in message


@pytest.mark.parametrize("day", [-1, 2.5, "3", None, True])
def test_bad_day_is_refused_plainly(day):
    """A day before the treatment or not a whole number gives a ValueError saying what a day is."""
    with pytest.raises(ValueError, match="day"):
        ac.advice_for(day, "swelling")


def test_advice_html_says_urgency_in_words_and_sources():
    """The advice box shows the urgency as a word and symbol, what to tell, and the written-out sources."""
    text = ac.advice_html(ac.advice_for(0, "breathing-difficulty"))
    assert "⚠ Emergency" in text
    assert "Tell the patient:" in text
    assert "HAS" in text  # ref-5 written out


# --- dates and the handout ------------------------------------------------------------------------------------


def test_end_dates_cross_month_and_year_ends():
    """A 2-week rule from 20 December ends on 3 January; 48 hours from 30 December ends on 1 January."""
    data = ac.aftercare()
    assert data.item("no-heat-or-swimming").end_date(date(2026, 12, 20)) == date(2027, 1, 3)
    assert data.item("no-makeup").end_date(date(2026, 12, 30)) == date(2027, 1, 1)
    assert data.item("no-massage-or-devices").end_date(date(2026, 1, 30)) == date(2026, 2, 2)
    assert data.item("no-exercise").end_date(date(2028, 2, 27)) == date(2028, 2, 29)
    assert data.item("keep-clean").end_date(date(2026, 12, 20)) is None


def test_part_days_round_up():
    """6 hours counts as a whole day on the calendar, 48 hours as two: the patient never stops too early."""
    assert ac.Duration(6, "hours").calendar_days == 1
    assert ac.Duration(48, "hours").calendar_days == 2
    assert ac.Duration(2, "weeks").calendar_days == 14


def test_long_date_is_english_with_weekday():
    """Dates print as 'Sunday 6 December 2026' whatever the machine's language."""
    assert ac.long_date(date(2026, 12, 6)) == "Sunday 6 December 2026"
    assert ac.long_date(date(2027, 1, 3)) == "Sunday 3 January 2027"


def test_handout_instructions_are_dated_sentences():
    """Each instruction becomes a sentence with its end date, or 'until healed' words."""
    lines = ac.handout_instructions("2026-11-22")
    assert "No sauna, steam room, hot bath or swimming until Sunday 6 December 2026." in lines
    assert "Do not put makeup on the treated area until Tuesday 24 November 2026." in lines
    assert any("until the injection points have healed" in line for line in lines)
    assert not any("{until}" in line for line in lines)


@pytest.mark.parametrize("value", [date(2026, 12, 20), datetime(2026, 12, 20, 15, 30), "2026-12-20", " 2026-12-20 "])
def test_treatment_date_accepts_dates_and_iso_text(value):
    """A date, a datetime or an ISO text all give the same treatment date."""
    assert ac.parse_treatment_date(value) == date(2026, 12, 20)


def test_handout_pdf_holds_the_dated_text(tmp_path):
    """The PDF is written where asked, has one or two pages, and holds clinic, phone, dates and red flags."""
    path = ac.handout("Clinique Sainte-Hélène", "+33 1 23 45 67 89", date(2026, 12, 20), tmp_path / "h.pdf")
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
    path = ac.handout(clinic_name="Clinique Hélène", phone="01 23 45 67 89", treatment_date="2026-11-22")
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
        ac.handout(**{**good, **arguments})
    assert not (tmp_path / "h.pdf").exists()


# --- the figure -----------------------------------------------------------------------------------------------


def test_timeline_is_a_registered_figure_with_alt_text():
    """The timeline is available by name and its alt text names every instruction and the late window."""
    figure, alt = make_figure("aftercare_timeline", {})
    assert png_bytes(figure).startswith(b"\x89PNG")
    for item in ac.aftercare().items:
        assert item.title in alt
    assert "week 29" in alt and "weeks 1 to 12" in alt


def test_timeline_marks_a_chosen_day():
    """With highlight_day the figure draws a dashed line and says so in the alt text."""
    figure, alt = ac.timeline_figure(highlight_day=35)
    dashed = [line for axes in figure.axes for line in axes.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1
    assert "day 35" in alt


def test_timeline_is_readable_in_grey_scale():
    """Every filled bar is a shade of grey, so nothing depends on colour; hatches tell the kinds apart."""
    figure, _ = ac.timeline_figure()
    patches = [patch for axes in figure.axes for patch in axes.patches]
    assert len(patches) > 20
    for patch in patches:
        red, green, blue, _ = to_rgba(patch.get_facecolor())
        assert red == pytest.approx(green) == pytest.approx(blue), patch
    assert len({patch.get_hatch() for patch in patches}) >= 4


# --- the widgets ----------------------------------------------------------------------------------------------


def test_advice_explorer_updates_when_day_or_symptom_changes():
    """Changing the day and symptom shows the matching advice at once."""
    explorer = ac.AdviceExplorer()
    assert "✔ Expected" in explorer.output.value
    explorer.symptom.value = "lumps"
    explorer.day.value = 35
    assert "☎ Call the clinic" in explorer.output.value
    assert "mycobacterial" in explorer.output.value


def test_check_call_answer_follows_the_lookup():
    """For every practice call, the right urgency is the lookup's and any other is wrong."""
    for scenario in ac.aftercare().scenarios:
        right = ac.advice_for(scenario.day, scenario.symptom).urgency
        for urgency in ac.URGENCY_ORDER:
            assert ac.check_call_answer(scenario, urgency)[0] == (urgency == right)


def test_call_exercise_checks_and_moves_on():
    """Choosing and checking gives feedback and the advice; Next shows the next call with no answer chosen."""
    exercise = ac.CallExercise()
    first = exercise.scenario
    exercise.check_button.click()
    assert "Please choose" in exercise.feedback.value
    exercise.choice.value = ac.advice_for(first.day, first.symptom).urgency
    exercise.check_button.click()
    assert "Correct" in exercise.feedback.value and "Tell the patient" in exercise.feedback.value
    assert exercise.correct_first_try == 1
    exercise.next_button.click()
    assert exercise.scenario == ac.aftercare().scenarios[1]
    assert exercise.choice.value is None and exercise.feedback.value == ""
    assert "Call 2 of" in exercise.call.value


def test_call_exercise_wrong_answer_shows_the_right_one():
    """A wrong urgency is marked wrong, the right urgency is named, and it does not count as right first time."""
    exercise = ac.CallExercise()
    exercise.position = 3  # the day-0 emergency call
    exercise._show_call()
    exercise.choice.value = "expected"
    exercise.check_button.click()
    assert "Not quite" in exercise.feedback.value and "Emergency" in exercise.feedback.value
    exercise.choice.value = "emergency"
    exercise.check_button.click()
    assert exercise.correct_first_try == 0


def test_handout_maker_writes_the_pdf_and_offers_a_download(tmp_path):
    """Filling the form and pressing the button writes the PDF and shows a download link and the dates."""
    maker = ac.HandoutMaker(output_dir=tmp_path)
    maker.clinic.value = "Clinique Sainte-Hélène"
    maker.phone.value = "+33 1 23 45 67 89"
    maker.treatment_date.value = date(2026, 12, 20)
    maker.make_button.click()
    assert maker.last_path is not None and maker.last_path.parent == tmp_path
    assert "Download the handout" in maker.output.value
    assert "Sunday 3 January 2027" in maker.output.value
    assert "Sunday 3 January 2027" in pdf_text(maker.last_path)


def test_handout_maker_says_what_is_missing(tmp_path):
    """A blank clinic name or no date gives a plain message and no file."""
    maker = ac.HandoutMaker(output_dir=tmp_path)
    maker.phone.value = "0123456789"
    maker.make_button.click()
    assert "clinic's name" in html.unescape(maker.output.value)
    maker.clinic.value = "Clinic"
    maker.treatment_date.value = None
    maker.make_button.click()
    assert "treatment date" in html.unescape(maker.output.value)
    assert list(tmp_path.iterdir()) == []


# --- tables and the quiz --------------------------------------------------------------------------------------


def test_outbreaks_table_lists_every_outbreak_with_its_source():
    """Each outbreak appears with its place and reference key."""
    table = ac.outbreaks_table_html()
    for outbreak in ac.complications()["outbreaks"]:
        assert outbreak["references"][0] in table
    assert table.count("<tr>") == len(ac.complications()["outbreaks"]) + 1


def test_complications_table_marks_necrosis_as_unsourced():
    """The table says plainly that necrosis has no source in the fact base."""
    assert "no source in the course's fact base" in html.unescape(ac.complications_table_html())


def test_quiz_numbers_are_the_data_numbers():
    """The numbers the quiz asks are the ones in the data, so the figure and the quiz cannot drift apart."""
    bank = load_bank("05-aftercare-and-complications")
    data = ac.aftercare()
    assert len(bank.questions) >= 12
    assert bank.question("makeup-hours").answer == data.item("no-makeup").end.hours
    assert bank.question("late-window-weeks").answer == data.red_flag("late-infection").to_day // 7
    ends = data.item("no-heat-or-swimming").end_date(date(2026, 12, 20))
    assert bank.question("handout-date-across-year").answer == ends.day and ends.month == 1
