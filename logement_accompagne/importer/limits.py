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

# Whatever the format, the text handed to the parser.
MAX_TEXT_CHARS = 1_000_000

# LibreOffice conversion of Word 97 files.
SOFFICE_SECONDS = 90
