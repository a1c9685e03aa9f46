"""Public disclosure of suggestions and replies (no account): a searchable list and one
suggestion's page. The templates get `PublicSuggestion` rows only (`selectors.public`)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from renda.suggestions.models import Suggestion
from renda.suggestions.selectors import public


def _text(request: HttpRequest, name: str, max_length: int) -> str:
    # NUL characters cannot reach PostgreSQL; no code or word needs one.
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]


def _number(request: HttpRequest, name: str, low: int = 1, high: int = 2**31 - 1) -> int | None:
    value = _text(request, name, 12)
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def public_list(request: HttpRequest) -> HttpResponse:
    search = {"q": _text(request, "q", public.QUERY_MAX_LENGTH),
              "year": _number(request, "year", 2000, 2100),
              "category": _text(request, "category", 30), "unit": _number(request, "unit"),
              "congress": _number(request, "congress")}
    choices = public.public_choices(congress=search["congress"])
    page = public.public_list(page=request.GET.get("page"), **search)
    return render(request, "suggestions/public/list.html", {
        "page_obj": page, "choices": choices, "search": search,
        "filtered": any(search.values()),
    })


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = public.public_get(pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None
    return render(request, "suggestions/public/detail.html", {"entry": entry})
