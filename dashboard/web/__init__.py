"""The browser side: Folium/Leaflet elements, map view, links, downloads, standalone page, epoch cache."""

__all__ = ["downloads", "epochs", "links", "mapview", "standalone"]
