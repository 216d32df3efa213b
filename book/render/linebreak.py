"""A line that fits but for its trailing space is kept whole (WeasyPrint 70 kept only its first word).

WeasyPrint's `split_first_line` measures a text with its trailing space. When the text
fits the line only without that space (which hangs at a line's end and is never
drawn), it takes the text for one word too long to break, and returns its first word
alone: a justified paragraph then opens with "This" on a line of its own, the rest of
the sentence on the next. It happens when an inline box (a name in a `nohy` span, a
`nobr` span) just misses the end of a line that a run of text before it fills.

`whole_lines()` wraps the function while a book is laid out: in that case only, the
text is laid out in the width it takes with its space, where it fits, so the space
hangs as it does on every other line. WeasyPrint accepts a box that passes the line's
end by its trailing space only. The wrapper is restored after.
"""

from __future__ import annotations

import contextlib

from weasyprint.layout import inline
from weasyprint.text.line_break import create_layout, line_size

_COLLAPSING = ("normal", "pre-line")
_RATIO = 4  # WeasyPrint's own bound: a character is at least a quarter of the font size wide


@contextlib.contextmanager
def whole_lines():
    """WeasyPrint's text splitter keeps a text that fits but for its trailing space on one line."""
    original = inline.split_first_line

    def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
        result = original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        if (result[2] is None or minimum or max_width is None or not text.endswith(" ")
                or style["white_space"] not in _COLLAPSING or not style["font_size"]
                or len(text) > max_width / style["font_size"] * _RATIO):  # too long to fit: no need to look
            return result
        width = _one_line_width(text.rstrip(" "), style, context, max_width, justification_spacing)
        if width is None or width > max_width:
            return result
        with_space = _one_line_width(text, style, context, max_width, justification_spacing)
        if with_space is None:
            return result
        return original(text, style, context, with_space, justification_spacing, is_line_start, minimum)

    inline.split_first_line = split_first_line
    try:
        yield
    finally:
        inline.split_first_line = original


def _one_line_width(text, style, context, max_width, justification_spacing) -> float | None:
    """The width of `text` if Pango sets it on one line in `max_width`, else None."""
    layout = create_layout(text, style, context, max_width, justification_spacing)  # kept: its lines die with it
    first_line, resume = layout.get_first_line()
    return line_size(first_line, style)[0] if resume is None else None
