"""Files made without a browser: GeoJSON/KML/CSV (formats), static maps (staticmap) and packs (briefing)."""

__all__ = ["briefing", "formats", "staticmap"]
