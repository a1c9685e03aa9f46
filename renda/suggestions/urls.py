"""URLs of the suggestions loop; each stage's views live in their own module of `views/`."""

from django.urls import path  # noqa: F401

from renda.suggestions.views import drafting, handling, review

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
]
