"""Text from page PDFs: extract (pypdfium2, imported lazily) → layout (lines, blocks, pieces) → order
(XY-cut) → stories (typeset units through the page-text segmenter's steps) → segment (articles, with
hotspots when the page HTML is known); fill gives an article without HTML text its text from the PDF.
docs/pdf.md describes the rules and their limits."""
