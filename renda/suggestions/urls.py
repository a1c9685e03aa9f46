"""URLs of the suggestions loop; each stage's views live in their own module of `views/`."""

from django.urls import path  # noqa: F401

from renda.suggestions.views import (
    drafting,
    evaluation,
    handling,
    public,
    review,
    stats,
    supervision,
)

app_name = "suggestions"

urlpatterns: list = [
    path("mine/", drafting.mine, name="mine"),
    path("mine/new/", drafting.draft_new, name="draft_new"),
    path("mine/<int:pk>/", drafting.mine_detail, name="mine_detail"),
    path("mine/<int:pk>/edit/", drafting.draft_edit, name="draft_edit"),
    path("mine/<int:pk>/cosigners/", drafting.cosigners, name="cosigners"),
    path("mine/attachments/<int:pk>/remove/", drafting.attachment_remove,
         name="attachment_remove"),
    path("attachments/<int:pk>/", drafting.attachment_file, name="attachment"),
    path("review/", review.queue, name="review_queue"),
    path("review/bulk/", review.bulk_register, name="review_bulk"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("assign/", handling.assign_queue, name="assign_queue"),
    path("assign/<int:pk>/", handling.assign_detail, name="assign_detail"),
    path("assign/<int:pk>/sheet.pdf", handling.assignment_sheet, name="assignment_sheet"),
    path("unit/", handling.unit_inbox, name="unit_inbox"),
    path("unit/<int:pk>/", handling.unit_detail, name="unit_detail"),
    path("letters/<int:pk>.pdf", handling.reply_letter, name="reply_letter"),
    # 评 and 督 (views.evaluation, views.supervision)
    path("evaluate/", evaluation.evaluate, name="evaluate"),
    path("evaluate/replies/<int:pk>/", evaluation.evaluate_reply, name="evaluate_reply"),
    path("evaluate/follow-up/", evaluation.follow_up, name="follow_up"),
    path("evaluate/follow-up/replies/<int:pk>/", evaluation.follow_up_reply,
         name="follow_up_reply"),
    path("supervision/", supervision.supervision_list, name="supervision"),
    path("supervision/key/", supervision.key_list, name="key_list"),
    path("supervision/repeats/", supervision.repeats, name="repeats"),
    path("supervision/<int:pk>/", supervision.supervision_detail, name="supervision_detail"),
    path("ledger/", supervision.ledger, name="ledger"),
    path("ledger/export/", supervision.ledger_export, name="ledger_export"),
    path("ledger/<int:pk>/", supervision.commitment_detail, name="commitment"),
    path("reviews/", supervision.reviews, name="review_reports"),
    path("reviews/<int:pk>/", supervision.review_detail, name="review_report"),
    # Statistics, the annual report, the ledger import and public disclosure (views.stats,
    # views.public)
    path("stats/", stats.stats_page, name="stats"),
    path("stats/export/", stats.stats_export, name="stats_export"),
    path("stats/annual-report.pdf", stats.annual_report, name="annual_report"),
    path("stats/import/", stats.ledger_upload, name="ledger_import"),
    path("stats/import/confirm/", stats.ledger_confirm, name="ledger_import_confirm"),
    path("stats/import/template/", stats.ledger_template, name="ledger_template"),
    path("public/", public.public_list, name="public_list"),
    path("public/<int:pk>/", public.public_detail, name="public_detail"),
]
