"""Files made without a browser: GeoJSON/KML/CSV (formats), static maps (staticmap), packs (briefing)
and films (timelapse)."""

__all__ = ["briefing", "formats", "staticmap", "timelapse"]
