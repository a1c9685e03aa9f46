"""Star ratings on public pages:

    {% load duties_stars %}
    {% station_stars station as stars %}   {# or: {% deputy_stars deputy as stars %} #}
    {% include "duties/stars/_stars.html" with stars=stars only %}

`stars` is None, or has `stars` (1 to 3), `symbols` ("★★★"), `year`, `label` ("2026 年度三星级
联络站") and `url` (that year's honour page): the decision of the latest published round of the
station's (or deputy's) congress. `{{ n|star_symbols }}` writes n stars.
"""

from django import template

from renda.directory.models import Deputy, Station
from renda.duties import stars

register = template.Library()


@register.simple_tag
def station_stars(station: Station) -> stars.CurrentStars | None:
    return stars.station_current_stars(station=station)


@register.simple_tag
def deputy_stars(deputy: Deputy) -> stars.CurrentStars | None:
    return stars.deputy_current_stars(deputy=deputy)


@register.filter
def star_symbols(value: int | None) -> str:
    return stars.star_symbols(value)
