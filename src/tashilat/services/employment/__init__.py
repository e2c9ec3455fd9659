"""Employment-generating loans end to end (docs/rules.md §2): agencies, allocations,
approved categories, agent banks and their monthly SAMAT limits, applications from
submission to settlement, guarantees, the local SAMAT registry. One module per use case;
everything callers use is re-exported here (``employment.submit(...)``).

Limits that many requests compete for are enforced by the database inside the transaction:
allocations and the category/repeat shares by conditional updates under CHECK constraints,
one loan per person by the primary key of ``employment_slots``, the monthly limit by a
conditional update under a CHECK constraint. Reservation then posting, as in two-phase
transfers: introducing reserves, disbursing posts, rejecting or withdrawing releases.
"""

from tashilat.services.employment._common import (
    OPEN_STATES,
    RESERVING_STATES,
    penalty_code,
    principal_code,
    prior_loans,
)
from tashilat.services.employment.applications import (
    CheckAnswer,
    check,
    eligibility,
    get,
    list_applications,
    reasons_of,
    reject,
    samat_code,
    start_review,
    submit,
)
from tashilat.services.employment.disbursement import (
    Disbursement,
    approve,
    disburse,
    preview_schedule,
)
from tashilat.services.employment.guarantees import add_guarantee, guarantee_status, offered
from tashilat.services.employment.introduction import introduce
from tashilat.services.employment.reports import (
    allocation_report,
    category_report,
    pipeline_report,
    speed_report,
)
from tashilat.services.employment.servicing import EmploymentRepayment, accrue, accrue_all, repay
from tashilat.services.employment.setup import (
    add_category,
    create_agency,
    create_bank,
    import_samat_loan,
    set_allocation,
    set_monthly_limit,
)

__all__ = [
    "OPEN_STATES",
    "RESERVING_STATES",
    "CheckAnswer",
    "Disbursement",
    "EmploymentRepayment",
    "accrue",
    "accrue_all",
    "add_category",
    "add_guarantee",
    "allocation_report",
    "approve",
    "category_report",
    "check",
    "create_agency",
    "create_bank",
    "disburse",
    "eligibility",
    "get",
    "guarantee_status",
    "import_samat_loan",
    "introduce",
    "list_applications",
    "offered",
    "penalty_code",
    "pipeline_report",
    "preview_schedule",
    "principal_code",
    "prior_loans",
    "reasons_of",
    "reject",
    "repay",
    "samat_code",
    "set_allocation",
    "set_monthly_limit",
    "speed_report",
    "start_review",
    "submit",
]
