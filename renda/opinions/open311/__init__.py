"""The Open311 GeoReport v2 API at /open311/v2/: city apps and 12345 platforms read the opinion
types of a congress as services and post and follow citizens' opinions as service requests.

See docs/guide/open311.md for the jurisdiction ids, the keys and what the public may read.
"""
