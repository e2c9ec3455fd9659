"""Labour Law article 149: the employer's housing obligations (docs/rules.md §3.3).

Given a workshop — how many workers, whether a workers' housing co-operative exists, and
whether it is "large" — list the obligations with the article's text in Persian (the
official text, ``wages.article149.text``) and English (our translation):

* with a housing co-operative: cooperate with it;
* without one: cooperate directly with the workers who lack housing;
* a large workshop: also build organisational housing near the workshop or elsewhere;
* note 1: the government's duty to help (bank facilities, the housing ministry,
  municipalities) — an obligation of the government, listed so the employer sees it;
* note 2: how much each party contributes, and which large workshops are covered, is left
  to a bylaw.

"Large" is not defined in the article: note 2 leaves it to a bylaw whose text we did not
find, so the threshold is a policy figure (``wages.article149.large_workshop_min_workers``,
``assumed``) that a caller may override by saying whether the workshop is large. The
monthly housing allowance of the wage decision (a separate duty, Supreme Labour Council) is
shown beside it, for every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.errors import InvalidInput, PolicyError

P = "wages.article149"
REF = "Labour Law (1369/08/29), article 149 and its notes"
MAX_WORKERS = 10_000_000


@dataclass(frozen=True)
class Workshop:
    workers: int
    housing_cooperative: bool
    large: bool | None = None  # None: decide by the policy threshold

    def __post_init__(self) -> None:
        w = self.workers
        if isinstance(w, bool) or not isinstance(w, int) or not 1 <= w <= MAX_WORKERS:
            raise InvalidInput(
                "article149.workers",
                f"تعداد کارگران باید عدد صحیح مثبت باشد: {w!r}",
                f"The number of workers must be a positive whole number: {w!r}",
                field="workers",
            )


@dataclass(frozen=True)
class Obligation:
    code: str
    party: str  # employer | government | bylaw
    applies: bool
    text_fa: str
    text_en: str
    basis: str  # which part of the article


@dataclass(frozen=True)
class Article149:
    workers: int
    housing_cooperative: bool
    large: bool
    large_by: str  # "input" or the threshold parameter
    large_threshold_workers: int
    obligations: tuple[Obligation, ...]
    article_fa: str
    article_en: str
    note1_fa: str
    note1_en: str
    note2_fa: str
    note2_en: str
    housing_allowance_rial: int | None
    housing_allowance_total_rial: int | None


def employer_obligations(
    policy: PolicyReader, workshop: Workshop, *, on: date
) -> Decision[Article149]:
    """The obligations of article 149 for ``workshop`` on ``on`` (outcome ``obligations``)."""
    usage = Usage()
    text: Any = usage.use(policy.resolve(f"{P}.text", on))
    threshold_r = policy.resolve(f"{P}.large_workshop_min_workers", on)
    threshold = int(threshold_r.value)
    if workshop.large is None:
        usage.add(threshold_r.provenance)
        large = workshop.workers >= threshold
        large_by = f"{P}.large_workshop_min_workers"
    else:
        large = workshop.large
        large_by = "input"

    coop = workshop.housing_cooperative
    obligations = (
        Obligation(
            "employer.cooperate_with_cooperative",
            "employer",
            coop,
            "همکاری لازم با تعاونی مسکن کارگران برای تأمین خانه‌های شخصی مناسب.",
            "Cooperate as needed with the workers' housing co-operative to provide suitable "
            "personal homes.",
            "article 149",
        ),
        Obligation(
            "employer.cooperate_directly",
            "employer",
            not coop,
            "در نبود تعاونی مسکن، همکاری مستقیم با کارگران فاقد مسکن برای تأمین خانه‌های "
            "شخصی مناسب.",
            "With no housing co-operative, cooperate directly with the workers who lack "
            "housing to provide suitable personal homes.",
            "article 149",
        ),
        Obligation(
            "employer.build_organisational_housing",
            "employer",
            large,
            "احداث خانه‌های سازمانی در جوار کارگاه یا محل مناسب دیگر (کارگاه بزرگ).",
            "Build organisational housing near the workshop or at another suitable place "
            "(large workshops).",
            "article 149",
        ),
        Obligation(
            "government.support",
            "government",
            True,
            str(text["note1_fa"]),
            str(text["note1_en"]),
            "note 1",
        ),
        Obligation(
            "bylaw.terms",
            "bylaw",
            True,
            str(text["note2_fa"]),
            str(text["note2_en"]),
            "note 2",
        ),
    )

    allowance: int | None
    try:
        allowance = int(usage.use(policy.resolve("wages.housing_allowance", on)))
    except PolicyError:
        allowance = None  # no wage decision recorded for that date
    total = None if allowance is None else allowance * workshop.workers

    reasons = [
        Reason(
            "article149.cooperative",
            "تعاونی مسکن کارگران وجود دارد؛ کارفرما باید با آن همکاری کند."
            if coop
            else "تعاونی مسکن وجود ندارد؛ کارفرما باید مستقیماً با کارگران فاقد مسکن همکاری کند.",
            "A workers' housing co-operative exists: the employer must cooperate with it."
            if coop
            else "There is no housing co-operative: the employer must cooperate directly with "
            "the workers who lack housing.",
            passed=True,
            reference=REF,
        ),
        Reason(
            "article149.large",
            (
                f"کارگاه با {workshop.workers:,} کارگر "
                + ("بزرگ" if large else "بزرگ نیست")
                + (
                    f" (آستانه فرضی {threshold:,} کارگر)"
                    if large_by != "input"
                    else " (به گفته شما)"
                )
                + ("؛ احداث خانه سازمانی الزامی است." if large else ".")
            ),
            (
                f"The workshop of {workshop.workers:,} workers is "
                + ("large" if large else "not large")
                + (
                    f" (assumed threshold {threshold:,} workers)"
                    if large_by != "input"
                    else " (as you stated)"
                )
                + (": it must build organisational housing." if large else ".")
            ),
            passed=True,
            parameter=large_by if large_by != "input" else None,
            reference=REF,
        ),
    ]
    if allowance is not None and total is not None:
        reasons.append(
            Reason(
                "article149.housing_allowance",
                f"جدا از ماده ۱۴۹، حق مسکن ماهانه {allowance:,} ریال برای هر کارگر (جمعاً "
                f"{total:,} ریال در ماه) پرداخت می‌شود.",
                f"Apart from article 149, the monthly housing allowance of {allowance:,} rial "
                f"is paid to every worker ({total:,} rial a month in all).",
                passed=True,
                parameter="wages.housing_allowance",
                reference="Supreme Labour Council wage decision (docs/rules.md §3.1)",
            )
        )
    value = Article149(
        workers=workshop.workers,
        housing_cooperative=coop,
        large=large,
        large_by=large_by,
        large_threshold_workers=threshold,
        obligations=obligations,
        article_fa=str(text["article_fa"]),
        article_en=str(text["article_en"]),
        note1_fa=str(text["note1_fa"]),
        note1_en=str(text["note1_en"]),
        note2_fa=str(text["note2_fa"]),
        note2_en=str(text["note2_en"]),
        housing_allowance_rial=allowance,
        housing_allowance_total_rial=total,
    )
    return Decision(
        outcome="obligations",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=usage.warnings(),
    )
