"""Briefing-book generator: news articles in, a PDF and an EPUB 3 out."""

__version__ = "0.1.0"
