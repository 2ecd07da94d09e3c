"""Panels: parts of a page with their own callbacks, mounted by pages (e.g. the reflection
panel in the case timeline's `reflection-slot`)."""
