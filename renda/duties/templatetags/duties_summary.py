"""`{% deputy_duty_summary deputy %}`: the duty summary block of a deputy's public page."""

from django import template

from renda.duties.public_summary import deputy_duty_summary as summary

register = template.Library()


@register.inclusion_tag("duties/_deputy_summary.html")
def deputy_duty_summary(deputy):
    return {"deputy": deputy, **summary(deputy=deputy)}
