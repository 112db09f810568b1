"""Item and test statistics with Moodle's definitions: plain numbers in, numbers and plain-word flags out.

No nbgrader, no plotting: a `Cohort` is each learner's marks per question (first attempts only, as Moodle's
statistics report uses) and the options they chose, so every figure here can be checked by hand.

Per question (Moodle: question/classes/statistics/questions/calculator.php)
  * facility index          mean mark / maximum mark;
  * standard deviation      of the mark as a share of the maximum, sample (n - 1) form;
  * discrimination index    correlation between the question's marks and the marks on the rest of the test;
  * discriminative efficiency  covariance(question, rest) / the largest covariance those two sets of marks could
                            have (both sorted and paired), so a question is judged against what it could reach;
  * per option (choice questions)  its share of learners and its own discrimination: whether choosing it goes
                            with doing well on the rest. A wrong option the strong pick points at a key or a stem.
For the test (Moodle: mod/quiz/report/statistics/classes/calculator.php)
  * coefficient of internal consistency (Cronbach's alpha) = k/(k-1) * (1 - sum of question variances / total
    variance), error ratio = sqrt(1 - alpha), standard error of measurement = error ratio * SD of total marks.
Moodle shows these as percentages; here they are fractions (0.45 is Moodle's 45%).
"""

import math
from dataclasses import dataclass, field

# Thresholds behind each flag, from Moodle's quiz statistics documentation (its bands, as fractions).
TOO_EASY = 0.90  # facility 90% and above: "very easy" to "extremely easy"
TOO_HARD = 0.20  # facility 20% and below: "difficult" to "extremely difficult or something wrong"
WEAK_DISCRIMINATION = 0.20  # discrimination index below 20%: "very weak"; below 0: "probably invalid"
LOW_EFFICIENCY = 0.15  # discriminative efficiency below 15%: Moodle marks the question as dubious
# A wrong option whose own discrimination is above this attracts the learners who do well (0.10, not 0, so that
# rounding noise around 0 is not a flag).
STRONG_DISTRACTOR = 0.10
ALPHA_UNSATISFACTORY = 0.64  # below 64% "the test as a whole is unsatisfactory"
ALPHA_SATISFACTORY = 0.75  # above 75% "satisfactory"
MIN_LEARNERS = 5  # fewer learners than this: every flag is only a hint
MASTERED = 0.8  # share of an objective's points that counts as mastered (the course's pass mark)


@dataclass(frozen=True)
class Item:
    """One question as the statistics need it: its id, points, objective and, for choice questions, key and options."""

    item_id: str
    max_mark: float
    objective: str = ""
    options: str = ""  # the option letters of a choice question ("ABCD"), "" for a number question
    key: frozenset = frozenset()  # the right option letters of a choice question


@dataclass
class Cohort:
    """First-attempt marks (points, per learner and question) and the option letters each learner chose."""

    items: list[Item]
    marks: dict[str, dict[str, float]]
    choices: dict[str, dict[str, frozenset]] = field(default_factory=dict)

    @property
    def learners(self) -> list[str]:
        """Learners in a stable order."""
        return sorted(self.marks)

    def mark(self, learner: str, item_id: str) -> float:
        """A learner's mark on one question (0 when missing)."""
        return self.marks[learner].get(item_id, 0.0)

    def total(self, learner: str) -> float:
        """A learner's total over the questions analysed."""
        return sum(self.mark(learner, item.item_id) for item in self.items)

    @property
    def max_total(self) -> float:
        """The points the questions analysed are worth."""
        return sum(item.max_mark for item in self.items)


def mean(values: list[float]) -> float | None:
    """Arithmetic mean, or None for no values."""
    return sum(values) / len(values) if values else None


def variance(values: list[float]) -> float | None:
    """Sample variance (n - 1), as Moodle uses; None below two values."""
    if len(values) < 2:
        return None
    centre = sum(values) / len(values)
    return sum((value - centre) ** 2 for value in values) / (len(values) - 1)


def covariance(xs: list[float], ys: list[float]) -> float | None:
    """Sample covariance (n - 1); None below two pairs."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation, or None when either list does not vary (nothing to correlate)."""
    var_x, var_y = variance(xs), variance(ys)
    if not var_x or not var_y:
        return None
    return covariance(xs, ys) / math.sqrt(var_x * var_y)


def efficiency(xs: list[float], ys: list[float]) -> float | None:
    """Covariance over the largest covariance the same values could reach (both sorted); None when that is 0."""
    best = covariance(sorted(xs), sorted(ys))
    if not best:
        return None
    return covariance(xs, ys) / best


def median(values: list[float]) -> float | None:
    """The middle value (mean of the two middle ones for an even count)."""
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(values) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Flag:
    """A plain-word warning with the number behind it and the threshold it crossed."""

    label: str
    value: float
    threshold: float
    advice: str

    def __str__(self):
        return f"{self.label} ({number(self.value)}, threshold {number(self.threshold)}): {self.advice}"


def number(value: float | None) -> str:
    """A statistic as shown: two decimals, whole numbers without them, a dash when there is none."""
    if value is None:
        return "-"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


@dataclass
class OptionStats:
    """One option of a choice question: share of learners who chose it and its own discrimination."""

    letter: str
    is_key: bool
    share: float
    chosen_by: int
    discrimination: float | None


@dataclass
class QuestionStats:
    """Moodle's statistics of one question, and its flags."""

    item: Item
    learners: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    options: list[OptionStats] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


@dataclass
class AssignmentStats:
    """Moodle's statistics of the test as a whole, and its flags."""

    learners: int
    questions: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None
    flags: list[Flag] = field(default_factory=list)


def question_statistics(cohort: Cohort, item: Item) -> QuestionStats:
    """Facility, SD, discrimination index, discriminative efficiency and option statistics of one question."""
    learners = cohort.learners
    marks = [cohort.mark(learner, item.item_id) for learner in learners]
    rest = [cohort.total(learner) - cohort.mark(learner, item.item_id) for learner in learners]
    spread = variance([mark / item.max_mark for mark in marks]) if item.max_mark else None
    stats = QuestionStats(
        item,
        len(learners),
        facility=mean(marks) / item.max_mark if marks and item.max_mark else None,
        sd=math.sqrt(spread) if spread is not None else None,
        discrimination=correlation(marks, rest),
        efficiency=efficiency(marks, rest),
    )
    for letter in item.options:
        chose = [
            1.0 if letter in cohort.choices.get(learner, {}).get(item.item_id, ()) else 0.0 for learner in learners
        ]
        stats.options.append(
            OptionStats(
                letter,
                letter in item.key,
                share=mean(chose) or 0.0,
                chosen_by=int(sum(chose)),
                discrimination=correlation(chose, rest),
            )
        )
    stats.flags = question_flags(stats)
    return stats


def question_flags(stats: QuestionStats) -> list[Flag]:
    """Plain-word flags of one question, each with its number and threshold."""
    flags = []
    if stats.facility is not None and stats.facility >= TOO_EASY:
        flags.append(Flag("too easy", stats.facility, TOO_EASY, "nearly everyone gets it, so it tells nobody apart"))
    if stats.facility is not None and stats.facility <= TOO_HARD:
        flags.append(Flag("too hard", stats.facility, TOO_HARD, "check the key, the wording and the teaching"))
    if stats.discrimination is not None and stats.discrimination < 0:
        flags.append(
            Flag("strong learners miss it", stats.discrimination, 0.0, "those who do well elsewhere get it wrong more")
        )
    elif stats.discrimination is not None and stats.discrimination < WEAK_DISCRIMINATION:
        flags.append(
            Flag("does not discriminate", stats.discrimination, WEAK_DISCRIMINATION, "it barely goes with the rest")
        )
    # Moodle's own "dubious" mark; said once, when the discrimination index has not already said it.
    if not flags or flags[-1].label not in ("strong learners miss it", "does not discriminate"):
        if stats.efficiency is not None and stats.efficiency < LOW_EFFICIENCY:
            flags.append(
                Flag("low discriminative efficiency", stats.efficiency, LOW_EFFICIENCY, "far below what it could reach")
            )
    keys = [option for option in stats.options if option.is_key]
    for option in stats.options:
        if len(keys) == 1 and not option.is_key and option.share > keys[0].share:
            flags.append(
                Flag(
                    f"distractor {option.letter} chosen more than the key",
                    option.share,
                    keys[0].share,
                    f"more learners chose {option.letter} than the key {keys[0].letter}: check both",
                )
            )
        attracts = option.discrimination is not None and option.discrimination > STRONG_DISTRACTOR
        if not option.is_key and attracts and option.chosen_by >= 2:
            flags.append(
                Flag(
                    f"distractor {option.letter} chosen by the strong",
                    option.discrimination,
                    STRONG_DISTRACTOR,
                    f"{option.chosen_by} learners chose it, mostly those who do well: check the key and the stem",
                )
            )
    return flags


def assignment_statistics(cohort: Cohort) -> AssignmentStats:
    """Mean, median, SD, Cronbach's alpha, error ratio and standard error of the whole test (in points)."""
    totals = [cohort.total(learner) for learner in cohort.learners]
    total_variance = variance(totals)
    k = len(cohort.items)
    alpha = error_ratio = standard_error = None
    item_variances = [
        variance([cohort.mark(learner, item.item_id) for learner in cohort.learners]) for item in cohort.items
    ]
    # Moodle computes the coefficient from three attempts and two questions on, and only when totals vary.
    if k > 1 and len(totals) > 2 and total_variance:
        alpha = k / (k - 1) * (1 - sum(item_variances) / total_variance)
        if alpha <= 1:
            error_ratio = math.sqrt(1 - alpha)
            standard_error = error_ratio * math.sqrt(total_variance)
    stats = AssignmentStats(
        learners=len(totals),
        questions=k,
        max_total=cohort.max_total,
        mean=mean(totals),
        median=median(totals),
        sd=math.sqrt(total_variance) if total_variance is not None else None,
        alpha=alpha,
        error_ratio=error_ratio,
        standard_error=standard_error,
    )
    stats.flags = assignment_flags(stats)
    return stats


def assignment_flags(stats: AssignmentStats) -> list[Flag]:
    """Flags of the whole test: internal consistency below Moodle's two levels, and a small cohort."""
    flags = []
    if stats.alpha is not None and stats.alpha < ALPHA_UNSATISFACTORY:
        flags.append(
            Flag("alpha below 0.64", stats.alpha, ALPHA_UNSATISFACTORY, "the test as a whole is unsatisfactory")
        )
    elif stats.alpha is not None and stats.alpha < ALPHA_SATISFACTORY:
        flags.append(
            Flag("alpha below 0.75", stats.alpha, ALPHA_SATISFACTORY, "satisfactory from 0.75: review weak questions")
        )
    if stats.learners < MIN_LEARNERS:
        flags.append(Flag("few learners", stats.learners, MIN_LEARNERS, "treat every flag as a hint"))
    return flags


@dataclass
class ObjectiveMastery:
    """One learning objective: the cohort's share of its points, and each learner's."""

    objective: str
    questions: list[str]
    max_mark: float
    cohort: float | None
    learners: dict[str, float] = field(default_factory=dict)

    @property
    def not_mastered(self) -> list[str]:
        """Learners below the mastery mark on this objective."""
        return sorted(learner for learner, share in self.learners.items() if share < MASTERED)


def objective_mastery(cohort: Cohort) -> list[ObjectiveMastery]:
    """Per objective (in the order questions first name them): share of its points earned, cohort and per learner."""
    groups: dict[str, list[Item]] = {}
    for item in cohort.items:
        groups.setdefault(item.objective or "(no objective given)", []).append(item)
    found = []
    for objective, items in groups.items():
        maximum = sum(item.max_mark for item in items)
        per_learner = {
            learner: sum(cohort.mark(learner, item.item_id) for item in items) / maximum
            for learner in cohort.learners
            if maximum
        }
        found.append(
            ObjectiveMastery(
                objective, [item.item_id for item in items], maximum, mean(list(per_learner.values())), per_learner
            )
        )
    return found
