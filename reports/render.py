"""Rendering, apart from what the text says: a list of blocks to Markdown (images linked by
relative path), and that Markdown to one self-contained HTML page (by markdown-it-py, tables
enabled; every image embedded as a base64 PNG, in a figure with its caption).

A block is a tuple: ``("h", level, text)``, ``("p", text)``, ``("list", [text, ...])``,
``("table", DataFrame)`` or ``("img", filename, caption)``. Text is Markdown.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

__all__ = ["render_markdown", "render_html", "markdown_to_html", "format_table"]

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
th { background: #f2f2f2; }
td:first-child, th:first-child { text-align: left; }
code { background: #f4f4f4; padding: 0 0.2em; }
img { max-width: 100%; }
figcaption { font-size: 0.9em; color: #555; }
"""


def format_table(df: pd.DataFrame) -> pd.DataFrame:
    """Floats as short strings (3 significant digits; tiny values in e-notation), everything
    else as text, blanks for missing values."""
    out = df.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = [("" if pd.isna(v) else f"{v:.3g}") for v in out[column]]
        else:
            out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out


def _cell(value) -> str:
    """A table cell's text on one line, its pipes escaped (a bare ``|`` would end the cell)."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _table(df: pd.DataFrame) -> str:
    cells = format_table(df).map(_cell)
    cells.columns = [_cell(c) for c in cells.columns]
    return cells.to_markdown(index=False, disable_numparse=True)


def render_markdown(blocks: list[tuple]) -> str:
    """The blocks as one Markdown document."""
    parts = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            parts.append("#" * block[1] + " " + block[2])
        elif kind == "p":
            parts.append(block[1])
        elif kind == "list":
            parts.append("\n".join(f"- {item}" for item in block[1]))
        elif kind == "table":
            parts.append(_table(block[1]))
        elif kind == "img":
            parts.append(f"![{block[2]}]({block[1]})")
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    return "\n\n".join(parts) + "\n"


def _lone_image(tokens, idx: int) -> bool:
    """Whether the paragraph whose inline token is ``tokens[idx]`` holds one image alone."""
    inline = tokens[idx] if 0 <= idx < len(tokens) else None
    return (inline is not None and inline.type == "inline" and inline.children is not None
            and len(inline.children) == 1 and inline.children[0].type == "image")


def _parser(image_dir: Path) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def paragraph_open(self, tokens, idx, options, env):
        return "<figure>" if _lone_image(tokens, idx + 1) else self.renderToken(tokens, idx, options, env)

    def paragraph_close(self, tokens, idx, options, env):
        return "</figure>\n" if _lone_image(tokens, idx - 1) else self.renderToken(tokens, idx, options, env)

    def image(self, tokens, idx, options, env):
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        data = base64.b64encode((Path(image_dir) / token.attrGet("src")).read_bytes()).decode("ascii")
        return (f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(alt)}</figcaption>")

    def cell_open(self, tokens, idx, options, env):
        # The Markdown's columns are padded left for reading as text; the page aligns by its CSS.
        tokens[idx].attrs.pop("style", None)
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("th_open", cell_open)
    md.add_render_rule("td_open", cell_open)
    md.add_render_rule("paragraph_open", paragraph_open)
    md.add_render_rule("paragraph_close", paragraph_close)
    md.add_render_rule("image", image)
    return md


def markdown_to_html(markdown: str, image_dir: Path, title: str) -> str:
    """One HTML page from ``markdown``; each image ``![caption](name)`` reads
    ``image_dir / name`` and is embedded."""
    body = _parser(image_dir).render(markdown)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + body + "</body>\n</html>\n")


def render_html(blocks: list[tuple], image_dir: Path, title: str) -> str:
    """The blocks' Markdown (``render_markdown``) as one HTML page (``markdown_to_html``)."""
    return markdown_to_html(render_markdown(blocks), image_dir, title)
