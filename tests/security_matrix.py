"""What every URL answers, for every role and ownership case: the one table that
``tests/test_security_matrix.py`` checks the whole URL configuration against.

Keys are URL names with their namespaces (``pairs:edit``), the route of an unnamed
pattern, or ``page:…`` for the course and module pages and their sub-routes. A key
ending in ``*`` covers every URL name that starts with what comes before it; the
longest matching key wins, so a namespace can have one rule and a few exceptions.

Each entry maps GET and POST (an empty body) to a rule: a role's outcome, or, for
URLs naming a pair's or person's record, one outcome per ownership case — "own"
(the para's and teacher's own pair, in the school the school administrator runs),
"same_school" (another pair there) and "other_school" (a pair elsewhere).
"""

from __future__ import annotations

OK = "ok"  # 2xx
REDIRECT = "redirect"  # 3xx somewhere other than the places below
REDIRECT_LOGIN = "redirect_login"
REDIRECT_MFA = "redirect_mfa"
REDIRECT_ADMIN = "redirect_admin"  # Wagtail's "you do not have permission" bounce home
BAD_REQUEST, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "400", "403", "404", "405"
UNAUTHORIZED = "401"  # allauth's page for a failed provider sign-in
# Inside Wagtail's own screens, staff get whatever their Wagtail permissions decide:
# any answer but a 5xx or the log-in page.
ADMIN = "admin"
# Refused, one way or another: never a 2xx.
DENIED = "denied"
# Wagtail's own views answer an empty POST with a 500 (a MultiValueDictKeyError
# reading a field the real form always sends). Only staff with the permission get
# that far; listed so that any other 500 still fails.
WAGTAIL_EMPTY_POST_500 = "wagtail_empty_post_500"

RL, RA = REDIRECT_LOGIN, REDIRECT_ADMIN
# A signed-in para or teacher on any admin URL: a 403 page that says the admin is not
# for them (accounts.middleware.AdminClosedToLearnersMiddleware), Wagtail's log-in aside.
CL = FORBIDDEN
MODULE_ROUTES = (
    "page:module:mark_read",
    "page:module:precheck",
    "page:module:quiz",
    "page:module:quiz_attempts",
    "page:module:quiz_result",
)

ROLES = (
    "anonymous",
    "para",
    "teacher",
    "school_admin",
    "district_admin",
    "editor",
    "superuser",
    "deactivated",
)
STAFF = ("school_admin", "district_admin", "editor", "superuser")


def by_case(own: str, same_school: str, other_school: str) -> dict[str, str]:
    return {"own": own, "same_school": same_school, "other_school": other_school}


def rule(
    everyone=None,
    *,
    signed_out=None,
    learners=None,
    staff=None,
    para=None,
    teacher=None,
    school_admin=None,
    district_admin=None,
    editor=None,
    superuser=None,
) -> dict:
    """One outcome per role; ``signed_out`` covers anonymous and deactivated
    accounts (a deactivated account's session signs nobody in)."""
    out = dict.fromkeys(ROLES, everyone)
    if signed_out is not None:
        out["anonymous"] = out["deactivated"] = signed_out
    if learners is not None:
        out["para"] = out["teacher"] = learners
    if staff is not None:
        out.update(dict.fromkeys(STAFF, staff))
    named = {
        "para": para,
        "teacher": teacher,
        "school_admin": school_admin,
        "district_admin": district_admin,
        "editor": editor,
        "superuser": superuser,
    }
    out.update({role: value for role, value in named.items() if value is not None})
    missing = [role for role, value in out.items() if value is None]
    assert not missing, f"no outcome for {missing}"
    return out


def entry(get: dict, post: dict | None = None) -> dict:
    return {"GET": get, "POST": post if post is not None else get}


# Shapes that recur -------------------------------------------------------------------

# Pages for anyone signed in, about themselves.
SIGNED_IN = rule(OK, signed_out=RL)
SIGNED_IN_GET_ONLY = entry(SIGNED_IN, rule(NOT_ALLOWED, signed_out=RL))

# A pair's workspace: the partners and the school's administrators read it; only the
# partners change it; to everyone else it does not exist.
_PARTNER = by_case(OK, NOT_FOUND, NOT_FOUND)
PAIR_READ = rule(
    signed_out=RL,
    learners=_PARTNER,
    school_admin=by_case(OK, OK, NOT_FOUND),
    district_admin=OK,
    superuser=OK,
    editor=NOT_FOUND,
)


def pair_write(partner_answer: str) -> dict:
    """A change to the workspace: ``partner_answer`` for the partners (an empty POST
    is a form shown again, or a 400), 403 for administrators, 404 for others."""
    return rule(
        signed_out=RL,
        learners=by_case(partner_answer, NOT_FOUND, NOT_FOUND),
        school_admin=by_case(FORBIDDEN, FORBIDDEN, NOT_FOUND),
        district_admin=FORBIDDEN,
        superuser=FORBIDDEN,
        editor=NOT_FOUND,
    )


def pair_wrong_method() -> dict:
    """A method the URL does not take: 405, after the 404 for outsiders."""
    return rule(
        signed_out=RL,
        learners=by_case(NOT_ALLOWED, NOT_FOUND, NOT_FOUND),
        school_admin=by_case(NOT_ALLOWED, NOT_ALLOWED, NOT_FOUND),
        district_admin=NOT_ALLOWED,
        superuser=NOT_ALLOWED,
        editor=NOT_FOUND,
    )


# A person's own record (certificates, quiz attempts): theirs alone, 404 for everyone else.
OWN_RECORD = rule(signed_out=RL, para=by_case(OK, NOT_FOUND, NOT_FOUND), teacher=NOT_FOUND,
                  staff=NOT_FOUND)  # fmt: skip

# The admin screens of this project (pairs.viewsets, courses.admin_views, reports):
# school and district administrators only, each over their own schools.
ADMINISTRATORS = rule(signed_out=RL, learners=CL, staff=OK, editor=RA)
ADMINISTRATORS_GET_ONLY = entry(
    ADMINISTRATORS, rule(signed_out=RL, learners=CL, staff=NOT_ALLOWED, editor=RA)
)


def administered(own_or_same: str, other_school: str = NOT_FOUND, editor: str = RA,
                 district: str | None = None) -> dict:  # fmt: skip
    """A record in a school: its administrators (and district administrators)
    reach it; another school's administrator gets a 404."""
    return rule(
        signed_out=RL,
        learners=CL,
        school_admin=by_case(own_or_same, own_or_same, other_school),
        district_admin=district or own_or_same,
        superuser=district or own_or_same,
        editor=editor,
    )


def administered_entry(get: str, post: str, editor: str = RA) -> dict:
    return entry(administered(get, editor=editor), administered(post, editor=editor))


# Wagtail's own screens: in the admin, staff get what Wagtail's permissions give.
WAGTAIL_ADMIN = rule(signed_out=RL, learners=CL, staff=ADMIN)
# Screens only a superuser may use (people's groups and staff accounts, sites,
# redirects, collections, workflows): everyone else on the staff is refused.
SUPERUSER_ONLY = rule(signed_out=RL, learners=CL, staff=DENIED, superuser=ADMIN)
# Images and documents: editors' tools; administrators are refused.
EDITORS_ONLY = rule(signed_out=RL, learners=CL, staff=DENIED, editor=ADMIN, superuser=ADMIN)
EDITORS_ONLY_EMPTY_POST_500 = rule(
    signed_out=RL, learners=CL, staff=DENIED, editor=WAGTAIL_EMPTY_POST_500,
    superuser=WAGTAIL_EMPTY_POST_500,
)  # fmt: skip
PUBLIC = rule(OK)
# Screens for district administrators (and superusers, who are one): other staff
# are sent back to the admin's home.
DISTRICT_ADMINISTRATORS = rule(
    signed_out=RL, learners=CL, staff=RA, district_admin=OK, superuser=OK
)


# A staff account's own screens: a district administrator's; to other staff, not there.
_STAFF_RECORD = entry(
    rule(signed_out=RL, learners=CL, staff=NOT_FOUND, district_admin=OK, superuser=OK),
    rule(signed_out=RL, learners=CL, staff=NOT_FOUND, district_admin=NOT_ALLOWED,
         superuser=NOT_ALLOWED),
)  # fmt: skip


EXPECTED: dict[str, dict] = {
    # Accounts (allauth) -----------------------------------------------------------
    "healthz": entry(rule(OK), rule(NOT_ALLOWED)),
    "robots_txt": entry(PUBLIC, rule(NOT_ALLOWED)),
    "favicon_ico": entry(rule(REDIRECT), rule(NOT_ALLOWED)),
    "account_login": entry(rule(REDIRECT, signed_out=OK)),
    "account_signup": entry(rule(REDIRECT, signed_out=OK)),  # closed: a page that says so
    "account_logout": entry(rule(OK, signed_out=REDIRECT), rule(REDIRECT)),
    "account_inactive": entry(PUBLIC, rule(NOT_ALLOWED)),
    "account_reauthenticate": entry(SIGNED_IN),
    "account_email": entry(SIGNED_IN, rule(REDIRECT, signed_out=RL)),
    "account_email_verification_sent": entry(PUBLIC, rule(NOT_ALLOWED)),
    "account_confirm_email": entry(PUBLIC, rule(NOT_FOUND)),
    "account_change_password": entry(SIGNED_IN),
    "account_set_password": entry(rule(REDIRECT, signed_out=RL)),
    "account_reset_password": entry(PUBLIC),
    "account_reset_password_done": entry(PUBLIC, rule(NOT_ALLOWED)),
    "account_reset_password_from_key": entry(PUBLIC),
    "account_reset_password_from_key_done": entry(PUBLIC, rule(NOT_ALLOWED)),
    "account_confirm_login_code": entry(rule(REDIRECT, signed_out=RL)),
    "account_request_login_code": entry(rule(REDIRECT, signed_out=OK)),
    # A set-up link's secret is made up here: the same 404 for everyone
    # (tests/test_sign_in_without_password.py follows real ones).
    "account_setup": entry(rule(NOT_FOUND)),
    "people_setup_link": entry(administered(OK, editor=NOT_FOUND)),
    "my_account": entry(SIGNED_IN),
    "sign_out_everywhere": entry(rule(NOT_ALLOWED, signed_out=RL), rule(RL)),
    # The language switch: POST only, for anyone; back to the page it was on (here "/").
    "switch_language": entry(rule(NOT_ALLOWED), rule(REDIRECT)),
    "usersessions_list": entry(SIGNED_IN, rule(REDIRECT, signed_out=RL)),
    # Passkeys: adding, renaming or removing one asks for the password again first.
    "mfa_list_webauthn": SIGNED_IN_GET_ONLY,
    "mfa_add_webauthn": entry(rule(REDIRECT, signed_out=RL)),
    "mfa_edit_webauthn": entry(rule(REDIRECT, signed_out=RL)),
    "mfa_remove_webauthn": entry(rule(REDIRECT, signed_out=RL)),
    "mfa_reauthenticate_webauthn": entry(rule(REDIRECT, signed_out=RL)),
    "mfa_login_webauthn": entry(rule(REDIRECT, signed_out=RL)),
    # The district's sign-in providers: none is switched on here, so none exists
    # (accounts.social); tests/test_sign_in_*.py drive each one switched on.
    "google_*": entry(rule(NOT_FOUND)),
    "microsoft_*": entry(rule(NOT_FOUND)),
    "clever_*": entry(rule(NOT_FOUND)),
    "openid_connect_*": entry(rule(NOT_FOUND)),
    "socialaccount_connections": entry(SIGNED_IN),
    "socialaccount_signup": entry(rule(RL)),  # nobody signs up (accounts.social)
    "socialaccount_login_cancelled": entry(PUBLIC, rule(NOT_ALLOWED)),
    "socialaccount_login_error": entry(rule(UNAUTHORIZED), rule(NOT_ALLOWED)),
    # allauth's old paths, which it no longer answers.
    "accounts/social/*": entry(rule(NOT_FOUND)),
    "mfa_index": entry(SIGNED_IN, rule(NOT_ALLOWED, signed_out=RL)),
    "mfa_authenticate": entry(rule(REDIRECT, signed_out=RL)),
    "mfa_reauthenticate": entry(rule(REDIRECT, signed_out=RL)),
    "mfa_activate_totp": entry(rule(REDIRECT, signed_out=RL)),  # reauthenticate first
    "mfa_deactivate_totp": entry(rule(NOT_FOUND, signed_out=RL)),  # nobody has TOTP here
    "mfa_view_recovery_codes": entry(
        rule(NOT_FOUND, signed_out=RL), rule(NOT_ALLOWED, signed_out=RL)
    ),
    "mfa_generate_recovery_codes": entry(rule(REDIRECT, signed_out=RL)),
    "mfa_download_recovery_codes": entry(rule(NOT_FOUND, signed_out=RL)),
    "start": entry(rule(signed_out=RL, learners=REDIRECT, staff=RA)),
    # Documents and page passwords: none exist, and nothing is served without them.
    "wagtaildocs_serve": entry(rule(NOT_FOUND)),
    "wagtaildocs_authenticate_with_password": entry(rule(NOT_FOUND)),
    "wagtailcore_authenticate_with_password": entry(rule(NOT_FOUND)),
    # One way in: Wagtail's log-in URLs send everyone to allauth's.
    "wagtailcore_login": entry(rule(RL)),
    "wagtailadmin_login": entry(rule(RL)),
    "wagtailadmin_logout": entry(
        rule(NOT_ALLOWED, signed_out=RL, learners=CL), rule(RL, learners=CL)
    ),
    # WAGTAIL_PASSWORD_RESET_ENABLED off
    "wagtailadmin_password_reset*": entry(rule(NOT_FOUND, learners=CL)),
    # Learning ---------------------------------------------------------------------
    "my_learning": SIGNED_IN_GET_ONLY,
    "transcript": SIGNED_IN_GET_ONLY,
    "transcript_csv": SIGNED_IN_GET_ONLY,
    "certificate": entry(OWN_RECORD, rule(NOT_ALLOWED, signed_out=RL)),
    "certificate_pdf": entry(OWN_RECORD, rule(NOT_ALLOWED, signed_out=RL)),
    # Public by design: a certificate's code confirms it to anyone who holds it, typed
    # into the form at /verify/ or scanned from the certificate's QR code.
    "verify": entry(PUBLIC, rule(NOT_ALLOWED)),
    "verify_certificate": entry(PUBLIC, rule(NOT_ALLOWED)),
    # Job aids hold no personal data: anyone signed in, learner or staff.
    "job_aid": SIGNED_IN_GET_ONLY,
    "job_aid_pdf": SIGNED_IN_GET_ONLY,
    # Pages: the home page sends signed-in people to their start; modules need an account.
    "wagtail_serve": entry(rule(NOT_FOUND)),  # a path with no page
    "page:home": entry(rule(REDIRECT, signed_out=OK)),
    "page:course": entry(PUBLIC),
    "page:module": entry(SIGNED_IN),
    "page:module:mark_read": entry(
        rule(NOT_ALLOWED, signed_out=RL),
        # An editor is no learner: the module is not theirs to take.
        rule(REDIRECT, signed_out=RL, editor=BAD_REQUEST),
    ),
    "page:module:quiz": entry(
        rule(OK, signed_out=RL, editor=FORBIDDEN),
        # An empty submission does not fit the quiz: refused before anything is recorded.
        rule(BAD_REQUEST, signed_out=RL),
    ),
    # The world's module has no pre-check, so there is nothing to show or take; who may
    # answer one is tested in tests/test_prechecks.py.
    "page:module:precheck": entry(rule(NOT_FOUND, signed_out=RL), rule(BAD_REQUEST, signed_out=RL)),
    "page:module:quiz_attempts": SIGNED_IN_GET_ONLY,  # each person sees only their own
    "page:module:quiz_result": entry(OWN_RECORD),
    # The pair's workspace -----------------------------------------------------------
    "my_pairs": SIGNED_IN_GET_ONLY,
    # A notification is its recipient's alone; the world has none, so a 404 for everyone.
    "waiting_open": entry(rule(NOT_FOUND, signed_out=RL), rule(NOT_ALLOWED, signed_out=RL)),
    "pair_detail": entry(PAIR_READ, pair_wrong_method()),
    "pair_actions": entry(PAIR_READ, pair_wrong_method()),
    "pair_courses": entry(PAIR_READ, pair_wrong_method()),
    "check_ins": entry(PAIR_READ, pair_wrong_method()),
    "weekly_plan": entry(PAIR_READ, pair_write(OK)),
    "weekly_plan_week": entry(PAIR_READ, pair_write(OK)),
    "pair_action_new": entry(pair_write(OK)),
    "check_in_new": entry(pair_write(OK)),
    "pair_action_record": entry(pair_write(OK)),
    "pair_action_add": entry(pair_wrong_method(), pair_write(OK)),
    "pair_action_confirm": entry(pair_wrong_method(), pair_write(BAD_REQUEST)),
    "pair_action_undo": entry(pair_wrong_method(), pair_write(REDIRECT)),
    # The teacher's look at what the para did; the world's action waits on the para's
    # part, so the partners are sent back to it.
    "pair_action_coach": entry(pair_write(REDIRECT)),
    "pair_action_measure": entry(pair_write(OK)),
    # The world keeps no measure: a 404 for the partners too, after the pair's own checks.
    "pair_measure_record": entry(pair_wrong_method(), pair_write(NOT_FOUND)),
    # The district's admin screens (pairs.viewsets, courses.admin_views) --------------
    "schools:index*": ADMINISTRATORS_GET_ONLY,
    "schools:add": entry(
        rule(signed_out=RL, learners=CL, staff=RA, district_admin=OK, superuser=OK)
    ),  # fmt: skip
    # A school administrator reads their own school (inspect) but does not change it.
    # Refused before the school is looked up: the same answer for any school's id.
    "schools:edit": entry(administered(RA, other_school=RA, district=OK)),
    "schools:inspect": entry(
        administered(OK, editor=NOT_FOUND), administered(NOT_ALLOWED, editor=NOT_FOUND)
    ),
    "schools:delete": entry(
        administered(RA, editor=NOT_FOUND, district=OK),
        administered(RA, editor=NOT_FOUND),
    ),
    "schools:history*": entry(
        administered(RA, editor=NOT_FOUND, district=OK),
        administered(RA, editor=NOT_FOUND, district=NOT_ALLOWED),
    ),
    "schools:usage": entry(
        administered(RA, editor=NOT_FOUND, district=OK),
        administered(RA, editor=NOT_FOUND, district=NOT_ALLOWED),
    ),
    "pairs:index*": ADMINISTRATORS_GET_ONLY,
    "pairs:add": entry(ADMINISTRATORS),
    "pairs:edit": administered_entry(OK, OK),
    # Deleting a pair with records ends up back on its edit screen (a redirect).
    "pairs:delete": administered_entry(OK, REDIRECT, editor=NOT_FOUND),
    "pairs:history*": administered_entry(OK, NOT_ALLOWED, editor=NOT_FOUND),
    "pairs:usage": administered_entry(OK, NOT_ALLOWED, editor=NOT_FOUND),
    # The pair is looked up before the administrator check: a 404 for editors too.
    "pairs:change_partner": administered_entry(OK, OK, editor=NOT_FOUND),
    "people:index*": ADMINISTRATORS_GET_ONLY,
    "people:add": entry(ADMINISTRATORS),
    "people:edit": administered_entry(OK, OK),
    "people:delete": administered_entry(RA, RA, editor=NOT_FOUND),  # nobody deletes a person
    "people:history*": administered_entry(OK, NOT_ALLOWED, editor=NOT_FOUND),
    "people:usage": administered_entry(OK, NOT_ALLOWED, editor=NOT_FOUND),
    "import_people:upload": entry(ADMINISTRATORS),
    # The district's holidays and breaks: its district administrators' to change
    # (tests/test_school_days.py). The world holds none, so a record's screens are
    # refused to other staff however Wagtail words it (a 404 before its permission check).
    "days_without_school:*": entry(
        rule(signed_out=RL, learners=CL, staff=DENIED, district_admin=ADMIN, superuser=ADMIN)
    ),
    "days_without_school:index*": entry(
        rule(signed_out=RL, learners=CL, staff=RA, district_admin=ADMIN, superuser=ADMIN)
    ),
    "days_without_school:add": entry(
        rule(signed_out=RL, learners=CL, staff=RA, district_admin=ADMIN, superuser=ADMIN)
    ),
    "import_people:commit": entry(
        rule(signed_out=RL, learners=CL, staff=NOT_ALLOWED, editor=RA),
        rule(signed_out=RL, learners=CL, staff=REDIRECT, editor=RA),
    ),
    # The roster brings staff roles with it: a district administrator's alone.
    "roster:upload": entry(DISTRICT_ADMINISTRATORS),
    "roster:commit": entry(
        rule(
            signed_out=RL, learners=CL, staff=RA, district_admin=NOT_ALLOWED, superuser=NOT_ALLOWED
        ),
        # An empty POST carries no dry run: back to the upload, nothing imported.
        rule(signed_out=RL, learners=CL, staff=RA, district_admin=REDIRECT, superuser=REDIRECT),
    ),  # fmt: skip
    # Each administrator over their own schools; an empty POST makes no pair.
    "suggested_pairs:index": entry(
        ADMINISTRATORS, rule(signed_out=RL, learners=CL, staff=REDIRECT, editor=RA)
    ),
    # Sending the invitation again: whoever may act on the person's account.
    "people:resend_invitation": entry(
        administered(OK, editor=NOT_FOUND), administered(REDIRECT, editor=NOT_FOUND)
    ),
    # School administrators and editors: managed by a district administrator only.
    "staff:index*": entry(
        DISTRICT_ADMINISTRATORS,
        rule(
            signed_out=RL, learners=CL, staff=RA, district_admin=NOT_ALLOWED, superuser=NOT_ALLOWED
        ),
    ),  # fmt: skip
    "staff:add": entry(DISTRICT_ADMINISTRATORS),
    "staff:edit": entry(DISTRICT_ADMINISTRATORS),
    # Nobody deletes an account (deactivate it); others' staff accounts are not there.
    "staff:delete": entry(
        rule(signed_out=RL, learners=CL, staff=NOT_FOUND, district_admin=RA, superuser=RA)
    ),
    "staff:history*": _STAFF_RECORD,
    "staff:usage": _STAFF_RECORD,
    "staff:resend_invitation": entry(
        rule(signed_out=RL, learners=CL, staff=NOT_FOUND, district_admin=OK, superuser=OK),
        rule(
            signed_out=RL, learners=CL, staff=NOT_FOUND, district_admin=REDIRECT, superuser=REDIRECT
        ),
    ),  # fmt: skip
    "assignments:index*": ADMINISTRATORS_GET_ONLY,
    "assignments:add": entry(ADMINISTRATORS),
    "assignments:edit": administered_entry(OK, OK),
    "assignments:delete": administered_entry(OK, REDIRECT, editor=NOT_FOUND),
    "assignments:history*": administered_entry(OK, NOT_ALLOWED, editor=NOT_FOUND),
    "assignments:usage": administered_entry(OK, NOT_ALLOWED, editor=NOT_FOUND),
    # Bulk actions (pairs.bulk_actions, courses.bulk_actions), one key each, with the
    # id of the case's record: a confirmation page on GET; an empty POST shows the
    # form again where it asks for a date, else acts and redirects. Another school's
    # record is dropped from the request, which then names nothing: a 404.
    "bulk:courses.assignment.redate": administered_entry(OK, OK),
    "bulk:courses.assignment.unassign": administered_entry(OK, REDIRECT),
    "bulk:courses.assignment.remind": administered_entry(OK, REDIRECT),
    "bulk:accounts.user.remind_people": administered_entry(OK, REDIRECT),
    "bulk:accounts.user.deactivate_people": administered_entry(OK, REDIRECT),
    "bulk:pairs.pair.end_pairs": administered_entry(OK, OK),
    "course_reports:*": ADMINISTRATORS_GET_ONLY,
    "pair_reports:*": ADMINISTRATORS_GET_ONLY,
    # A person's or a pair's drill-down from the reports: scoped like their rows.
    "drilldowns:*": entry(
        administered(OK), rule(signed_out=RL, learners=CL, staff=NOT_ALLOWED, editor=RA)
    ),
    # PD hours (hours.views, hours.viewsets, reporting.hours_compliance) ------------
    "hours:mine": SIGNED_IN_GET_ONLY,
    # A person's statement: theirs, and their administrators'; the method is checked
    # before the person is looked up.
    "hours:statement": entry(
        rule(
            signed_out=RL,
            para=by_case(OK, NOT_FOUND, NOT_FOUND),
            teacher=NOT_FOUND,
            school_admin=by_case(OK, OK, NOT_FOUND),
            district_admin=OK,
            superuser=OK,
            editor=NOT_FOUND,
        ),
        rule(NOT_ALLOWED, signed_out=RL),
    ),
    # The world holds no outside PD: every id is missing (tests/test_hours_evidence.py
    # serves real files to those who may see them, and a 404 to everyone else).
    "hours:evidence": entry(rule(NOT_FOUND, signed_out=RL), rule(NOT_ALLOWED, signed_out=RL)),
    "hours:evidence_file": entry(rule(NOT_FOUND, signed_out=RL), rule(NOT_ALLOWED, signed_out=RL)),
    "hours:qualification_evidence": entry(
        rule(NOT_FOUND, signed_out=RL), rule(NOT_ALLOWED, signed_out=RL)
    ),
    # The world's check-ins are logged by the para: the teacher confirms them; the
    # para (their author) and administrators are told why not; outsiders get a 404.
    "hours:confirm_check_in": entry(
        rule(
            signed_out=RL,
            para=by_case(FORBIDDEN, NOT_FOUND, NOT_FOUND),
            teacher=by_case(OK, NOT_FOUND, NOT_FOUND),
            school_admin=by_case(FORBIDDEN, FORBIDDEN, NOT_FOUND),
            district_admin=FORBIDDEN,
            superuser=FORBIDDEN,
            editor=NOT_FOUND,
        ),
        rule(
            signed_out=RL,
            para=by_case(FORBIDDEN, NOT_FOUND, NOT_FOUND),
            teacher=by_case(REDIRECT, NOT_FOUND, NOT_FOUND),
            school_admin=by_case(FORBIDDEN, FORBIDDEN, NOT_FOUND),
            district_admin=FORBIDDEN,
            superuser=FORBIDDEN,
            editor=NOT_FOUND,
        ),
    ),
    # A person's own calendar feed: the page and its two buttons are about the person
    # asking; the feed is opened by its secret alone (calendar apps cannot sign in),
    # and the world's made-up secret opens nothing, for anyone.
    "hours:calendar": SIGNED_IN_GET_ONLY,
    "hours:calendar_new_url": entry(rule(NOT_ALLOWED, signed_out=RL), SIGNED_IN),
    "hours:calendar_off": entry(rule(NOT_ALLOWED, signed_out=RL), rule(REDIRECT, signed_out=RL)),
    "hours:calendar_feed": entry(rule(NOT_FOUND), rule(NOT_ALLOWED)),
    "hours_reports:*": ADMINISTRATORS_GET_ONLY,
    # A single entry's screens: the world holds none, so each id is missing for the
    # administrators (tests/test_hours_evidence.py opens another school's entry: 404).
    "outside_pd:*": entry(rule(signed_out=RL, learners=CL, staff=NOT_FOUND)),
    "hire_dates:*": entry(rule(signed_out=RL, learners=CL, staff=NOT_FOUND)),
    "title_i:*": entry(rule(signed_out=RL, learners=CL, staff=NOT_FOUND)),
    # Editing checks the permission before looking the entry up.
    "outside_pd:edit": entry(rule(signed_out=RL, learners=CL, staff=NOT_FOUND, editor=RA)),
    "hire_dates:edit": entry(rule(signed_out=RL, learners=CL, staff=NOT_FOUND, editor=RA)),
    "title_i:edit": entry(rule(signed_out=RL, learners=CL, staff=NOT_FOUND, editor=RA)),
    "outside_pd:index*": ADMINISTRATORS_GET_ONLY,
    "outside_pd:add": entry(ADMINISTRATORS),
    "hire_dates:index*": ADMINISTRATORS_GET_ONLY,
    "hire_dates:add": entry(ADMINISTRATORS),
    "title_i:index*": ADMINISTRATORS_GET_ONLY,
    "title_i:add": entry(ADMINISTRATORS),
    # Privacy screens (privacy.views) -------------------------------------
    "privacy:people": ADMINISTRATORS_GET_ONLY,
    # The method is checked before the person is looked up: a 405 for anyone's id.
    "privacy:person": entry(
        administered(OK), rule(signed_out=RL, learners=CL, staff=NOT_ALLOWED, editor=RA)
    ),
    # A download: GET only, whoever asks once inside the admin.
    "privacy:person_json": entry(
        administered(OK), rule(signed_out=RL, learners=CL, staff=NOT_ALLOWED)
    ),
    "privacy:erase": administered_entry(OK, OK),
    # Access records: the district administrator's alone.
    "privacy:pairs*": entry(
        rule(signed_out=RL, learners=CL, staff=RA, district_admin=OK, superuser=OK),
        rule(
            signed_out=RL, learners=CL, staff=RA, district_admin=NOT_ALLOWED, superuser=NOT_ALLOWED
        ),  # fmt: skip
    ),
    "privacy:pair_access": entry(
        rule(signed_out=RL, learners=CL, staff=RA, district_admin=OK, superuser=OK),
        rule(
            signed_out=RL, learners=CL, staff=RA, district_admin=NOT_ALLOWED, superuser=NOT_ALLOWED
        ),  # fmt: skip
    ),
    # Wagtail's admin, grouped --------------------------------------------------------
    "wagtail*": entry(WAGTAIL_ADMIN),
    "wagtail_bulk_action": entry(WAGTAIL_ADMIN),
    # Who else has a record open, asked for a pair: only within the pairs the asker's
    # own screens show (pairs.wagtail_admin_scope); another school's pair answers as a
    # missing one does. Editors may change no pair at all.
    "wagtailadmin_editing_sessions:ping": entry(
        rule(signed_out=RL, learners=CL, staff=NOT_ALLOWED),
        rule(
            signed_out=RL,
            learners=CL,
            school_admin=by_case(OK, OK, NOT_FOUND),
            district_admin=OK,
            superuser=OK,
            editor=NOT_FOUND,
        ),
    ),
    # The admin's catch-all and its 404 test page: only the admin sees them.
    "admin/^.*/$": entry(rule(signed_out=REDIRECT, learners=CL, staff=NOT_FOUND)),
    "admin/test404/": entry(rule(signed_out=REDIRECT, learners=CL, staff=NOT_FOUND)),
    # Static assets of the admin, public by design (a learner has no use for them).
    "wagtailadmin_sprite": entry(rule(OK, learners=CL)),
    "wagtailadmin_javascript_catalog": entry(rule(OK, learners=CL), rule(NOT_ALLOWED, learners=CL)),
    # Wagtail's deliberate error page, for staff only.
    "wagtailadmin_error_test": entry(
        rule(signed_out=RL, learners=CL, staff=WAGTAIL_EMPTY_POST_500)
    ),  # fmt: skip
    "wagtailusers_*": entry(SUPERUSER_ONLY),
    "wagtailsites:*": entry(SUPERUSER_ONLY),
    # The content languages (wagtail.locales): a superuser's to add or remove.
    "wagtaillocales:*": entry(SUPERUSER_ONLY),
    # "Translate" (wagtail.contrib.simple_translation): editors copy a page into
    # Spanish to rewrite; administrators are refused.
    "simple_translation:*": entry(EDITORS_ONLY),
    "wagtailredirects:*": entry(SUPERUSER_ONLY),
    "wagtailredirects:process_import": entry(
        SUPERUSER_ONLY,
        rule(signed_out=RL, learners=CL, staff=DENIED, superuser=WAGTAIL_EMPTY_POST_500),
    ),
    "wagtailadmin_collections:*": entry(SUPERUSER_ONLY),
    "wagtailadmin_workflows:index*": entry(SUPERUSER_ONLY),
    "wagtailadmin_workflows:add": entry(SUPERUSER_ONLY),
    "wagtailadmin_workflows:edit": entry(SUPERUSER_ONLY),
    "wagtailadmin_workflows:usage*": entry(SUPERUSER_ONLY),
    "wagtailadmin_workflows:task_index*": entry(SUPERUSER_ONLY),
    "wagtailimages:*": entry(EDITORS_ONLY),
    "wagtaildocs:*": entry(EDITORS_ONLY),
    "wagtailforms:*": entry(EDITORS_ONLY),
    "wagtailsnippets:*": entry(rule(signed_out=RL, learners=CL, staff=DENIED)),
    # Pages in the admin: editors' work. Administrators may open a few of Wagtail's
    # page screens (choosing a parent, confirming a move) that show only page titles,
    # which are public; the explorer and editing are refused.
    "wagtailadmin_explore*": entry(EDITORS_ONLY),
    "wagtailadmin_pages:edit": entry(EDITORS_ONLY, EDITORS_ONLY_EMPTY_POST_500),
    "wagtailadmin_pages:copy": entry(EDITORS_ONLY, EDITORS_ONLY_EMPTY_POST_500),
    "wagtailadmin_pages:revisions_revert": entry(EDITORS_ONLY, EDITORS_ONLY_EMPTY_POST_500),
    "wagtailadmin_choose_page_external_link": entry(
        WAGTAIL_ADMIN, rule(signed_out=RL, learners=CL, staff=WAGTAIL_EMPTY_POST_500)
    ),
}


def covers(key_pattern: str, key: str) -> bool:
    if key_pattern.endswith("*"):
        return key.startswith(key_pattern[:-1])
    return key == key_pattern


def entry_for(key: str) -> dict | None:
    """The table's entry for ``key``: its own, else the longest matching ``*`` key."""
    if key in EXPECTED:
        return EXPECTED[key]
    matches = [pattern for pattern in EXPECTED if pattern.endswith("*") and covers(pattern, key)]
    return EXPECTED[max(matches, key=len)] if matches else None


def expected(entry: dict, method: str, role: str, case: str | None) -> str:
    outcome = entry[method][role]
    if isinstance(outcome, dict):
        # A URL without a record of its own (a listing) is read as the "own" case.
        return outcome[case or "own"]
    return outcome


def accepts(outcome: str, answer: str) -> bool:
    if outcome == ADMIN:
        return not answer.startswith("5") and answer != REDIRECT_LOGIN
    if outcome == DENIED:
        return answer in {REDIRECT_ADMIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, BAD_REQUEST}
    if outcome == WAGTAIL_EMPTY_POST_500:
        return answer == "500" or accepts(ADMIN, answer)
    return outcome == answer
