"""The audit trail's search and CSV download, called as plain functions: both read the same
filters, and both say a date they cannot read instead of answering."""

from __future__ import annotations

from dash import no_update

from data import audit as audit_log
from data.users import add_user
from tests.support.callbacks import as_user, page, text_of
from tests.support.rpm_case import CASE

# actor, action, case, subject, from, to: as the form's FILTER_STATES send them
NO_FILTER = (None, "any", None, None, None, None)


def test_a_date_not_understood_is_said_by_search_and_download_alike(rpm_app):
    app, store = rpm_app
    admin = add_user(store, "auditor", "admin", "trail-keeper-password-7")
    audit_page = page("admin_audit")
    bad = (None, "any", None, None, "31/02/2024", None)
    with as_user(app, admin):
        searched = audit_page.search_audit(1, *bad)
        downloaded = audit_page.download_audit(1, *bad)
    for answer, alert in (searched, downloaded):
        assert answer is no_update
        assert "31/02/2024" in text_of(alert)
    assert not audit_log.search(store, admin, action=audit_log.EXPORT)


def test_search_lists_the_rows_and_the_download_is_the_same_rows_audited(rpm_app):
    app, store = rpm_app
    admin = add_user(store, "auditor", "admin", "trail-keeper-password-7")
    audit_page = page("admin_audit")
    by_case = (None, "any", CASE, None, None, None)
    with as_user(app, admin):
        results, error = audit_page.search_audit(1, *NO_FILTER)
        download, download_error = audit_page.download_audit(1, *by_case)
    assert error is None and download_error is None
    assert "matching entries" in text_of(results)
    assert download["filename"].startswith("rpm-audit-") and download["filename"].endswith(".csv")
    (exported,) = audit_log.search(store, admin, action=audit_log.EXPORT)
    assert exported.detail == f"audit CSV {{'case_ref': '{CASE}'}}"
