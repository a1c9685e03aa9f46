"""Demo data for Renda: Harbin, 平房区 and 松北区 with their congresses, handling units,
about 300 deputies, 30 liaison stations and one login per role. All people are invented; the
ID numbers and phone numbers are fake (ID numbers are well-formed, with a valid check digit).

Run it with `python manage.py seed_demo`; see `builder.seed`.
"""
