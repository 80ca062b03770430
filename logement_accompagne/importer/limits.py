"""Hard limits applied before and while reading a document, so hostile input stays cheap.

They are deliberately generous for real forms (a filled "Présentation synthétique" is a few
dozen kilobytes, a few hundred with a letterhead image) and tight for anything else.
"""

# Refused before reading a single byte of content.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Zip containers (.docx, .odt): checked from the central directory, before any decompression.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_MEMBER_UNCOMPRESSED = 40 * 1024 * 1024
# Office XML compresses about 5-20 times; a ratio above this on a big member is a bomb.
MAX_ZIP_RATIO = 200
ZIP_RATIO_CHECKED_ABOVE = 1024 * 1024

# PDF: pages read and time spent in the text extraction.
MAX_PDF_PAGES = 300
PDF_SECONDS = 30.0

# PDF pages that draw: a second reading (pdfplumber) for drawn checkboxes only below this content size.
MAX_DRAWING_CONTENT_BYTES = 2 * 1024 * 1024

# Scanned PDF pages (images without text), read through OCR: pages, pixels and time.
MAX_OCR_PAGES = 12
# An image whose declared size passes this is refused before it is decoded (a 600 dpi A4 is 35 M).
MAX_PDF_IMAGE_PIXELS = 50_000_000
# Each page is rendered at the scan's own resolution within this range, and within this many pixels.
OCR_DPI_RANGE = (150, 300)
MAX_OCR_PAGE_PIXELS = 12_000_000
OCR_SECONDS = 120.0

# Whatever the format, the text handed to the parser.
MAX_TEXT_CHARS = 1_000_000

# LibreOffice conversion of Word 97 files.
SOFFICE_SECONDS = 90
