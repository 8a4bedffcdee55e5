"""OCR of scanned pages: page images -> `PageLayout`s that `ingest.layout.assemble` turns into a `Document`.

`raster.py` turns scanned PDFs and image files into page images (bounded in
size), `orient.py` straightens them, `engine.py` reads text lines with
RapidOCR (PP-OCR models shipped inside its wheel: nothing is downloaded),
`grid.py` finds ruled tables and their cells with OpenCV and pdfplumber's
edge-to-cell logic, and `page.py` puts lines into cells and the rest into
text lines, with a confidence on each. `textlayer.py` decides per PDF page
whether its text layer is usable or the page must be read by OCR.
"""
