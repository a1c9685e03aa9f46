"""The formal documents of 交 and 办 as A4 PDFs: the assignment sheet (交办单) the office sends
with a suggestion, and a unit's reply letter (答复函) with the deputy's feedback form.

Drawn by WeasyPrint with Noto Sans SC from the project's own assets, as the contact cards are
(`renda.directory.cards`): never the machine's fonts, which on a server often lack Chinese, and
never the network. The stylesheet is a template, so that it can name the font files.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from renda.core.deadlines import DeadlineRule
from renda.directory.cards import FONT_FILES, LocalFileFetcher, font_path
from renda.suggestions.models import Assignment, ContactRecord, Reply, Suggestion
from renda.suggestions.selectors.handling import by_role, rule_text, signers
from renda.suggestions.services.common import setting
from renda.suggestions.services.handling import reply_categories

STYLESHEET = "suggestions/pdf/document.css"


def render_pdf(*, template: str, context: dict) -> bytes:
    fonts = {weight: font_path(weight) for weight in FONT_FILES}
    fetcher = LocalFileFetcher([path.parent for path in fonts.values()])
    faces = [(weight, path.as_uri()) for weight, path in fonts.items()]
    base_url = next(iter(fonts.values())).parent.as_uri() + "/"
    font_config = FontConfiguration()
    stylesheet = CSS(string=render_to_string(STYLESHEET, {"font_faces": faces}),
                     base_url=base_url, url_fetcher=fetcher, font_config=font_config)
    html = HTML(string=render_to_string(template, context), base_url=base_url,
                url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def paragraphs(body: str) -> list[str]:
    """The body's non-empty lines: each point of an item-by-item answer is its own paragraph."""
    return [line.strip() for line in body.splitlines() if line.strip()]


def assignment_sheet_pdf(*, suggestion: Suggestion) -> bytes:
    """The sheet lists every unit still on the suggestion with its role and deadline."""
    congress = suggestion.congress
    assignments = by_role(suggestion.assignments.exclude(status=Assignment.Status.CANCELLED)
                          .select_related("unit"))
    window = DeadlineRule.parse(setting(congress, "suggestions.reassign_window"))
    context = {
        "suggestion": suggestion, "congress": congress, "assignments": assignments,
        "signers": signers(suggestion=suggestion),
        "category": _category_label(suggestion),
        "content": paragraphs(suggestion.content),
        "reassign_window": rule_text(window),
        "has_assisting": any(a.role == Assignment.Role.ASSISTING for a in assignments),
        "printed_on": timezone.localdate(),
    }
    return render_pdf(template="suggestions/pdf/assignment_sheet.html", context=context)


def _category_label(suggestion: Suggestion) -> str:
    for item in setting(suggestion.congress, "suggestions.categories"):
        if item["code"] == suggestion.category:
            return item.get("label", item["code"])
    return suggestion.category


def reply_letter_pdf(*, reply: Reply) -> bytes:
    """The letter addresses the lead deputy and every co-signer who confirmed; the second page
    is the feedback form the deputy fills in and returns."""
    assignment = reply.assignment
    suggestion = assignment.suggestion
    kind = reply_categories(congress=suggestion.congress).get(reply.category, {})
    context = {
        "reply": reply, "assignment": assignment, "suggestion": suggestion,
        "unit": assignment.unit, "congress": suggestion.congress,
        "signers": signers(suggestion=suggestion), "body": paragraphs(reply.body),
        "category_label": kind.get("label", reply.category),
        "contact_methods": ContactRecord.Method.choices,
        "ratings": [_("满意"), _("基本满意"), _("不满意")],
        "replied_on": timezone.localtime(reply.created_at).date(),
    }
    return render_pdf(template="suggestions/pdf/reply_letter.html", context=context)
