"""The contact editor warns when a typed email already belongs to another contact (issue 13)."""

from __future__ import annotations

import pytest

from relationship_crm.domain.records import ContactDraft, Labeled
from relationship_crm.services import contacts
from relationship_crm.ui.dialogs.contact_editor import ContactEditor

pytestmark = pytest.mark.gui


def test_a_shared_email_is_named_under_emails(qtbot, ctx, db, wait_idle) -> None:
    with db.write() as s:
        jane = contacts.create(
            s, ContactDraft(name="Jane Doe", emails=(Labeled("jane@acme.com"),))
        ).id
        view = contacts.get(s, jane)
    editor = ContactEditor(ctx)
    qtbot.addWidget(editor)
    editor.show()
    editor.emails.setPlainText("work: Jane@Acme.com\nnot an email")
    qtbot.waitUntil(editor.email_warning.isVisible)
    assert editor.email_warning.text() == f"⚠ jane@acme.com is also the email of Jane Doe (#{jane})"
    editor.emails.setPlainText("someone@else.com")
    qtbot.waitUntil(lambda: not editor.email_warning.isVisible())
    wait_idle()

    # Editing Jane herself: her own address is not a duplicate.
    own = ContactEditor(ctx, view)
    qtbot.addWidget(own)
    own.show()
    own.check_emails()
    wait_idle()
    assert not own.email_warning.isVisible()
