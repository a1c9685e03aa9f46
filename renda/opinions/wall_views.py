"""The echo wall's pages: the public wall (anyone, no account) and the staff's review queue.

The public views hand the templates `WallEntry` rows only (`renda.opinions.wall`), never an
opinion. The staff views read through the scoped selectors (a post outside the user's scope is a
404) and write through `wall_post_review`, which checks the state and the permission again under
a row lock.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.accounts.access import has_perm
from renda.core.workflow import TransitionNotAllowed
from renda.opinions import wall
from renda.opinions.models import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, EchoWallPost

P = EchoWallPost.Status
STAFF_PAGE_SIZE = 20
NOTE_MAX_LENGTH = 500
DONE = {
    "publish": gettext_lazy("已公开，公众可以在回音壁上看到这条内容。"),
    "reject": gettext_lazy("已决定不予公开。"),
    "withdraw": gettext_lazy("已从回音壁撤下。"),
}


# The public wall -------------------------------------------------------------------------------


def wall_list(request: HttpRequest) -> HttpResponse:
    choices = wall.wall_public_choices()
    station, category = _param(request, "station", 32), _param(request, "type", 30)
    page = wall.wall_public_list(station=station or None, category=category or None,
                                 page=request.GET.get("page"))
    return render(request, "opinions/wall/list.html", {
        "page_obj": page, "choices": choices, "station": station, "category": category,
        "station_name": dict(choices["stations"]).get(station, ""),
    })


def _param(request: HttpRequest, name: str, max_length: int) -> str:
    # NUL characters cannot reach PostgreSQL; no code or type contains one.
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]


def wall_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = wall.wall_public_get(pk=pk)
    except EchoWallPost.DoesNotExist:
        raise Http404 from None
    return render(request, "opinions/wall/detail.html", {"entry": entry})


# The staff's review ----------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """The reviewer's text and note; which of them is required depends on the button pressed
    (`action`): publishing needs a title and a question, rejecting and withdrawing a reason."""

    title = forms.CharField(label=gettext_lazy("公开标题"), required=False,
                            max_length=TITLE_MAX_LENGTH)
    content = forms.CharField(label=gettext_lazy("公开内容"), required=False,
                              max_length=CONTENT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 6}))
    reply = forms.CharField(label=gettext_lazy("公开的办理结果"), required=False,
                            max_length=CONTENT_MAX_LENGTH,
                            widget=forms.Textarea(attrs={"rows": 5}))
    note = forms.CharField(label=gettext_lazy("审核意见"), required=False,
                           max_length=NOTE_MAX_LENGTH,
                           help_text=gettext_lazy("不予公开或撤下时必须填写理由"),
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needed = ("title", "content") if self.action == "publish" else ("note",)
        for field in needed:
            if field not in self.errors and not (data.get(field) or "").strip():
                self.add_error(field, _("此项不能为空"))
        return data


def _form(post: EchoWallPost, data: Any = None, action: str = "") -> ReviewForm:
    initial = {"title": post.title, "content": post.content, "reply": post.reply}
    return ReviewForm(data, action=action, initial=initial, prefix=f"wall-{post.pk}",
                      label_suffix="")


def _actions(post: EchoWallPost, can_review: bool) -> list[str]:
    if not can_review:
        return []
    return [step.action for step in wall.ECHO_WALL.transitions if post.status in step.sources]


def _cards(posts: list[EchoWallPost], can_review: bool) -> list[dict[str, Any]]:
    originals = wall.original_replies(post.opinion for post in posts)
    return [{"post": post, "original_reply": originals.get(post.opinion_id, ""),
             "form": _form(post), "actions": _actions(post, can_review)} for post in posts]


def _require_view(user: Any) -> bool:
    """Whether the user may review; those who may only read (leaders, deputies, units) see
    the posts of their scope without the buttons; anyone else is refused."""
    if not has_perm(user, wall.VIEW):
        raise PermissionDenied
    return has_perm(user, wall.REVIEW)


@login_required
def wall_review(request: HttpRequest) -> HttpResponse:
    can_review = _require_view(request.user)
    status = request.GET.get("status", P.PENDING)
    if status not in P.values:
        status = P.PENDING
    posts = wall.wall_review_queue(user=request.user, status=status,
                                   perm=wall.REVIEW if can_review else wall.VIEW)
    page = Paginator(posts, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opinions/staff/wall_queue.html", {
        "page_obj": page, "cards": _cards(list(page.object_list), can_review),
        "status": status, "statuses": P.choices, "can_review": can_review,
    })


def _post_context(request: HttpRequest, post: EchoWallPost, form: ReviewForm | None = None,
                  stale: ReviewForm | None = None) -> dict[str, Any]:
    can_review = has_perm(request.user, wall.REVIEW, post)
    card = _cards([post], can_review)[0]
    if form is not None:
        card["form"] = form
    return {"card": card, "stale_form": stale, "can_review": can_review}


def _get_post(request: HttpRequest, pk: int) -> EchoWallPost:
    try:
        return wall.wall_post_get_for(user=request.user, pk=pk, perm=wall.VIEW)
    except EchoWallPost.DoesNotExist:
        raise Http404 from None


@login_required
def wall_review_post(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request.user)
    post = _get_post(request, pk)
    if request.method != "POST":
        return render(request, "opinions/staff/wall_post.html", _post_context(request, post))
    action = request.POST.get("action", "")
    if action not in wall.REVIEW_ACTIONS:
        return HttpResponseBadRequest(_("未知的操作"))
    form = _form(post, request.POST, action)
    if not form.is_valid():
        return render(request, "opinions/staff/wall_post.html",
                      _post_context(request, post, form=form), status=400)
    return _review(request, post, action, form)


def _review(request: HttpRequest, post: EchoWallPost, action: str,
            form: ReviewForm) -> HttpResponse:
    try:
        wall.wall_post_review(actor=request.user, post_id=post.pk, action=action,
                              **form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
        post = _get_post(request, post.pk)
        return render(request, "opinions/staff/wall_post.html",
                      _post_context(request, post, stale=form), status=409)
    except ValidationError as error:
        _add_errors(form, error)
        return render(request, "opinions/staff/wall_post.html",
                      _post_context(request, post, form=form), status=400)
    messages.success(request, DONE[action])
    return redirect(f"{reverse('opinions:wall_review')}?status={post.status}")


def _add_errors(form: ReviewForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
