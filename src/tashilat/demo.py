"""Demo data: branches, staff, customers and youth-fund accounts with three years of
history, a disbursed loan being repaid (one instalment late) and a loan awaiting approval.
Everything goes through the services, exactly as a bank would do it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tashilat.adapters.db.models import Branch, User
from tashilat.bootstrap import Container, init_database
from tashilat.domain.jalali import add_months, parse_jalali
from tashilat.services import auth, calendar, day_end, loans, youth
from tashilat.services.auth import SYSTEM, Actor, actor_of

START = parse_jalali("1403/01/15")
DEMO_PASSWORD = "tashilat-demo"

BRANCHES = [
    ("0101", "شعبه مرکزی تهران", "Tehran central", "تهران"),
    ("0301", "شعبه اصفهان", "Isfahan", "اصفهان"),
]
STAFF = [
    ("admin", "admin", None),
    ("officer", "officer", "0101"),
    ("officer.isfahan", "officer", "0301"),
    ("supervisor", "supervisor", "0101"),
    ("supervisor2", "supervisor", "0101"),
    ("supervisor.isfahan", "supervisor", "0301"),
    ("auditor", "auditor", None),
    ("policy.editor", "policy_editor", None),
    ("policy.approver", "policy_approver", None),
    ("analyst", "analyst", None),
]
# national id, name, birth date, branch, city, behaviour (share of the table in percent,
# or "lump"), month opened (0-based)
CUSTOMERS: list[tuple[str, str, str, str, str, int | str, int]] = [
    ("0499370899", "سارا احمدی", "1378/02/10", "0101", "تهران", 100, 0),
    ("0790419904", "علی رضایی", "1376/07/21", "0101", "تهران", 50, 0),
    ("0084575948", "مریم کریمی", "1380/11/03", "0101", "کرج", 100, 1),
    ("0067749828", "حسین محمدی", "1374/05/30", "0301", "اصفهان", 100, 0),
    ("1234567891", "زهرا حسینی", "1379/09/12", "0301", "کاشان", "lump", 2),
    ("0013542419", "رضا موسوی", "1381/01/25", "0301", "نجف‌آباد", 70, 3),
]


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    business_date: date
    usernames: tuple[str, ...]


def seed(c: Container) -> DemoSummary:
    """Build the demo on an empty database (idempotent: does nothing if branches exist)."""
    init_database(c, business_date=START)
    uow = c.uow()
    with uow:
        if uow.session.scalar(select(Branch.id).limit(1)) is not None:
            return DemoSummary(0, calendar.current(uow), ())
        uow.session.add_all(Branch(code=a, name_fa=b, name_en=e, city=d) for a, b, e, d in BRANCHES)
        uow.commit()
    for username, role, branch in STAFF:
        auth.create_user(
            c.uow(),
            SYSTEM,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            branch_code=branch,
        )
    staff = {u: _actor(c, u) for u, _, _ in STAFF}
    supervisor = staff["supervisor"]
    officers = {"0101": staff["officer"], "0301": staff["officer.isfahan"]}
    branch_ids = _branch_ids(c)
    table = [int(x) for x in c.policy.resolve("youth_fund.deposit_table", START).value]

    accounts: list[tuple[int, str, int | str, int]] = []
    for month in range(0, 38):
        on = add_months(START, month)
        if on > calendar.get(c.uow()):
            day_end.advance(c.uow(), supervisor, on)
        for nid, name, birth, branch, city, behaviour, opened_month in CUSTOMERS:
            officer = officers[branch]
            if month == opened_month:
                cid = youth.create_customer(
                    c.uow(),
                    officer,
                    national_id=nid,
                    name=name,
                    birth_date=parse_jalali(birth),
                    branch_id=branch_ids[branch],
                ).id
                first = 500_000_000 if behaviour == "lump" else table[0] * int(behaviour) // 100
                acc = youth.open_account(
                    c.uow(),
                    officer,
                    c.policy,
                    customer_id=cid,
                    city=city,
                    opening_deposit=max(first, 10_000_000),
                    request_id=f"demo-open-{nid}",
                )
                accounts.append((acc.id, branch, behaviour, opened_month))
        for acc_id, branch, behaviour, opened_month in accounts:
            age = month - opened_month
            if age <= 0 or behaviour == "lump" or age >= 36:
                continue
            amount = table[min(age // 12, len(table) - 1)] * int(behaviour) // 100
            youth.deposit(
                c.uow(),
                officers[branch],
                account_id=acc_id,
                amount=amount,
                request_id=f"demo-dep-{acc_id}-{age}",
            )
            if behaviour == 70 and age == 20:
                youth.withdraw(
                    c.uow(),
                    officers[branch],
                    c.policy,
                    account_id=acc_id,
                    amount=50_000_000,
                    request_id=f"demo-wd-{acc_id}",
                )

    # A loan on the first Tehran account: requested, approved by another person, disbursed.
    first_acc = accounts[0][0]
    loan, _ = loans.request_loan(
        c.uow(),
        staff["officer"],
        c.policy,
        account_id=first_acc,
        amount=10_000_000_000,
        months=240,
        method="simple",
        appraisal=25_000_000_000,
    )
    loans.decide(c.uow(), supervisor, loan_id=loan.id, approve=True, note="demo")
    loans.disburse(
        c.uow(), staff["supervisor2"], c.policy, loan_id=loan.id, request_id=f"demo-disb-{loan.id}"
    )
    _, insts = loans.get_loan(c.uow(), supervisor, loan.id)
    for inst in insts[:3]:
        pay_on = inst.due if inst.number != 2 else date.fromordinal(inst.due.toordinal() + 12)
        if pay_on > calendar.get(c.uow()):
            day_end.advance(c.uow(), supervisor, pay_on)
        _, fresh = loans.get_loan(c.uow(), supervisor, loan.id)
        owed = fresh[inst.number - 1]
        amount = (
            (owed.principal - owed.paid_principal)
            + (owed.profit - owed.paid_profit)
            + (owed.penalty_accrued - owed.penalty_paid)
        )
        loans.repay(
            c.uow(),
            staff["officer"],
            c.policy,
            loan_id=loan.id,
            amount=amount,
            request_id=f"demo-repay-{inst.number}",
        )
    # A second Tehran account asks for a loan: waiting in the supervisor's queue.
    loans.request_loan(
        c.uow(),
        staff["officer"],
        c.policy,
        account_id=accounts[1][0],
        amount=8_000_000_000,
        months=180,
        method="stepwise",
        appraisal=15_000_000_000,
    )
    _seed_employment(c, staff["admin"], supervisor)
    # A customer login for the first holder.
    auth.create_user(
        c.uow(),
        SYSTEM,
        username="sara",
        password=DEMO_PASSWORD,
        role="customer",
        customer_national_id="0499370899",
    )
    usernames = (*(u for u, _, _ in STAFF), *(u for u, _, _ in EMPLOYMENT_STAFF), "sara")
    return DemoSummary(len(accounts), calendar.get(c.uow()), usernames)


EMPLOYMENT_STAFF = [
    ("agency.relief", "agency_officer", {"agency_code": "IKRC"}),
    ("agency.welfare", "agency_officer", {"agency_code": "SWO"}),
    ("bank.officer", "bank_officer", {"bank_code": "MASKAN"}),
    ("bank.payer", "supervisor", {"bank_code": "MASKAN", "branch_code": "0101"}),
]
# national id, name, province, agency, amount, category, where the application stops
APPLICANTS: list[tuple[str, str, str, str, int, str | None, str]] = [
    ("0012345679", "نرگس طاهری", "تهران", "IKRC", 2_500_000_000, "HANDICRAFT", "repaying"),
    ("0023456787", "مهدی صالحی", "تهران", "IKRC", 1_500_000_000, None, "settled"),
    ("0034567895", "فاطمه نوری", "تهران", "SWO", 2_000_000_000, None, "approved"),
    ("0045678901", "جواد امینی", "تهران", "IKRC", 1_000_000_000, None, "bank_review"),
    ("0056789017", "لیلا رحمانی", "اصفهان", "SWO", 1_200_000_000, None, "introduced"),
    ("0067890121", "سعید کاظمی", "تهران", "IKRC", 3_000_000_000, "HANDICRAFT", "agency_review"),
    ("0078901235", "پریسا یزدانی", "اصفهان", "SWO", 900_000_000, None, "submitted"),
    ("0089012348", "کامران شریفی", "تهران", "IKRC", 1_400_000_000, None, "rejected"),
    ("0090123451", "هانیه قربانی", "تهران", "SWO", 800_000_000, None, "withdrawn"),
]


def _seed_employment(c: Container, admin: Actor, supervisor: Actor) -> None:
    """Agencies, a bank with a monthly limit, allocations with an approved category, a
    historical SAMAT loan, and applications in every state of the pipeline."""
    from tashilat.domain.jalali import jalali_year, to_jalali
    from tashilat.services import employment

    year = jalali_year(calendar.get(c.uow()))
    employment.create_agency(
        c.uow(),
        admin,
        code="IKRC",
        name_fa="کمیته امداد امام خمینی",
        name_en="Imam Khomeini Relief Committee",
    )
    employment.create_agency(
        c.uow(), admin, code="SWO", name_fa="سازمان بهزیستی", name_en="State Welfare Organisation"
    )
    employment.create_bank(
        c.uow(), admin, code="MASKAN", name_fa="بانک مسکن", name_en="Bank Maskan"
    )
    employment.create_bank(
        c.uow(), admin, code="TEJARAT", name_fa="بانک تجارت", name_en="Bank Tejarat"
    )
    for agency in ("IKRC", "SWO"):
        for province, amount in (("تهران", 60_000_000_000), ("اصفهان", 30_000_000_000)):
            employment.set_allocation(
                c.uow(),
                admin,
                c.policy,
                agency_code=agency,
                province=province,
                year=year,
                amount=amount,
            )
    employment.add_category(
        c.uow(), admin, agency_code="IKRC", year=year, code="HANDICRAFT", name_fa="صنایع دستی"
    )
    _, month, _ = to_jalali(calendar.get(c.uow()))
    employment.set_monthly_limit(
        c.uow(), admin, bank_code="MASKAN", year=year, month=month, amount=20_000_000_000
    )
    employment.import_samat_loan(
        c.uow(),
        admin,
        national_id="0790419904",
        bank_code="TEJARAT",
        agency_code="SWO",
        amount=1_000_000_000,
        disbursed_on=parse_jalali("1402/08/20"),
    )
    for username, role, extra in EMPLOYMENT_STAFF:
        auth.create_user(
            c.uow(), SYSTEM, username=username, password=DEMO_PASSWORD, role=role, **extra
        )
    officers = {"IKRC": _actor(c, "agency.relief"), "SWO": _actor(c, "agency.welfare")}
    bank, payer = _actor(c, "bank.officer"), _actor(c, "bank.payer")
    order = [
        "submitted",
        "agency_review",
        "introduced",
        "bank_review",
        "approved",
        "repaying",
        "settled",
    ]
    for i, (nid, name, province, code, amount, category, stop) in enumerate(APPLICANTS):
        app, _ = employment.submit(
            c.uow(),
            officers[code],
            c.policy,
            national_id=nid,
            name=name,
            province=province,
            agency_code=code,
            amount=amount,
            jobs=1 + i % 3,
            category_code=category,
            description="طرح نمونه",
        )
        if stop == "withdrawn":
            employment.reject(
                c.uow(), officers[code], app_id=app.id, reason="انصراف متقاضی", withdraw=True
            )
            continue
        if stop == "rejected":
            employment.start_review(c.uow(), officers[code], app_id=app.id)
            employment.reject(
                c.uow(), officers[code], app_id=app.id, reason="طرح توجیه اقتصادی ندارد"
            )
            continue
        reach = order.index(stop)
        if reach >= 1:
            employment.start_review(c.uow(), officers[code], app_id=app.id)
        if reach >= 2:
            employment.introduce(
                c.uow(), officers[code], c.policy, app_id=app.id, bank_code="MASKAN"
            )
        if reach >= 3:
            employment.add_guarantee(
                c.uow(), bank, app_id=app.id, kind="guarantor", national_id="0084575948"
            )
            employment.add_guarantee(
                c.uow(), bank, app_id=app.id, kind="guarantor", national_id="0067749828"
            )
            employment.add_guarantee(c.uow(), bank, app_id=app.id, kind="promissory_note")
        if reach >= 4:
            employment.approve(c.uow(), bank, c.policy, app_id=app.id)
        if reach >= 5:
            employment.disburse(c.uow(), payer, c.policy, app_id=app.id)
            _, _, insts = employment.get(c.uow(), bank, app.id)
            first = insts[0]
            amount_due = (
                first.amount if stop == "repaying" else sum(x.principal + x.profit for x in insts)
            )
            employment.repay(
                c.uow(),
                bank,
                c.policy,
                app_id=app.id,
                amount=amount_due,
                request_id=f"demo-emp-repay-{app.id}",
            )


def _actor(c: Container, username: str) -> Actor:
    uow = c.uow()
    with uow:
        u = uow.session.scalar(select(User).where(User.username == username))
        assert u is not None
        return actor_of(u)


def _branch_ids(c: Container) -> dict[str, int]:
    uow = c.uow()
    with uow:
        return {b.code: b.id for b in uow.session.scalars(select(Branch))}
