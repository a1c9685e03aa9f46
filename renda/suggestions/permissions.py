"""What each role may do with deputies' suggestions; scoping comes from each model's
ACCESS_SCOPES.

A deputy proposes and evaluates his own suggestions and sees those he signed; the office
reviews, assigns, approves extensions and supervises everything of its congress; a handling
unit handles what is assigned to it (and to units below it); leaders supervise key
suggestions; evaluators read and write third-party reviews. Nobody holds
"suggestions.automatic": those moves are made by the services themselves.
"""

from renda.accounts.access import grant
from renda.accounts.models import Role

MODELS = ("suggestion", "signature", "suggestionattachment", "assignment", "contactrecord",
          "assistopinion", "reply", "evaluation", "commitment", "keysupervision",
          "supervisionmeeting", "thirdpartyreview")
VIEW = [f"suggestions.view_{name}" for name in MODELS]
PROPOSE = "suggestions.propose_suggestion"
REVIEW = "suggestions.review_suggestion"
ASSIGN = "suggestions.assign_suggestion"
HANDLE = "suggestions.handle_suggestion"
APPROVE_EXTENSION = "suggestions.approve_suggestion_extension"
EVALUATE = "suggestions.evaluate_suggestion"
SUPERVISE = "suggestions.supervise_suggestion"
REVIEW_THIRD_PARTY = "suggestions.change_thirdpartyreview"
ASSIGN_THIRD_PARTY = "suggestions.add_thirdpartyreview"


def register() -> None:
    for role in (Role.ADMIN, Role.OFFICE_STAFF):
        grant(role, *VIEW, REVIEW, ASSIGN, APPROVE_EXTENSION, SUPERVISE, ASSIGN_THIRD_PARTY)
    grant(Role.LEADER, *VIEW, SUPERVISE)
    grant(Role.EVALUATOR, *VIEW, REVIEW_THIRD_PARTY)
    grant(Role.DEPUTY, *VIEW, PROPOSE, EVALUATE)
    for role in (Role.UNIT_HANDLER, Role.UNIT_HEAD):
        grant(role, *VIEW, HANDLE)
