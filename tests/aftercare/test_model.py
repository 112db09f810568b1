"""mesocourse.aftercare.model: consistent timeline data, the call lookup and the dated handout instructions."""

import copy
from datetime import date, datetime

import pytest

from mesocourse.aftercare.model import (
    AFTERCARE_FILE,
    AFTERCARE_SCHEMA,
    COMPLICATIONS_FILE,
    COMPLICATIONS_SCHEMA,
    Duration,
    UnknownSymptom,
    advice_for,
    aftercare,
    check_call_answer,
    complications,
    handout_instructions,
    long_date,
    parse_aftercare,
    parse_treatment_date,
    urgency_levels,
)
from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import load_bank
from mesocourse.references import resolve

LAST_DAY_CHECKED = 400


def raw_aftercare() -> dict:
    """A private copy of the parsed YAML, safe to break in a test."""
    return copy.deepcopy(load_asset(AFTERCARE_FILE, AFTERCARE_SCHEMA))


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


# --- the data -------------------------------------------------------------------------------------------------


def test_no_instruction_ends_before_it_starts():
    """Every aftercare item ends (or lasts until healed) no earlier than it starts."""
    for item in aftercare().items:
        assert item.end is None or item.end.hours >= item.start.hours, item.id


def test_course_choice_is_never_shorter_than_the_longest_source():
    """Where sources disagree, the course keeps the longer, safer time and says why."""
    ranged = [item for item in aftercare().items if item.sources_say]
    assert len(ranged) >= 5
    for item in ranged:
        assert item.sources_say.shortest.hours <= item.sources_say.longest.hours, item.id
        assert item.end.hours >= item.sources_say.longest.hours, item.id
        assert item.choice, f"{item.id} has a range but no reason for the course's choice"


def test_the_issue_list_of_instructions_is_covered():
    """The instructions the course promised are all there, with the course's times."""
    data = aftercare()
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
    keys = all_reference_keys(load_asset(AFTERCARE_FILE, AFTERCARE_SCHEMA))
    keys += all_reference_keys(load_asset(COMPLICATIONS_FILE, COMPLICATIONS_SCHEMA))
    assert len(keys) > 50
    for key in set(keys):
        assert resolve(key)["citation"]


def test_every_complication_has_a_source_now_necrosis_is_sourced():
    """Necrosis is sourced from the safety fact base (HAS lists skin necroses after mesotherapy), like every entry."""
    assert all(entry["references"] for entry in complications()["uncommon"])
    necrosis = next(entry for entry in complications()["uncommon"] if entry["id"] == "necrosis")
    assert "ref-A18" in necrosis["references"] and "urgent" in necrosis["description"].lower()


def test_late_window_agrees_between_the_two_files():
    """The timeline's late-infection window is the onset in the complications data (1-12 weeks, 3 days-29 weeks)."""
    late = aftercare().red_flag("late-infection")
    onset = complications()["mycobacteria"]["onset"]
    assert [late.from_day, late.to_day] == onset["reported_range_days"]
    assert [late.typical_from_day, late.typical_to_day] == [7 * week for week in onset["typical_weeks"]]


def test_symptom_windows_cover_every_day_exactly_once():
    """For every symptom, each day from 0 on falls in exactly one advice window."""
    for symptom in aftercare().symptoms:
        for day in range(LAST_DAY_CHECKED):
            assert sum(window.covers(day) for window in symptom.windows) == 1, (symptom.id, day)


def test_a_gap_between_windows_is_refused_with_its_place():
    """A window that starts late (a gap) is an AssetError naming the symptom and window."""
    raw = raw_aftercare()
    raw["symptoms"][0]["windows"][1]["from_day"] += 2
    with pytest.raises(AssetError, match=r"symptom 'swelling', window 2: starts on day 6, expected day 4"):
        parse_aftercare(raw)


def test_an_item_ending_before_it_starts_is_refused():
    """An end earlier than the start is an AssetError naming the item."""
    raw = raw_aftercare()
    raw["items"][0]["start"] = {"amount": 5, "unit": "days"}
    with pytest.raises(AssetError, match=r"item 'cold-compress': it ends \(3 days\) before it starts"):
        parse_aftercare(raw)


def test_a_scenario_with_an_unknown_symptom_is_refused():
    """A practice call naming a symptom the lookup does not know is an AssetError."""
    raw = raw_aftercare()
    raw["call_scenarios"][0]["symptom"] = "hiccups"
    with pytest.raises(AssetError, match=r"call scenario 1: unknown symptom 'hiccups'"):
        parse_aftercare(raw)


def test_outbreak_numbers_match_their_labels():
    """The French outbreak's count and total give the 15.2% attack rate its label states."""
    france = next(o for o in complications()["outbreaks"] if o["place"] == "France")
    assert f"{100 * france['count'] / france['out_of']:.1f}%" in france["how_many"]
    assert len(complications()["outbreaks"]) == 10


# --- the call lookup ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "symptom", "urgency"),
    [
        (1, "swelling", "expected"),
        (3, "redness", "expected"),
        (6, "redness", "call"),
        (5, "bruising", "expected"),
        (20, "bruising", "routine"),
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
    assert advice_for(day, symptom).urgency == urgency


def test_pus_and_allergy_signs_are_never_expected():
    """Pus, spreading pain, rash or breathing trouble are never 'expected', whatever the day."""
    for symptom in ("pus", "spreading-pain", "rash-or-hives", "breathing-difficulty", "lumps"):
        for day in range(LAST_DAY_CHECKED):
            assert advice_for(day, symptom).urgency != "expected", (symptom, day)


def test_late_lumps_point_to_mycobacteria_with_sources():
    """Lumps weeks later name atypical mycobacterial infection and cite the onset sources."""
    advice = advice_for(35, "lumps")
    assert "mycobacterial" in advice.staff
    assert {"ref-30", "ref-42"} <= set(advice.references)
    assert "mesotherapy" in advice.tell


def test_symptom_is_found_by_its_label_too():
    """Staff may pass the label as shown in the dropdown, in any case."""
    assert advice_for(2, "  BRUISING ").symptom == "bruising"
    assert advice_for(2, "Yellow discharge or pus").symptom == "pus"


def test_unknown_symptom_lists_the_known_ones():
    """An unknown symptom is a plain error that lists every symptom the lookup knows."""
    with pytest.raises(UnknownSymptom) as problem:
        advice_for(3, "fever")
    message = str(problem.value)
    assert "Unknown symptom 'fever'" in message
    for symptom in aftercare().symptoms:
        assert symptom.id in message


@pytest.mark.parametrize("day", [-1, 2.5, "3", None, True])
def test_bad_day_is_refused_plainly(day):
    """A day before the treatment or not a whole number gives a ValueError saying what a day is."""
    with pytest.raises(ValueError, match="day"):
        advice_for(day, "swelling")


def test_check_call_answer_follows_the_lookup():
    """For every practice call, the right urgency is the lookup's and any other is wrong."""
    for scenario in aftercare().scenarios:
        right = advice_for(scenario.day, scenario.symptom).urgency
        for urgency in aftercare().urgency_order:
            assert check_call_answer(scenario, urgency)[0] == (urgency == right)


# --- dates for the handout ------------------------------------------------------------------------------------


def test_end_dates_cross_month_and_year_ends():
    """A 2-week rule from 20 December ends on 3 January; 48 hours from 30 December ends on 1 January."""
    data = aftercare()
    assert data.item("no-heat-or-swimming").end_date(date(2026, 12, 20)) == date(2027, 1, 3)
    assert data.item("no-makeup").end_date(date(2026, 12, 30)) == date(2027, 1, 1)
    assert data.item("no-massage-or-devices").end_date(date(2026, 1, 30)) == date(2026, 2, 2)
    assert data.item("no-exercise").end_date(date(2028, 2, 27)) == date(2028, 2, 29)
    assert data.item("keep-clean").end_date(date(2026, 12, 20)) is None


def test_part_days_round_up():
    """6 hours counts as a whole day on the calendar, 48 hours as two: the patient never stops too early."""
    assert Duration(6, "hours").calendar_days == 1
    assert Duration(48, "hours").calendar_days == 2
    assert Duration(2, "weeks").calendar_days == 14


def test_long_date_is_english_with_weekday():
    """Dates print as 'Sunday 6 December 2026' whatever the machine's language."""
    assert long_date(date(2026, 12, 6)) == "Sunday 6 December 2026"
    assert long_date(date(2027, 1, 3)) == "Sunday 3 January 2027"


def test_handout_instructions_are_dated_sentences():
    """Each instruction becomes a sentence with its end date, or 'until healed' words."""
    lines = handout_instructions("2026-11-22")
    assert "No sauna, steam room, hot bath or swimming until Sunday 6 December 2026." in lines
    assert "Do not put makeup on the treated area until Tuesday 24 November 2026." in lines
    assert any("until the injection points have healed" in line for line in lines)
    assert not any("{until}" in line for line in lines)


@pytest.mark.parametrize("value", [date(2026, 12, 20), datetime(2026, 12, 20, 15, 30), "2026-12-20", " 2026-12-20 "])
def test_treatment_date_accepts_dates_and_iso_text(value):
    """A date, a datetime or an ISO text all give the same treatment date."""
    assert parse_treatment_date(value) == date(2026, 12, 20)


# --- the quiz -------------------------------------------------------------------------------------------------


def test_quiz_numbers_are_the_data_numbers():
    """The numbers the quiz asks are the ones in the data, so the figure and the quiz cannot drift apart."""
    bank = load_bank("05-aftercare-and-complications")
    data = aftercare()
    assert len(bank.questions) >= 12
    assert bank.question("makeup-hours").answer == data.item("no-makeup").end.hours
    assert bank.question("late-window-weeks").answer == data.red_flag("late-infection").to_day // 7
    ends = data.item("no-heat-or-swimming").end_date(date(2026, 12, 20))
    assert bank.question("handout-date-across-year").answer == ends.day and ends.month == 1


# One answer everywhere (issue "one answer everywhere", clinical review KEY-4): a question about one call keys the
# level the lookup gives for that day and symptom, and names no other level in a wrong option.
QUIZ_CALLS = {
    "day-two-swelling": (2, "swelling"),
    "emergency-signs": (0, "breathing-difficulty"),
    "pale-patch-urgency": (0, "skin-pale-or-dusky"),
    "late-dark-patch-urgency": (42, "skin-colour-change"),
}


@pytest.mark.parametrize("question_id", sorted(QUIZ_CALLS))
def test_quiz_urgency_keys_are_the_lookup_levels(question_id):
    """The right option names the lookup's level for that call; no wrong option names it."""
    day, symptom = QUIZ_CALLS[question_id]
    label = {level.name: level.label for level in urgency_levels()}[advice_for(day, symptom).urgency].lower()
    options = load_bank("05-aftercare-and-complications").question(question_id).options
    assert [label in option.text.lower() for option in options] == [option.correct for option in options], (
        f"quiz question {question_id!r} does not key the lookup's level {label!r} for day {day}, {symptom}"
    )


# The options of the select-all "Call the clinic today" question, as calls the lookup answers.
CALL_TODAY_OPTIONS = {
    "Yellow discharge or pus": (2, "pus"),
    "Redness that is still there on day 6": (6, "redness"),
    "Pain that gets worse or spreads": (3, "spreading-pain"),
    "An itchy rash and hives": (3, "rash-or-hives"),
    "A small bruise on day 4": (4, "bruising"),
    "A temperature of 38.5": (2, "fever-or-unwell"),
    "A red line running up the leg": (4, "spreading-redness"),
    "A patch near the injections turning white": (1, "skin-pale-or-dusky"),
}


def test_call_the_clinic_today_is_keyed_by_the_lookup():
    """An option is right exactly when the lookup says "call": fever, red streaks and pale skin are urgent, now."""
    options = load_bank("05-aftercare-and-complications").question("call-the-clinic-signs").options
    for option in options:
        start = next((s for s in CALL_TODAY_OPTIONS if option.text.startswith(s)), None)
        assert start, f"option {option.text!r} is not tied to the lookup"
        day, symptom = CALL_TODAY_OPTIONS[start]
        assert option.correct == (advice_for(day, symptom).urgency == "call"), option.text
    assert len(options) == len(CALL_TODAY_OPTIONS)


def test_quiz_aftercare_times_are_the_course_choices():
    """The sauna key is the course's time, and each day-10 option is right exactly when its item lasts past day 10."""
    bank = load_bank("05-aftercare-and-complications")
    data = aftercare()
    sauna = next(o for o in bank.question("sauna-course-choice").options if o.correct)
    assert sauna.text.startswith(data.item("no-heat-or-swimming").end.text())
    day_10_items = {
        "Avoid strong sun": "sun-protection",
        "No sauna": "no-heat-or-swimming",
        "No peels": "no-peels-or-laser",
        "No makeup": "no-makeup",
        "No massage": "no-massage-or-devices",
    }
    options = bank.question("still-applies-day-10").options
    assert len(options) == len(day_10_items)
    for option in options:
        item = data.item(next(i for start, i in day_10_items.items() if option.text.startswith(start)))
        assert option.correct == (item.end.days > 10), option.text


def test_skin_disinfection_is_not_keyed_as_outbreak_prevention():
    """KEY-5: the prevention data says the outbreaks came from water, equipment and vials; module 02's key agrees."""
    rule = next(r for r in complications()["prevention"] if r["id"] == "disinfect-skin")
    assert "water, equipment and vials" in " ".join(rule["why"].split()) and "ref-G3" in rule["references"]
    options = load_bank("02-the-procedure").question("asepsis-practices").options
    skin = [option for option in options if "skin" in option.text.lower()]
    assert skin and not any(option.correct for option in skin)


def test_home_compresses_are_answered_in_the_data_the_handout_prints():
    """SAF-4: only a clean cold pack or ice in a clean cloth; home remedies are countered with sources, not a seed."""
    data = aftercare()
    cold = data.item("cold-compress")
    assert "ice wrapped in a clean cloth" in cold.handout and "ice wrapped in a clean cloth" in cold.why
    assert {"ref-47f", "ref-kybella-faq"} <= set(cold.references)
    nothing = data.item("nothing-else-on-the-skin")
    assert "no source supports them" in " ".join(nothing.why.split())
    assert {"ref-47h", "ref-F9"} <= set(nothing.references)


def test_the_vision_emergency_is_taught_with_the_allergy_emergency():
    """A change in vision after a facial injection is an emergency in the lookup and in the quiz's explanation."""
    assert advice_for(0, "vision-change").urgency == "emergency"
    explanation = load_bank("05-aftercare-and-complications").question("emergency-signs").explanation
    assert "vision" in explanation and "emergency" in explanation


# --- urgent pathways (clinical review SAF-1, SAF-2, NUM-10) ---------------------------------------------------


@pytest.mark.parametrize(
    ("day", "symptom", "urgency"),
    [
        (0, "skin-pale-or-dusky", "urgent"),
        (2, "skin-pale-or-dusky", "urgent"),
        (0, "skin-colour-change", "urgent"),
        (3, "skin-colour-change", "urgent"),
        (42, "skin-colour-change", "routine"),
        (0, "severe-pain", "urgent"),
        (5, "severe-pain", "urgent"),
        (0, "vision-change", "emergency"),
        (1, "fever-or-unwell", "urgent"),
        (40, "fever-or-unwell", "urgent"),
        (4, "spreading-redness", "urgent"),
        (2, "sepsis-signs", "emergency"),
    ],
)
def test_vascular_and_spreading_infection_signs_are_urgent(day, symptom, urgency):
    """Pale or dusky skin, early severe pain, fever, fast-spreading redness: urgent; vision change: emergency."""
    assert advice_for(day, symptom).urgency == urgency


def test_a_colour_change_on_the_day_is_not_a_booked_check():
    """SAF-1: a patch turning pale or dark on the treatment day is not 'we will book you a check' (the old advice)."""
    advice = advice_for(0, "skin-colour-change")
    assert advice.urgency == "urgent"
    assert "book you a check" not in advice.tell
    assert "blood" in advice.staff and "ref-A1" in advice.references


def test_pigment_change_weeks_later_stays_routine():
    """A painless darker or lighter patch weeks later is a booked check, not an urgent call."""
    advice = advice_for(42, "skin-colour-change")
    assert advice.urgency == "routine" and "book you a check" in advice.tell


def test_urgent_tells_the_patient_what_to_do_if_the_clinic_cannot_be_reached():
    """Every urgent answer gives the patient a way to urgent care now, never 'we will book you'."""
    for symptom in aftercare().symptoms:
        for window in symptom.windows:
            if window.urgency == "urgent":
                assert "now" in window.tell and "book" not in window.tell, symptom.id
            if window.urgency == "emergency":
                assert "emergency" in window.tell.lower(), symptom.id


def test_the_urgency_levels_are_one_ordered_list_in_the_data():
    """The data lists five levels, least urgent first, each with a symbol the handout font can print."""
    from fontTools.ttLib import TTFont

    from mesocourse.pdf import FONT_BOLD, FONT_REGULAR

    levels = urgency_levels()
    assert [level.name for level in levels] == ["expected", "routine", "call", "urgent", "emergency"]
    assert aftercare().urgency_order == tuple(level.name for level in levels)
    assert len({level.label for level in levels}) == len({level.symbol for level in levels}) == len(levels)
    for font in (FONT_REGULAR, FONT_BOLD):
        glyphs = TTFont(font).getBestCmap()
        for level in levels:
            assert all(ord(character) in glyphs for character in level.symbol), (level.name, font)


def test_an_unknown_urgency_in_a_window_is_refused_with_its_place():
    """A window naming an urgency that is not in urgency_levels is an AssetError naming the symptom and window."""
    raw = raw_aftercare()
    raw["symptoms"][0]["windows"][1]["urgency"] = "soon"
    with pytest.raises(AssetError, match=r"symptom 'swelling', window 2: unknown urgency 'soon'"):
        parse_aftercare(raw)


def test_every_day_limit_says_why_and_unsourced_ones_say_the_course_chose():
    """NUM-10: each window that ends on a day says why; a day no source gives is marked as the course's choice."""
    for symptom in aftercare().symptoms:
        for window in symptom.windows:
            if window.to_day is not None:
                assert window.limit, symptom.id
                if not window.limit_sourced:
                    assert "course's choice" in window.limit, symptom.id
    advice = advice_for(20, "bruising")
    assert not advice.limit_sourced and "course's choice" in advice.limit


def test_a_window_without_its_limit_is_refused():
    """A bounded window without a `limit` is an AssetError: no unexplained day in the triage."""
    raw = raw_aftercare()
    del raw["symptoms"][0]["windows"][0]["limit"]
    with pytest.raises(AssetError, match=r"symptom 'swelling', window 1: it ends on day 3 but its `limit`"):
        parse_aftercare(raw)


def test_practice_calls_cover_every_urgency_level():
    """The call exercise has at least one call for each urgency level, including urgent and routine."""
    used = {advice_for(s.day, s.symptom).urgency for s in aftercare().scenarios}
    assert used == set(aftercare().urgency_order)


def test_home_remedies_painkillers_and_arnica_are_countered():
    """SAF-4: the seed's tea bags, vinegar and 'some analgesics' are answered in the aftercare, with sources."""
    data = aftercare()
    pain = data.item("pain-relief")
    assert "ref-E2" in pain.references and "Keep taking every medicine" in pain.handout
    remedies = data.item("nothing-else-on-the-skin")
    assert "tea bags" in remedies.handout and "seed-003" in remedies.references
    assert "ref-E3" in data.item("moisturise").references


def test_low_quality_only_safety_points_are_said_as_reported():
    """A clinic-safety point that only a low-quality (L) source gives is marked or worded as reported."""
    for topic in complications()["clinic_safety"]:
        for point in topic["points"]:
            if all(resolve(key).get("weight") == "L" for key in point["references"]):
                assert point.get("reported") or "reported" in point["text"], (topic["id"], point["text"][:40])


def test_clinic_safety_covers_the_review_topics():
    """Anaphylaxis readiness, outbreak response, injector reprocessing and late follow-up are taught from data."""
    topics = {topic["id"]: topic for topic in complications()["clinic_safety"]}
    assert {"anaphylaxis-readiness", "outbreak-response", "injector-reprocessing", "late-follow-up"} <= set(topics)
    readiness = " ".join(p["text"] for p in topics["anaphylaxis-readiness"]["points"])
    assert "adrenaline" in readiness and "anyone" in readiness and "weekly" in readiness
    outbreak = " ".join(p["text"] for p in topics["outbreak-response"]["points"])
    for step in ("Stop using", "batch", "Report"):
        assert step in outbreak
    guns = " ".join(p["text"] for p in topics["injector-reprocessing"]["points"])
    assert "tubing" in guns and "tap water" in guns
